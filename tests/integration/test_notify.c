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

#include "daemon/store/store.h"
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

/* A store from before the indexes is upgraded at start, in one
 * transaction that may take minutes: before each step isad asks systemd
 * to wait longer (EXTEND_TIMEOUT_USEC) and says what it is indexing, and
 * only then READY=1. */
static void
test_upgrade_extends_start_timeout(void **state)
{
	harness_t *h = *state;
	uint8_t two[4] = { 0, 0, 0, 2 };
	const char *log;
	store_txn_t *t;
	store_t *s;
	char err[512];

	h_start(h);
	assert_null(strstr(h_notify_log(h), "EXTEND_TIMEOUT_USEC"));
	assert_int_equal(h_stop(h), 0);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, two, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	h_start(h);
	log = h_notify_log(h);
	assert_non_null(strstr(log, "EXTEND_TIMEOUT_USEC=600000000\nSTATUS="
	    "upgrading the store: indexing the documents\n"));
	assert_non_null(strstr(log, "STATUS=upgrading the store: indexing the "
	    "audit records\n"));
	/* Readiness comes after every step. */
	assert_true(strstr(log, "READY=1") > strstr(log, "indexing the "
	    "uploads under way"));
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
		cmocka_unit_test_setup_teardown(
		    test_upgrade_extends_start_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_pings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reloading_and_stopping,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
