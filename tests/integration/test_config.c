/* test_config.c: missing, unreadable and broken files and loose key modes: refused with file:line. */
#include <setjmp.h>
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

#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "council-lead", "hcc", "BPSS",
	    "roles = [\"approver\", \"chair\"];");
	h_write_policy(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

static h_result_t
isad(harness_t *h, const char *cmd)
{
	return h_run(ARGS(getenv("ISAD_BIN"), cmd, "--config",
	    h_isad_conf(h)));
}

static void
test_check_prints_summary(void **state)
{
	h_result_t r = isad(*state, "check");

	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "4 agencies, 2 users (2 enabled)"));
	assert_non_null(strstr(r.out, "hcc (Hampshire County Council): admin "
	    "board-admin; chair council-lead; approver council-lead;"));
	h_result_free(&r);
}

static void
test_missing_isad_conf(void **state)
{
	h_result_t r = h_run(ARGS(getenv("ISAD_BIN"), "check", "--config",
	    "/nonexistent/isad.conf"));

	(void)state;
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "/nonexistent/isad.conf: cannot read: "
	    "No such file or directory"));
	h_result_free(&r);
}

static void
test_broken_isad_conf(void **state)
{
	harness_t *h = *state;
	char want[512];
	h_result_t r;

	h_write_file(h_isad_conf(h), "listen = \"tcp://127.0.0.1:1\";\n"
	    "data_dir = \"data\";\npolicy = = \"policy.conf\";\n", 0644);
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:3: syntax error", h_isad_conf(h));
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);

	/* A typo is an unknown setting, never silently ignored. */
	h_write_file(h_isad_conf(h), "listen = \"tcp://127.0.0.1:1\";\n"
	    "data_dir = \"data\";\npolicy = \"policy.conf\";\n"
	    "origin = \"x\";\nlimits = { chunk = 65536; max_mesage = 1; };\n",
	    0644);
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:5: unknown setting \"max_mesage\"",
	    h_isad_conf(h));
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);

	h_write_file(h_isad_conf(h), "listen = \"tcp://127.0.0.1:1\";\n"
	    "data_dir = \"data\";\npolicy = \"policy.conf\";\n", 0644);
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "missing required setting \"origin\""));
	h_result_free(&r);

	h_write_file(h_isad_conf(h), "listen = \"tcp://127.0.0.1:1\";\n"
	    "data_dir = \"data\";\npolicy = \"policy.conf\";\norigin = \"x\";"
	    "\naccreditation = \"TOP SECRET\";\n", 0644);
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:5: accreditation \"TOP SECRET\" is "
	    "not", h_isad_conf(h));
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);
}

static void
test_missing_and_broken_policy(void **state)
{
	harness_t *h = *state;
	char want[512];
	h_result_t r;

	unlink(h_policy_conf(h));
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, h_policy_conf(h)));
	h_result_free(&r);

	/* A directory where the file should be: unreadable as a file. */
	assert_int_equal(mkdir(h_policy_conf(h), 0700), 0);
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, h_policy_conf(h)));
	h_result_free(&r);
	rmdir(h_policy_conf(h));

	h_write_file(h_policy_conf(h), "agencies = ( { id = \"hcc\"; name = "
	    "\"H\"; } );\nusers = ( { id = \"a\"; name = \"A\"; agency = "
	    "\"nope\"; clearance = \"SC\"; key = \"" "0000000000000000000000"
	    "000000000000000000\"; } );\n", 0644);
	r = isad(h, "check");
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:2:", h_policy_conf(h));
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);

	/* isad itself refuses to start on it, naming file and line. */
	r = isad(h, "serve");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);
}

static void
test_loose_server_key_refused(void **state)
{
	harness_t *h = *state;
	char key[600];
	h_result_t r;

	snprintf(key, sizeof(key), "%s/server.key", h_data_dir(h));
	assert_int_equal(chmod(key, 0640), 0);
	r = isad(h, "serve");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "server.key: secret key file is "
	    "readable by group or others (mode 0640)"));
	h_result_free(&r);
}

