/* test_backup.c: isad backup: under concurrent uploads and restored into a new data dir; its refusals; cut off by kill -9; the master key only when asked. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/base64.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/merkle.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MAX_DOCS 64

/* Run isad backup into DIR/name (its path into out, 512 bytes). */
static h_result_t
backup(harness_t *h, const char *name, bool with_master_key, char *out)
{
	snprintf(out, 512, "%s/%s", h_dir(h), name);
	if (with_master_key)
		return h_run(ARGS(getenv("ISAD_BIN"), "backup", "--config",
		    h_isad_conf(h), "--out", out, "--with-master-key"));
	return h_run(ARGS(getenv("ISAD_BIN"), "backup", "--config",
	    h_isad_conf(h), "--out", out));
}

/* Start isad backup into dir held after its copy ($ISAD_TEST_BACKUP_HOLD,
 * test builds); return once it says so, its pid in *pid, its stdout (to
 * close once it has ended). */
static FILE *
spawn_held(harness_t *h, const char *dir, bool with_master_key, pid_t *pid)
{
	char line[128];
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	if ((*pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		setenv("ISAD_TEST_BACKUP_HOLD", "1", 1);
		execl(getenv("ISAD_BIN"), "isad", "backup", "--config",
		    h_isad_conf(h), "--out", dir, with_master_key ?
		    "--with-master-key" : (char *)NULL, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "copied, holding"));
	return f;
}

static mode_t
mode_of(const char *dir, const char *name)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s%s", dir, name != NULL ? "/" : "",
	    name != NULL ? name : "");
	if (stat(p, &st) != 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static json_t *
manifest(const char *dir)
{
	char p[1024];
	json_error_t e;
	json_t *m;

	snprintf(p, sizeof(p), "%s/manifest.json", dir);
	if ((m = json_load_file(p, 0, &e)) == NULL)
		fail_msg("%s:%d: %s", p, e.line, e.text);
	return m;
}

static int64_t
jint(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(o, path1);

	if (path2 != NULL)
		v = json_object_get(v, path2);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* ctp-analyst uploads n documents of seeds from seed0, one line "ID SEED"
 * to fd after each (a child process: no cmocka here). */
static void
upload_loop(harness_t *h, unsigned seed0, unsigned n, int fd)
{
	for (unsigned i = 0; i < n; i++) {
		char in[512], id[32], line[64];
		h_result_t r;
		int len;

		snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed0 + i);
		du_make_file(in, SU_CHUNK + 1000 * i, seed0 + i);
		if (du_put(h, "ctp-analyst", in, "doc", "OFFICIAL-SENSITIVE",
		    "agency:ctpse", NULL, id, &r) != 0)
			_exit(1);
		h_result_free(&r);
		len = snprintf(line, sizeof(line), "%s %u\n", id, seed0 + i);
		if (write(fd, line, (size_t)len) != len)
			_exit(1);
	}
	_exit(0);
}

/* The seed of document id among "ID SEED" lines in text; 0 when absent. */
static unsigned
seed_of(const char *text, const char *id)
{
	const char *p = strstr(text, id);

	return p != NULL ? (unsigned)strtoul(p + strlen(id), NULL, 10) : 0;
}

/* Stop isad, move its data dir aside, and restore the backup in dir into a
 * new, empty data dir, as docs/operations.md says: the store and the key
 * files from the backup, the master key kept apart (here: the old one). */
static void
restore(harness_t *h, const char *dir)
{
	char cmd[4096];

	assert_int_equal(h_stop(h), 0);
	snprintf(cmd, sizeof(cmd),
	    "set -e; cd %s; mv data data.old; mkdir -m 0700 data; "
	    "for f in data.mdb server.key audit.key audit.pub.pem; do "
	    "install -m 0600 %s/$f data/$f; done; "
	    "install -m 0600 data.old/master.key data/master.key",
	    h_dir(h), dir);
	assert_int_equal(system(cmd), 0);
	h_start(h);
}

/*
 * A backup taken while ctp-analyst uploads, restored into a new data dir:
 * every document the manifest's tree records the upload of reads, with
 * the bytes uploaded; none uploaded after the copy exists; the manifest's
 * counts match the copy; the auditor's export verifies.
 */
static void
test_backup_under_uploads(void **state)
{
	harness_t *h = *state;
	char dir[512], ids[4096] = "", line[64], path[512];
	size_t have = 0;
	int fds[2], st, seen = 0, in_tree = 0;
	char late[32] = "", cp[512];
	merkle_compact_t range;
	uint64_t tree_seen = 0;
	json_t *m;
	h_result_t r;
	pid_t pid;
	FILE *f;
	char *l = NULL;
	size_t cap = 0;
	int64_t tree;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		upload_loop(h, 100, 12, fds[1]);
	}
	close(fds[1]);
	/* Once three uploads are in, back up while the rest go on. */
	f = fdopen(fds[0], "r");
	for (int i = 0; i < 3; i++) {
		assert_non_null(fgets(line, sizeof(line), f));
		strcat(ids, line);
	}
#ifdef ISA_TEST_BUILD
	{
		/* And one more put, surely after the copy and before the
		 * manifest is read: the manifest must not count it. */
		char in[512];
		FILE *out;
		pid_t bk;

		snprintf(dir, sizeof(dir), "%s/bk", h_dir(h));
		out = spawn_held(h, dir, false, &bk);
		snprintf(in, sizeof(in), "%s/f-500", h_dir(h));
		du_make_file(in, 3000, 500);
		if (du_put(h, "ctp-analyst", in, "doc", "OFFICIAL-SENSITIVE",
		    "agency:ctpse", NULL, late, &r) != 0)
			fail_msg("put: %s", r.err);
		h_result_free(&r);
		assert_int_equal(kill(bk, SIGUSR1), 0);
		assert_int_equal(waitpid(bk, &st, 0), bk);
		fclose(out);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
#else
	r = backup(h, "bk", false, dir);
	if (r.status != 0)
		fail_msg("backup: %s", r.err);
	assert_non_null(strstr(r.out, "backup written to"));
	h_result_free(&r);
#endif
	while (fgets(line, sizeof(line), f) != NULL && strlen(ids) + 64 <
	    sizeof(ids))
		strcat(ids, line);
	fclose(f);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* 0700, files 0600, no master key, no lock file. */
	assert_int_equal(mode_of(dir, NULL), 0700);
	assert_int_equal(mode_of(dir, "data.mdb"), 0600);
	assert_int_equal(mode_of(dir, "manifest.json"), 0600);
	assert_int_equal(mode_of(dir, "server.key"), 0600);
	assert_int_equal(mode_of(dir, "audit.key"), 0600);
	assert_int_equal(mode_of(dir, "master.key"), (mode_t)-1);
	assert_int_equal(mode_of(dir, "lock.mdb"), (mode_t)-1);
	m = manifest(dir);
	assert_string_equal(json_string_value(json_object_get(m, "format")),
	    "isad-backup/1");
	assert_int_equal(jint(m, "schema", NULL), STORE_SCHEMA_VERSION);
	assert_false(json_is_true(json_object_get(json_object_get(m,
	    "master_key"), "included")));
	tree = jint(m, "audit", "tree_size");
	assert_true(tree > 0);

	/* The auditor's checkpoint, taken after the backup. */
	r = h_isa(h, "auditor", ARGS("audit", "checkpoint"));
	assert_int_equal(r.status, 0);
	snprintf(cp, sizeof(cp), "%s/after.checkpoint", h_dir(h));
	h_write_file(cp, r.out, 0644);
	h_result_free(&r);
	restore(h, dir);
	snprintf(path, sizeof(path), "%s/export.jsonl", h_dir(h));
	r = h_isa(h, "auditor", ARGS("audit", "export", "-o", path,
	    "--force"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(line, sizeof(line), "%s/data/audit.pub.pem", h_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", path, "--key",
	    line));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	/* ... and against a checkpoint newer than the backup it fails, by
	 * design (docs/operations.md: restores are announced). */
	r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", path, "--key",
	    line, "--since", cp));
	assert_int_equal(r.status, 6);
	h_result_free(&r);
	/* Every put the tree at the copy records reads back; a put after it
	 * was never restored (its record is not in the restored log). */
	merkle_compact_init(&range);
	assert_non_null(f = fopen(path, "r"));
	while (getline(&l, &cap, f) > 0) {
		json_error_t e;
		/* As reals: the export's request ids may pass int64 (until
		 * they are written as strings, issue 16 item 6). */
		json_t *rec = json_loads(l, JSON_DECODE_INT_AS_REAL, &e);
		const char *action, *doc, *decision;
		json_t *seq;

		if (rec == NULL)
			fail_msg("export line not JSON (%s): %s", e.text, l);
		seq = json_object_get(rec, "seq");
		action = json_string_value(json_object_get(rec, "action"));
		doc = json_string_value(json_object_get(rec, "doc"));
		decision = json_string_value(json_object_get(rec, "decision"));
		if (seq != NULL && action != NULL && doc != NULL &&
		    decision != NULL && strcmp(action, "put") == 0 &&
		    strcmp(decision, "permit") == 0) {
			unsigned seed = seed_of(ids, doc);

			assert_string_not_equal(doc, late);
			assert_true(seed != 0);
			assert_true(json_number_value(seq) < (double)tree);
			su_get_ok(h, doc, seed);
			in_tree++;
		}
		/* The tree's root at the manifest's size, from the leaves. */
		if (seq != NULL && (int64_t)json_number_value(seq) ==
		    (int64_t)tree_seen && tree_seen < (uint64_t)tree) {
			const char *b64 = json_string_value(json_object_get(rec,
			    "leaf"));
			uint8_t leaf[4096], lh[MERKLE_HASH_LEN];
			size_t n;

			assert_non_null(b64);
			assert_int_equal(base64_decode(b64, strlen(b64), leaf,
			    sizeof(leaf), &n), 0);
			assert_int_equal(merkle_hash_leaf(leaf, n, lh), 0);
			assert_int_equal(merkle_compact_append(&range, lh), 0);
			tree_seen++;
		}
		json_decref(rec);
	}
	free(l);
	fclose(f);
	assert_int_equal(tree_seen, tree);
	{
		uint8_t root[MERKLE_HASH_LEN];
		char b64[64];

		assert_int_equal(merkle_compact_root(&range, root), 0);
		b64[base64_encode(root, sizeof(root), b64)] = '\0';
		assert_string_equal(b64, json_string_value(json_object_get(
		    json_object_get(m, "audit"), "root")));
	}
	assert_int_equal(in_tree, jint(m, "documents", NULL));
	/* The ids the uploader saw and the restored store agree: those past
	 * the copy are gone, not half there. */
	for (const char *p = ids; *p != '\0'; p = strchr(p, '\n') + 1) {
		char id[32];

		memcpy(id, p, 26);
		id[26] = '\0';
		r = h_isa(h, "ctp-analyst", ARGS("info", id));
		seen += r.status == 0;
		assert_true(r.status == 0 || r.status == 3);
		h_result_free(&r);
		have++;
	}
	assert_int_equal(have, 12);
	print_message("backup under uploads: %d of 12 documents in the copy\n",
	    in_tree);
	assert_int_equal(seen, in_tree);
	if (late[0] != '\0') {
		r = h_isa(h, "ctp-analyst", ARGS("info", late));
		assert_int_equal(r.status, 3);
		h_result_free(&r);
	}
	json_decref(m);
}

