/* test_store.c: the LMDB key-value layer: get, put, delete by prefix, iterate, indexes, nested transactions, schema, group commits, space written ahead; the writer's one sync a group. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/store/store.h"
#include "daemon/store/writer.h"

#define MIB ((off_t)1 << 20)

static char dir[] = "/tmp/isa-store-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
count_keys(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
	(void)k;
	(void)kl;
	(void)v;
	(void)vl;
	(*(int *)arg)++;
	return 0;
}

static void
test_kv(void **state)
{
	store_t *s;
	store_txn_t *t;
	const void *v;
	size_t l;
	char err[256];
	int n = 0;

	(void)state;
	assert_int_equal(store_open(dir, 1 << 24, &s, err, sizeof(err)), 0);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_CHUNKS, "aaaa1", 5, "x", 1), 0);
	assert_int_equal(store_put(t, STORE_CHUNKS, "aaaa2", 5, "y", 1), 0);
	assert_int_equal(store_put(t, STORE_CHUNKS, "bbbb1", 5, "z", 1), 0);
	assert_int_equal(store_txn_commit(t), 0);
	/* an aborted transaction changes nothing */
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_CHUNKS, "cccc1", 5, "w", 1), 0);
	store_txn_abort(t);

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(store_get(t, STORE_CHUNKS, "cccc1", 5, &v, &l),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(store_get(t, STORE_CHUNKS, "aaaa2", 5, &v, &l), 0);
	assert_memory_equal(v, "y", 1);
	assert_int_equal(store_iter(t, STORE_CHUNKS, NULL, 0, count_keys, &n),
	    0);
	assert_int_equal(n, 3);
	store_txn_abort(t);

	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del_prefix(t, STORE_CHUNKS, "aaaa", 4), 0);
	assert_int_equal(store_del(t, STORE_CHUNKS, "nope", 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(store_count(t, STORE_CHUNKS), 1);
	store_txn_abort(t);
	store_close(s);
}

static int
collect_ids(void *arg, const uint8_t id[16])
{
	uint8_t *seen = arg;

	seen[0]++;
	seen[seen[0]] = id[0];
	return 0;
}

/* Indexes: a prefix and an id; one prefix never reaches into a longer
 * one; an empty prefix deletes every key. */
static void
test_index(void **state)
{
	static const uint8_t id1[16] = { 1 }, id2[16] = { 2 }, id3[16] = { 3 };
	uint8_t seen[8] = { 0 }, big[STORE_INDEX_KEY_MAX] = { 0 };
	store_t *s;
	store_txn_t *t;
	char err[256];

	(void)state;
	assert_int_equal(store_open(dir, 1 << 24, &s, err, sizeof(err)), 0);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_index_put(t, STORE_ACCESS, "user:a", 7, id2), 0);
	assert_int_equal(store_index_put(t, STORE_ACCESS, "user:a", 7, id1), 0);
	assert_int_equal(store_index_put(t, STORE_ACCESS, "user:ab", 8, id3),
	    0);
	assert_int_equal(store_index_put(t, STORE_ACCESS, big, sizeof(big),
	    id3), ISA_ERR_RANGE);
	assert_int_equal(store_index_has(t, STORE_ACCESS, "user:a", 7, id1), 0);
	assert_int_equal(store_index_has(t, STORE_ACCESS, "user:a", 7, id3),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(store_index_has(t, STORE_ACCESS, "user:ab", 8, id3),
	    0);
	assert_int_equal(store_index_each(t, STORE_ACCESS, "user:a", 7,
	    collect_ids, seen), 0);
	assert_int_equal(seen[0], 2);	/* id1, id2, in order; not id3 */
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], 2);
	assert_int_equal(store_index_del(t, STORE_ACCESS, "user:a", 7, id1), 0);
	assert_int_equal(store_index_del(t, STORE_ACCESS, "user:a", 7, id1), 0);
	assert_int_equal(store_index_has(t, STORE_ACCESS, "user:a", 7, id1),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(store_del_prefix(t, STORE_ACCESS, "", 0), 0);
	assert_int_equal(store_count(t, STORE_ACCESS), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
}

/* Seeking: the first key at or after one, the last before one, and the
 * ids under one prefix in order, each after the one before, with their
 * values; never one under a longer prefix. */
static void
test_seek(void **state)
{
	uint8_t id1[16] = { 1 }, id2[16] = { 2 }, id3[16] = { 3 }, got[16];
	store_t *s;
	store_txn_t *t;
	store_kv_t kv;
	const void *v;
	size_t vl;
	char err[256];

	(void)state;
	assert_int_equal(store_open(dir, 1 << 24, &s, err, sizeof(err)), 0);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del_prefix(t, STORE_DATES, "", 0), 0);
	assert_int_equal(store_seek(t, STORE_DATES, "", 0, &kv),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(store_seek_before(t, STORE_DATES, NULL, 0, &kv),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(store_put(t, STORE_DATES, "b", 1, "B", 1), 0);
	assert_int_equal(store_put(t, STORE_DATES, "d", 1, "D", 1), 0);
	assert_int_equal(store_seek(t, STORE_DATES, "", 0, &kv), 0);
	assert_memory_equal(kv.key, "b", 1);
	assert_int_equal(store_seek(t, STORE_DATES, "c", 1, &kv), 0);
	assert_memory_equal(kv.key, "d", 1);
	assert_memory_equal(kv.val, "D", 1);
	assert_int_equal(store_seek(t, STORE_DATES, "e", 1, &kv),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(store_seek_before(t, STORE_DATES, "d", 1, &kv), 0);
	assert_memory_equal(kv.key, "b", 1);
	assert_int_equal(store_seek_before(t, STORE_DATES, "z", 1, &kv), 0);
	assert_memory_equal(kv.key, "d", 1);
	assert_int_equal(store_seek_before(t, STORE_DATES, NULL, 0, &kv), 0);
	assert_memory_equal(kv.key, "d", 1);
	assert_int_equal(store_seek_before(t, STORE_DATES, "b", 1, &kv),
	    ISA_ERR_NOTFOUND);

	assert_int_equal(store_index_set(t, STORE_DATES, "k\0", 2, id3, "3",
	    1), 0);
	assert_int_equal(store_index_set(t, STORE_DATES, "k\0", 2, id1, "1",
	    1), 0);
	assert_int_equal(store_index_put(t, STORE_DATES, "k\0x", 3, id2), 0);
	assert_int_equal(store_index_next(t, STORE_DATES, "k\0", 2, NULL, got,
	    &v, &vl), 0);
	assert_memory_equal(got, id1, 16);
	assert_memory_equal(v, "1", 1);
	assert_int_equal(store_index_next(t, STORE_DATES, "k\0", 2, got, got,
	    &v, &vl), 0);
	assert_memory_equal(got, id3, 16);	/* not the longer prefix's */
	assert_int_equal(store_index_next(t, STORE_DATES, "k\0", 2, id2, got,
	    NULL, NULL), 0);
	assert_memory_equal(got, id3, 16);	/* after an id not there */
	assert_int_equal(store_index_next(t, STORE_DATES, "k\0", 2, id3, got,
	    NULL, NULL), ISA_ERR_NOTFOUND);
	assert_int_equal(store_index_next(t, STORE_DATES, "j\0", 2, NULL, got,
	    NULL, NULL), ISA_ERR_NOTFOUND);
	store_txn_abort(t);
	store_close(s);
}

static void
test_newer_schema_refused(void **state)
{
	uint8_t newer[4] = { 0, 0, 0, STORE_SCHEMA_VERSION + 1 };
	store_t *s;
	store_txn_t *t;
	char err[256];

	(void)state;
	assert_int_equal(store_open(dir, 1 << 24, &s, err, sizeof(err)), 0);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, newer, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	assert_int_equal(store_open(dir, 1 << 24, &s, err, sizeof(err)),
	    ISA_ERR_SCHEMA);
	assert_null(s);
	assert_non_null(strstr(err, "written by a newer isad"));
}

/* An empty store: the files of the test before are removed. */
static void
fresh(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
}

static off_t
data_size(void)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* Bytes [from, to) of data.mdb are all zero. */
static bool
zeros_between(off_t from, off_t to)
{
	char path[128];
	FILE *f;
	int c = 0;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseeko(f, from, SEEK_SET), 0);
	for (off_t i = from; i < to && (c = getc(f)) == 0; i++)
		;
	fclose(f);
	return c == 0;
}

/* n values of 4 KiB under keys "k" || i, one transaction each. */
static void
put_values(store_t *s, int from, int n)
{
	static uint8_t v[4096];

	for (int i = from; i < from + n; i++) {
		store_txn_t *t;

		memset(v, i | 1, sizeof(v));	/* never zeros */
		assert_int_equal(store_txn_begin(s, true, &t), 0);
		assert_int_equal(store_put(t, STORE_CHUNKS, &i, sizeof(i), v,
		    sizeof(v)), 0);
		assert_int_equal(store_txn_commit(t), 0);
	}
}

static void
check_values(store_t *s, int n)
{
	store_txn_t *t;

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	for (int i = 0; i < n; i++) {
		const void *v;
		size_t l;

		assert_int_equal(store_get(t, STORE_CHUNKS, &i, sizeof(i), &v,
		    &l), 0);
		assert_int_equal(l, 4096);
		assert_int_equal(((const uint8_t *)v)[4095], (i | 1) & 0xff);
	}
	store_txn_abort(t);
}

/*
 * The file is written 4 MiB ahead of LMDB's pages, in zeros; LMDB's pages
 * go over them and the store reads back whole after a reopen; never past
 * the map.
 */
static void
test_reserve_ahead(void **state)
{
	store_txn_t *t;
	store_t *s;
	char err[256];
	off_t before;

	(void)state;
	fresh();
	assert_int_equal(store_open(dir, 64 * MIB, &s, err, sizeof(err)), 0);
	before = data_size();
	assert_true(before < 2 * MIB);
	assert_int_equal(store_reserve(s), 0);
	assert_true(data_size() >= 4 * MIB);
	assert_true(zeros_between(before, data_size()));
	/* Nothing to do while 2 MiB are left. */
	assert_int_equal(store_reserve(s), 0);
	assert_true(data_size() < 5 * MIB);
	for (int i = 0; i < 768; i++) {	/* 3 MiB and more of pages */
		put_values(s, i, 1);
		assert_int_equal(store_reserve(s), 0);
	}
	/* Each 4 KiB value takes two pages: 6 MiB of LMDB's, and still at
	 * least 2 MiB of zeros ahead of them. */
	assert_true(data_size() >= 8 * MIB);
	assert_true(zeros_between(data_size() - 2 * MIB, data_size()));
	/* One commit of 2 MiB: no zeros after it. */
	before = data_size();
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	for (int i = 768; i < 1280; i++) {
		static uint8_t v[4096];

		memset(v, i | 1, sizeof(v));
		assert_int_equal(store_put(t, STORE_CHUNKS, &i, sizeof(i), v,
		    sizeof(v)), 0);
	}
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_reserve(s), 0);
	assert_true(data_size() < before + MIB);
	store_close(s);
	assert_int_equal(store_open(dir, 64 * MIB, &s, err, sizeof(err)), 0);
	check_values(s, 1280);
	store_close(s);

	/* A map smaller than the reservation: up to the map, no further. */
	fresh();
	assert_int_equal(store_open(dir, 1 * MIB, &s, err, sizeof(err)), 0);
	assert_int_equal(store_reserve(s), 0);
	assert_int_equal(data_size(), 1 * MIB);
	store_close(s);
}

/*
 * The zeros cannot be written (here a file size limit, as a full disk
 * would): store_reserve says so, and commits go on.
 */
static void
test_reserve_fails_commits_go_on(void **state)
{
	struct rlimit old, lim;
	store_t *s;
	char err[256];

	(void)state;
	fresh();
	assert_int_equal(store_open(dir, 64 * MIB, &s, err, sizeof(err)), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)(data_size() + MIB);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(store_reserve(s), ISA_ERR_FULL);
	put_values(s, 0, 16);
	/* Not tried again until the store has grown. */
	assert_int_equal(store_reserve(s), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	check_values(s, 16);
	store_close(s);
}

/* ---- The writer ---- */

#ifdef ISA_TEST_BUILD	/* the commit fault switch: sanitizer builds only */

typedef struct {
	writer_op_t op;		/* first: the writer hands this back */
	writer_t *w;
	int key;
	void *then;		/* an op to submit from inside apply */
} top_t;

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done_count;
static char fault_path[128];

static int
top_apply(store_txn_t *txn, writer_op_t *op)
{
	top_t *t = (top_t *)(void *)op;

	if (t->then != NULL) {	/* queued while this group commits */
		writer_submit(t->w, t->then);
		t->then = NULL;
	}
	if (t->key == 99) {	/* the disk fails under this group's commit */
		FILE *f = fopen(fault_path, "w");

		assert_non_null(f);
		fclose(f);
	}
	return store_put(txn, STORE_CHUNKS, &t->key, sizeof(t->key), "v", 1);
}

static void
top_done(writer_op_t *op)
{
	(void)op;
	pthread_mutex_lock(&done_lock);
	++done_count;
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&done_lock);
}

static void
wait_done(int n)
{
	pthread_mutex_lock(&done_lock);
	while (done_count < n)
		pthread_cond_wait(&done_cond, &done_lock);
	pthread_mutex_unlock(&done_lock);
}

static top_t
top(writer_t *w, int key, top_t *then)
{
	return (top_t){ .op = { .apply = top_apply, .done = top_done }, .w = w,
	    .key = key, .then = then };
}

static bool
stored(store_t *s, int key)
{
	store_txn_t *t;
	const void *v;
	size_t l;
	int rc;

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	rc = store_get(t, STORE_CHUNKS, &key, sizeof(key), &v, &l);
	store_txn_abort(t);
	return rc == 0;
}

/*
 * A group whose commit fails (as when LMDB's sync fails) fails every op in
 * it and changes nothing; the group before it stands; once the disk works
 * the writer commits again.  An op submitted just before writer_stop is
 * answered before it returns, and is in the store after a reopen.
 */
static void
test_writer_failed_commit(void **state)
{
	char err[256];
	top_t a, b, c, d;
	store_t *s;
	writer_t *w;

	(void)state;
	snprintf(fault_path, sizeof(fault_path), "%s/commitfault", dir);
	fresh();
	assert_int_equal(store_open(dir, 64 * MIB, &s, err, sizeof(err)), 0);
	assert_non_null(w = writer_start(s));
	setenv("ISAD_TEST_COMMIT_FAULT", fault_path, 1);
	done_count = 0;
	b = top(w, 99, NULL);	/* its apply turns the fault on */
	a = top(w, 1, &b);
	writer_submit(w, &a.op);
	wait_done(2);
	assert_int_equal(a.op.rc, 0);
	assert_int_equal(b.op.rc, ISA_ERR_IO);
	assert_true(stored(s, 1));
	assert_false(stored(s, 99));
	unlink(fault_path);
	c = top(w, 3, NULL);
	writer_submit(w, &c.op);
	wait_done(3);
	assert_int_equal(c.op.rc, 0);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	d = top(w, 4, NULL);
	writer_submit(w, &d.op);
	writer_stop(w);
	assert_int_equal(done_count, 4);
	assert_int_equal(d.op.rc, 0);
	store_close(s);
	assert_int_equal(store_open(dir, 64 * MIB, &s, err, sizeof(err)), 0);
	assert_true(stored(s, 3));
	assert_true(stored(s, 4));
	store_close(s);
}
/* A backlog for the writer (writer_set_backlog), kept in these. */
static bool bl_pending_flag;
static int bl_done_rc = 1, bl_refused;

static bool
bl_pending(void *arg)
{
	(void)arg;
	return bl_pending_flag;
}

static int
bl_apply(store_txn_t *txn, void *arg)
{
	int key = 77;

	(void)arg;
	return store_put(txn, STORE_CHUNKS, &key, sizeof(key), "b", 1);
}

static void
bl_done(void *arg, int rc)
{
	(void)arg;
	bl_done_rc = rc;
	if (rc == 0)
		bl_pending_flag = false;
}

static int
full_apply(store_txn_t *txn, writer_op_t *op)
{
	(void)txn;
	(void)op;
	return ISA_ERR_FULL;
}

static void
count_refused(writer_op_t *op, void *arg)
{
	assert_ptr_equal(arg, &bl_pending_flag);
	assert_int_equal(op->rc, ISA_ERR_FULL);
	bl_refused++;
}

static void
no_tick(store_t *s, void *arg)
{
	(void)s;
	(void)arg;
}

/*
 * The backlog is written first in the next batch, and told that its
 * commit landed even when a change of that batch failed on its own (the
 * map full for it alone): it must not be written twice.  The failed
 * change is handed to its refused, with the backlog's arg, before done.
 */
static void
test_writer_backlog(void **state)
{
	char err[256];
	top_t x;
	store_t *s;
	writer_t *w;

	(void)state;
	fresh();
	assert_int_equal(store_open(dir, 64 * MIB, &s, err, sizeof(err)), 0);
	assert_non_null(w = writer_start(s));
	writer_set_tick(w, 3600000, no_tick, NULL);
	writer_set_backlog(w, bl_pending, bl_apply, bl_done, &bl_pending_flag);
	done_count = 0;
	bl_pending_flag = true;
	x = top(w, 5, NULL);
	x.op.apply = full_apply;
	x.op.refused = count_refused;
	writer_submit(w, &x.op);
	wait_done(1);
	assert_int_equal(x.op.rc, ISA_ERR_FULL);
	assert_int_equal(bl_refused, 1);
	assert_int_equal(bl_done_rc, 0);
	assert_false(bl_pending_flag);
	assert_true(stored(s, 77));
	assert_false(stored(s, 5));
	writer_stop(w);
	store_close(s);
}

#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_reserve_ahead),
		cmocka_unit_test(test_reserve_fails_commits_go_on),
#ifdef ISA_TEST_BUILD
		cmocka_unit_test(test_writer_failed_commit),
		cmocka_unit_test(test_writer_backlog),
#endif
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
