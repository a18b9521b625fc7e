/* test_client_config.c: isad client-config USER: the printed client.conf works with the user's key; unknown and disabled users, undialable endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define LIMITS "limits = { max_message = 1048576; chunk = 262144; };\n"

static h_result_t
client_config(harness_t *h, const char *user)
{
	return h_run(ARGS(getenv("ISAD_BIN"), "client-config", user,
	    "--config", h_isad_conf(h)));
}

/* The printed file, saved beside alice's key, is all `isa whoami` needs. */
static void
test_client_config_works(void **state)
{
	harness_t *h = *state;
	char path[512], want[256];
	h_result_t r;

	r = client_config(h, "alice");
	if (r.status != 0)
		fail_msg("client-config: %s", r.err);
	snprintf(want, sizeof(want), "server_key = \"%s\";", h_server_key(h));
	assert_non_null(strstr(r.out, want));
	snprintf(want, sizeof(want), "server     = \"%s\";", h_endpoint(h));
	assert_non_null(strstr(r.out, want));
	snprintf(path, sizeof(path), "%s/handed.conf", h_user_dir(h, "alice"));
	h_write_file(path, r.out, 0644);
	h_result_free(&r);
	r = h_run(ARGS(getenv("ISA_BIN"), "whoami", "--config", path));
	if (r.status != 0)
		fail_msg("whoami: %s", r.err);
	assert_non_null(strstr(r.out, "alice"));
	h_result_free(&r);
}

/* Unknown, disabled, missing: one line each, nothing on stdout. */
static void
test_client_config_refusals(void **state)
{
	harness_t *h = *state;
	h_result_t r;

	r = client_config(h, "carol");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no user \"carol\""));
	assert_string_equal(r.out, "");
	h_result_free(&r);
	r = client_config(h, "bob");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "\"bob\" is disabled"));
	assert_string_equal(r.out, "");
	h_result_free(&r);
	r = h_run(ARGS(getenv("ISAD_BIN"), "client-config", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "USER is required"));
	h_result_free(&r);
}

/* public_endpoint is what clients get; a wildcard is refused. */
static void
test_client_config_endpoint(void **state)
{
	harness_t *h = *state;
	h_result_t r;

	h_set_conf(h, LIMITS "public_endpoint = \"tcp://isa.example.org:7450\";");
	r = client_config(h, "alice");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out,
	    "server     = \"tcp://isa.example.org:7450\";"));
	h_result_free(&r);
	h_set_conf(h, LIMITS "public_endpoint = \"tcp://0.0.0.0:7450\";");
	r = client_config(h, "alice");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "not an address clients can dial"));
	assert_string_equal(r.out, "");
	h_result_free(&r);
}

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "alice", "hcc", "BPSS", NULL);
	h_user(h, "bob", "hcc", "BPSS", "enabled = false;");
	h_start(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_client_config_works, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_config_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_config_endpoint,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
