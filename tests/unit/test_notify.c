/* test_notify.c: when isad pings a watchdog, and how often (notify_watchdog_ms from $WATCHDOG_USEC and $WATCHDOG_PID). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/serve/notify.h"

static int
clear(void **state)
{
	(void)state;
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return 0;
}

static void
test_half_of_watchdog_usec(void **state)
{
	(void)state;
	setenv("WATCHDOG_USEC", "30000000", 1);	/* WatchdogSec=30 */
	assert_int_equal(notify_watchdog_ms(), 15000);
	setenv("WATCHDOG_USEC", "1000", 1);	/* 1 ms: pinged every 1 ms */
	assert_int_equal(notify_watchdog_ms(), 1);
}

static void
test_no_watchdog(void **state)
{
	static const char *const bad[] = { "", "0", "-5", "abc", "12x",
	    " 100", "99999999999999999999999" };

	(void)state;
	assert_int_equal(notify_watchdog_ms(), 0);	/* unset */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("WATCHDOG_USEC", bad[i], 1);
		assert_int_equal(notify_watchdog_ms(), 0);
	}
}

/* A watchdog meant for another process is not isad's to ping. */
static void
test_watchdog_pid(void **state)
{
	char pid[32];

	(void)state;
	setenv("WATCHDOG_USEC", "2000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	assert_int_equal(notify_watchdog_ms(), 0);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(notify_watchdog_ms(), 1000);
}

/* No $NOTIFY_SOCKET: nothing to tell, no error; one that is no socket path: -1. */
static void
test_status_without_socket(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_status(1, "serving on %s", "x"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_status(0, "stopping"), -1);
	unsetenv("NOTIFY_SOCKET");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_half_of_watchdog_usec,
		    clear, clear),
		cmocka_unit_test_setup_teardown(test_no_watchdog, clear, clear),
		cmocka_unit_test_setup_teardown(test_watchdog_pid, clear, clear),
		cmocka_unit_test_setup_teardown(test_status_without_socket,
		    clear, clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
