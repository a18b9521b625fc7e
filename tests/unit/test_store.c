/* test_store.c: the LMDB key-value layer: get, put, delete by prefix, iterate, nested transactions, schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/store.h"

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
	store_txn_t *t, *c;
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
	/* a child that aborts leaves the parent as it was */
	assert_int_equal(store_txn_child(t, &c), 0);
	assert_int_equal(store_put(c, STORE_CHUNKS, "cccc1", 5, "w", 1), 0);
	store_txn_abort(c);
	assert_int_equal(store_txn_commit(t), 0);

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_newer_schema_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
