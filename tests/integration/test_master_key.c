/* test_master_key.c: the master key file at start: refused when others may read it; wrapped by a passphrase, refused without it or with a wrong one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "harness.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_loose_master_key_refused(void **state)
{
	harness_t *h = *state;
	char key[512];
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	snprintf(key, sizeof(key), "%s/master.key", h_data_dir(h));
	assert_int_equal(chmod(key, 0644), 0);
	r = h_run(ARGS(getenv("ISAD_BIN"), "--config", h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "master.key"));
	assert_non_null(strstr(r.err, "chmod 600"));
	h_result_free(&r);
}

/* A master key wrapped by a passphrase from the environment. */
static void
test_passphrase(void **state)
{
	harness_t *h;
	char id[32], key[512], line[256];
	h_result_t r;
	FILE *f;
	int wrapped = 0;

	(void)state;
	setenv("ISAD_MASTER_PASSPHRASE", "correct horse battery staple", 1);
	h = su_deploy(NULL);
	snprintf(key, sizeof(key), "%s/master.key", h_data_dir(h));
	f = fopen(key, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		wrapped |= strncmp(line, "kdf scrypt", 10) == 0;
	fclose(f);
	assert_true(wrapped);
	su_put_ok(h, 3000, 30, id);
	assert_int_equal(h_stop(h), 0);
	unsetenv("ISAD_MASTER_PASSPHRASE");
	r = h_run(ARGS(getenv("ISAD_BIN"), "--config", h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "master.key"));
	h_result_free(&r);
	setenv("ISAD_MASTER_PASSPHRASE", "wrong", 1);
	r = h_run(ARGS(getenv("ISAD_BIN"), "--config", h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "wrong passphrase"));
	h_result_free(&r);
	setenv("ISAD_MASTER_PASSPHRASE", "correct horse battery staple", 1);
	h_start(h);
	su_get_ok(h, id, 30);
	unsetenv("ISAD_MASTER_PASSPHRASE");
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loose_master_key_refused,
		    su_setup, su_teardown),
		cmocka_unit_test(test_passphrase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