/* An existing target, a parent that cannot take it, a left-over partial. */
static void
test_backup_refusals(void **state)
{
	harness_t *h = *state;
	char dir[512], p[600];
	h_result_t r;

	snprintf(p, sizeof(p), "%s/there", h_dir(h));
	assert_int_equal(mkdir(p, 0700), 0);
	r = backup(h, "there", false, dir);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "exists"));
	assert_non_null(strstr(r.err, "choose a new --out"));
	h_result_free(&r);
	/* A parent nobody may write in (root too: sysfs refuses mkdir). */
	r = h_run(ARGS(getenv("ISAD_BIN"), "backup", "--config",
	    h_isad_conf(h), "--out", "/sys/isa-backup"));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot write a backup into /sys"));
	h_result_free(&r);
	/* A parent that is a file. */
	snprintf(p, sizeof(p), "%s/afile", h_dir(h));
	h_write_file(p, "x", 0600);
	r = backup(h, "afile/bk", false, dir);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot write a backup into"));
	h_result_free(&r);
	/* A left-over DIR.partial. */
	snprintf(p, sizeof(p), "%s/left.partial", h_dir(h));
	assert_int_equal(mkdir(p, 0700), 0);
	r = backup(h, "left", false, dir);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "left from an interrupted backup"));
	h_result_free(&r);
	assert_int_equal(mode_of(dir, NULL), (mode_t)-1);
	/* No --out: a usage error. */
	r = h_run(ARGS(getenv("ISAD_BIN"), "backup", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 2);
	h_result_free(&r);
}

