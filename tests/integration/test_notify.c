/* test_notify.c: what isad tells its supervisor (sd_notify): READY=1 with a STATUS= line, watchdog pings from its loop, reloading and stopping. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	h_free(*state);
	return 0;
}

/* systemctl status shows where isad serves and for how many users. */
static void
test_ready_says_where_and_how_many(void **state)
{
	harness_t *h = *state;
	char want[128];

	h_start(h);
	snprintf(want, sizeof(want), "READY=1\nSTATUS=serving on "
	    "tcp://127.0.0.1:%d, 2 users", h_port(h));
	assert_string_equal(h_ready_msg(h), want);
}

/* With WatchdogSec (systemd sets $WATCHDOG_USEC), isad pings again and
 * again while it serves: a ping after a request was answered shows the
 * pings come from the loop that answers. */
static void
test_watchdog_pings(void **state)
{
	harness_t *h = *state;
	h_result_t r;

	setenv("WATCHDOG_USEC", "200000", 1);	/* a ping every 100 ms */
	h_start(h);
	assert_string_equal(h_notify_wait(h, "WATCHDOG=1"), "WATCHDOG=1");
	r = h_isa(h, "council-lead", ARGS("whoami"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_string_equal(h_notify_wait(h, "WATCHDOG=1"), "WATCHDOG=1");
	assert_string_equal(h_notify_wait(h, "WATCHDOG=1"), "WATCHDOG=1");
}

/* A reload says so, then says it serves again; a stop says so. */
static void
test_reloading_and_stopping(void **state)
{
	harness_t *h = *state;
	char want[128];

	h_start(h);
	/* One user more after the reload: the line counts the new policy. */
	h_user(h, "police-analyst", "police", "SC", NULL);
	h_write_policy(h);
	kill(h_isad_pid(h), SIGHUP);
	assert_string_equal(h_notify_wait(h, "RELOADING=1"),
	    "RELOADING=1\nSTATUS=reloading");
	snprintf(want, sizeof(want), "READY=1\nSTATUS=serving on "
	    "tcp://127.0.0.1:%d, 3 users", h_port(h));
	assert_string_equal(h_notify_wait(h, "READY=1"), want);
	assert_int_equal(h_stop(h), 0);
	assert_string_equal(h_notify_wait(h, "STOPPING=1"),
	    "STOPPING=1\nSTATUS=stopping");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_ready_says_where_and_how_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_pings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reloading_and_stopping,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