static void
test_loose_user_key_refused(void **state)
{
	harness_t *h = *state;
	char key[600];
	h_result_t r;

	h_start(h);
	snprintf(key, sizeof(key), "%s/user.key", h_user_dir(h,
	    "council-lead"));
	assert_int_equal(chmod(key, 0644), 0);
	r = h_isa(h, "council-lead", ARGS("whoami"));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "user.key: secret key file is readable "
	    "by group or others (mode 0644); run: chmod 600"));
	h_result_free(&r);
}

static void
test_broken_client_conf(void **state)
{
	harness_t *h = *state;
	const char *conf = h_client_conf(h, "council-lead");
	char path[600], want[700];
	h_result_t r;

	snprintf(path, sizeof(path), "%s", conf);
	h_write_file(path, "server = \"tcp://127.0.0.1:1\";\nserver_key = "
	    "\"short\";\nkey_file = \"user.key\";\n", 0644);
	r = h_isa(h, "council-lead", ARGS("whoami"));
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:2: server_key is not a 40-character",
	    path);
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);

	h_write_file(path, "server = \"tcp://127.0.0.1:1\";\nkey_fiel = "
	    "\"user.key\";\n", 0644);
	r = h_isa(h, "council-lead", ARGS("whoami"));
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:2: unknown setting \"key_fiel\"",
	    path);
	assert_non_null(strstr(r.err, want));
	h_result_free(&r);

	r = h_run(ARGS(getenv("ISA_BIN"), "whoami", "--config",
	    "/nonexistent/client.conf"));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot read client config "
	    "/nonexistent/client.conf"));
	h_result_free(&r);
}

/* --config, else $ISA_CONFIG, else ~/.config/isa/client.conf. */
static void
test_client_conf_lookup_order(void **state)
{
	harness_t *h = *state;
	char home[600], dir[700], cmd[2000];
	h_result_t r;

	h_start(h);
	setenv("ISA_CONFIG", h_client_conf(h, "council-lead"), 1);
	r = h_run(ARGS(getenv("ISA_BIN"), "whoami"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "user:       council-lead"));
	h_result_free(&r);
	/* --config wins over $ISA_CONFIG */
	r = h_isa(h, "board-admin", ARGS("whoami"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "user:       board-admin"));
	h_result_free(&r);
	unsetenv("ISA_CONFIG");

	/* HOME: copy board-admin's files into ~/.config/isa */
	assert_true(snprintf(home, sizeof(home), "%s/home", h_dir(h)) <
	    (int)sizeof(home));
	assert_true(snprintf(dir, sizeof(dir), "%s/.config/isa", home) <
	    (int)sizeof(dir));
	assert_true(snprintf(cmd, sizeof(cmd), "mkdir -p %s && cp -p %s/user.key "
	    "%s/ && cp %s %s/client.conf", dir, h_user_dir(h, "board-admin"),
	    dir, h_client_conf(h, "board-admin"), dir) < (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
	setenv("HOME", home, 1);
	r = h_run(ARGS(getenv("ISA_BIN"), "whoami"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "user:       board-admin"));
	h_result_free(&r);
}

static void
test_init_refuses_non_empty_data_dir(void **state)
{
	h_result_t r = isad(*state, "init");

	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "is not empty"));
	h_result_free(&r);
}

static void
test_keygen_refuses_to_overwrite(void **state)
{
	harness_t *h = *state;
	h_result_t r = h_run(ARGS(getenv("ISA_BIN"), "keygen", "--out",
	    h_user_dir(h, "council-lead")));
	struct stat st;
	char key[600];

	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "refusing to overwrite"));
	h_result_free(&r);
	snprintf(key, sizeof(key), "%s/user.key", h_user_dir(h,
	    "council-lead"));
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void
test_usage_errors(void **state)
{
	h_result_t r;

	(void)state;
	r = h_run(ARGS(getenv("ISA_BIN"), "frobnicate"));
	assert_int_equal(r.status, 2);
	h_result_free(&r);
	r = h_run(ARGS(getenv("ISA_BIN"), "whoami", "--bogus"));
	assert_int_equal(r.status, 2);
	h_result_free(&r);
	r = h_run(ARGS(getenv("ISAD_BIN"), "serve"));
	assert_int_equal(r.status, 2);
	h_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_check_prints_summary,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_isad_conf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_broken_isad_conf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_broken_policy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_loose_server_key_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_loose_user_key_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_client_conf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_init_refuses_non_empty_data_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_conf_lookup_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_keygen_refuses_to_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