/* kill -9 after the store is copied, before the manifest: no DIR, and no
 * manifest anywhere; the next run says what is left and then works. */
static void
test_backup_killed(void **state)
{
	harness_t *h = *state;
	char dir[512], partial[600], p[700];
	h_result_t r;
	int st;
	pid_t pid;
	FILE *out;

	h_need_test_build("ISAD_TEST_BACKUP_HOLD");
	snprintf(dir, sizeof(dir), "%s/cut", h_dir(h));
	snprintf(partial, sizeof(partial), "%s.partial", dir);
	out = spawn_held(h, dir, false, &pid);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	fclose(out);
	assert_int_equal(mode_of(dir, NULL), (mode_t)-1);
	assert_int_equal(mode_of(partial, "manifest.json"), (mode_t)-1);
	assert_int_equal(mode_of(partial, "data.mdb"), 0600);
	r = backup(h, "cut", false, p);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "left from an interrupted backup"));
	h_result_free(&r);
	snprintf(p, sizeof(p), "rm -r %s", partial);
	assert_int_equal(system(p), 0);
	r = backup(h, "cut", false, p);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_int_equal(mode_of(dir, "manifest.json"), 0600);
}

/* --with-master-key: the key file, 0600, the one the copy's keys need. */
static void
test_backup_master_key(void **state)
{
	harness_t *h = *state;
	char dir[512], id[128], kid[128], path[600];
	json_t *m;
	h_result_t r;
	FILE *f;

	su_put_ok(h, 5000, 7, id);
	r = backup(h, "withkey", true, dir);
	if (r.status != 0)
		fail_msg("backup: %s", r.err);
	assert_non_null(strstr(r.out, "included"));
	h_result_free(&r);
	assert_int_equal(mode_of(dir, "master.key"), 0600);
	du_master_key_id(h, id, sizeof(id));
	snprintf(path, sizeof(path), "%s/master.key", dir);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(kid, sizeof(kid), f) != NULL && strncmp(kid, "id", 2) != 0)
		;
	fclose(f);
	assert_string_equal(id, kid);
	m = manifest(dir);
	assert_true(json_is_true(json_object_get(json_object_get(m,
	    "master_key"), "included")));
	kid[strcspn(kid, "\n")] = '\0';
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(m, "master_key"), "id")), kid + 3);
	json_decref(m);
}

