/* test_rekey.c: isad rekey: offline, interrupted, its commit failing; and the rekey a destruction asks for, online or (under a passphrase) by the operator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "docs_util.h"
#include "harness.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_rekey(void **state)
{
	harness_t *h = *state;
	char ids[3][32], key[512], before[256] = "", after[256] = "";
	h_result_t r;
	FILE *f;

	for (unsigned i = 0; i < 3; i++)
		su_put_ok(h, 1000 + i * SU_CHUNK, 10 + i, ids[i]);
	/* Not while isad runs. */
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "in use by another isad"));
	h_result_free(&r);
	assert_int_equal(h_stop(h), 0);
	snprintf(key, sizeof(key), "%s/master.key", h_data_dir(h));
	f = fopen(key, "r");
	assert_non_null(fgets(before, sizeof(before), f));
	while (fgets(before, sizeof(before), f) != NULL &&
	    strncmp(before, "id", 2) != 0)
		;
	fclose(f);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "3 data keys rewrapped"));
	h_result_free(&r);
	f = fopen(key, "r");
	assert_non_null(fgets(after, sizeof(after), f));
	while (fgets(after, sizeof(after), f) != NULL &&
	    strncmp(after, "id", 2) != 0)
		;
	fclose(f);
	assert_string_not_equal(before, after);
	h_start(h);
	for (unsigned i = 0; i < 3; i++)
		su_get_ok(h, ids[i], 10 + i);
}

/* A rekey cut off between its commit and the key file's rename is
 * finished at the next start; one cut off before its commit is undone. */
static void
test_interrupted_rekey(void **state)
{
	harness_t *h = *state;
	char id[32], cmd[2048];
	h_result_t r;

	su_put_ok(h, 5000, 20, id);
	assert_int_equal(h_stop(h), 0);
	/* Before the commit: a stray master.key.new. */
	snprintf(cmd, sizeof(cmd), "cp -p %s/master.key %s/master.key.new",
	    h_data_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	h_start(h);
	assert_true(h_wait_log(h, "a rekey was cut off before it committed"));
	su_get_ok(h, id, 20);
	assert_int_equal(h_stop(h), 0);
	/* After the commit: the new key still beside the old one. */
	snprintf(cmd, sizeof(cmd), "cd %s && cp -p master.key old.key",
	    h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(cmd, sizeof(cmd), "cd %s && mv master.key master.key.new && "
	    "mv old.key master.key", h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	h_start(h);
	assert_true(h_wait_log(h, "finished a rekey that was cut off"));
	su_get_ok(h, id, 20);
}

/* A rekey whose commit fails keeps both keys, whether or not the commit
 * reached the disk; the next start keeps the one the store uses. */
static void
rekey_commit_fails(harness_t *h, const char *fault, const char *log_line)
{
	char id[32], path[512];
	h_result_t r;

	h_need_test_build("ISAD_TEST_REKEY_FAULT");
	su_put_ok(h, 3000, 21, id);
	assert_int_equal(h_stop(h), 0);
	setenv("ISAD_TEST_REKEY_FAULT", fault, 1);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	unsetenv("ISAD_TEST_REKEY_FAULT");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "rekey's commit failed"));
	assert_non_null(strstr(r.err, "both"));
	h_result_free(&r);
	snprintf(path, sizeof(path), "%s/master.key.new", h_data_dir(h));
	assert_int_equal(access(path, F_OK), 0);
	h_start(h);
	assert_true(h_wait_log(h, log_line));
	assert_int_equal(access(path, F_OK), -1);
	su_get_ok(h, id, 21);
}

static void
test_rekey_commit_lost(void **state)
{
	rekey_commit_fails(*state, "lost", "a rekey was cut off before it "
	    "committed");
}

static void
test_rekey_commit_landed(void **state)
{
	rekey_commit_fails(*state, "landed", "finished a rekey that was cut "
	    "off");
}

/* A destruction under a passphrase-protected master key: isad does not
 * keep the passphrase, so it says the operator's `isad rekey` is due and
 * leaves the key as it is; `isad rekey` then does it. */
static void
test_destroyed_under_passphrase(void **state)
{
	harness_t *h;
	char in[512], id[32], before[256], after[256];
	h_result_t r;

	(void)state;
	h_need_test_build("ISAD_TEST_NOW");
	setenv("ISAD_MASTER_PASSPHRASE", "correct horse battery staple", 1);
	h = su_deploy(NULL);
	snprintf(in, sizeof(in), "%s/doomed", h_dir(h));
	h_write_file(in, "doomed", 0644);
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "OFFICIAL",
	    "agency:ctpse", ARGS("--destroy-after", "2030-12-31"), id, NULL),
	    0);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, before, sizeof(before));
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	h_start(h);
	unsetenv("ISAD_TEST_NOW");
	assert_true(h_wait_log(h, "until `isad rekey` runs"));
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, after, sizeof(after));
	assert_string_equal(before, after);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	{
		char *log = h_isad_log(h);
		size_t mark = strlen(log);

		free(log);
		h_start(h);	/* the rekey cleared the debt: nothing said */
		r = h_isa(h, "ctp-analyst", ARGS("whoami"));
		h_result_free(&r);
		log = h_isad_log(h);
		assert_true(strlen(log) > mark);
		assert_null(strstr(log + mark, "until `isad rekey` runs"));
		free(log);
	}
	unsetenv("ISAD_MASTER_PASSPHRASE");
	h_free(h);
}

/*
 * The rekey after a destruction, its commit failing: lost (nothing
 * landed), the new key goes and the old one reads on, the rekey still
 * due; landed though reported failed, the store is read to tell, and the
 * new key goes into use and into place.
 */
static void
test_online_rekey_commit_fails(void **state)
{
	harness_t *h;
	char in[512], doomed[32], kept[32], k0[256], k1[256];

	(void)state;
	h_need_test_build("ISAD_TEST_REKEY_FAULT");
	h = su_deploy(NULL);
	snprintf(in, sizeof(in), "%s/doomed", h_dir(h));
	h_write_file(in, "doomed", 0644);
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "OFFICIAL",
	    "agency:ctpse", ARGS("--destroy-after", "2030-12-31"), doomed,
	    NULL), 0);
	su_put_ok(h, 3000, 31, kept);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, k0, sizeof(k0));
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	setenv("ISAD_TEST_REKEY_FAULT", "lost", 1);
	h_start(h);
	assert_true(h_wait_log(h, "tried again at the next sweep"));
	su_get_ok(h, kept, 31);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, k1, sizeof(k1));
	assert_string_equal(k0, k1);
	setenv("ISAD_TEST_REKEY_FAULT", "landed", 1);
	h_start(h);
	unsetenv("ISAD_TEST_REKEY_FAULT");
	unsetenv("ISAD_TEST_NOW");
	assert_true(h_wait_log(h, "rewrapped under a new master key"));
	su_get_ok(h, kept, 31);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, k1, sizeof(k1));
	assert_string_not_equal(k0, k1);
	h_start(h);
	su_get_ok(h, kept, 31);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rekey, su_setup,
		    su_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_commit_lost,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_commit_landed,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_rekey,
		    su_setup, su_teardown),
		cmocka_unit_test(test_destroyed_under_passphrase),
		cmocka_unit_test(test_online_rekey_commit_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
