/* test_load.c: many requests in a row and many clients at once, no errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

#define SEQUENTIAL 1000
#define CONCURRENT 32

static const char *const whoami[] = { "whoami", NULL };

static int
setup(void **state)
{
	harness_t *h = h_new();
	char id[32];

	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "user-%d", i);
		h_user(h, id, i % 2 ? "hcc" : "police", "BPSS", NULL);
	}
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

static void
test_sequential_whoami(void **state)
{
	harness_t *h = *state;
	char id[32], want[64];

	for (int i = 0; i < SEQUENTIAL; i++) {
		h_result_t r;

		snprintf(id, sizeof(id), "user-%d", i % 4);
		r = h_isa(h, id, whoami);
		if (r.status != 0)
			fail_msg("call %d as %s: exit %d: %s", i, id, r.status,
			    r.err);
		snprintf(want, sizeof(want), "user:       %s\n", id);
		assert_non_null(strstr(r.out, want));
		h_result_free(&r);
	}
}

static void
test_concurrent_clients(void **state)
{
	harness_t *h = *state;
	pid_t pids[CONCURRENT];
	int failures = 0;

	for (int i = 0; i < CONCURRENT; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char id[32], want[64];
			h_result_t r;
			int ok = 1;

			snprintf(id, sizeof(id), "user-%d", i % 4);
			snprintf(want, sizeof(want), "user:       %s\n", id);
			for (int j = 0; j < 5 && ok; j++) {
				r = h_isa(h, id, whoami);
				ok = r.status == 0 && strstr(r.out, want);
				if (!ok)
					fprintf(stderr, "client %d: exit %d: "
					    "%s", i, r.status, r.err);
				h_result_free(&r);
			}
			_exit(ok ? 0 : 1);
		}
	}
	for (int i = 0; i < CONCURRENT; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		failures += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(failures, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequential_whoami),
		cmocka_unit_test(test_concurrent_clients),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