/* A rekey between the copy and the master key's: refused, nothing left. */
static void
test_backup_rekey_between(void **state)
{
	harness_t *h = *state;
	char dir[512], id[32], partial[600];
	h_result_t r;
	FILE *out;
	pid_t pid;
	int st;

	h_need_test_build("ISAD_TEST_BACKUP_HOLD");
	su_put_ok(h, 5000, 8, id);
	assert_int_equal(h_stop(h), 0);	/* isad rekey needs it stopped */
	snprintf(dir, sizeof(dir), "%s/rk", h_dir(h));
	snprintf(partial, sizeof(partial), "%s.partial", dir);
	out = spawn_held(h, dir, true, &pid);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_int_equal(kill(pid, SIGUSR1), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	fclose(out);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	assert_int_equal(mode_of(dir, NULL), (mode_t)-1);
	assert_int_equal(mode_of(partial, NULL), (mode_t)-1);
	/* Run again, it is whole. */
	r = backup(h, "rk", true, dir);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
}

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_start(h);
	*state = h;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_under_uploads,
		    setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_backup_refusals, setup,
		    su_teardown),
		cmocka_unit_test_setup_teardown(test_backup_killed, setup,
		    su_teardown),
		cmocka_unit_test_setup_teardown(test_backup_master_key, setup,
		    su_teardown),
		cmocka_unit_test_setup_teardown(test_backup_rekey_between,
		    setup, su_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
