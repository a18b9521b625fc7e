/* test_auditfmt.c: isa audit's text table: every row's target, the count of a record that stands for several requests (refused handshakes tallied, requests turned away in a store outage) beside its decision, the columns aligned. */
#define _GNU_SOURCE	/* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "verify/auditfmt.h"
#include "proto/isa.pb-c.h"

/* The table row of a record (its fields as given, empty: unset), with the
 * header line first; malloc'd. */
static char *
row(const char *actor, const char *action, const char *doc,
    const char *target, const char *decision, const char *reason,
    uint64_t count)
{
	Isa__AuditRecord r = ISA__AUDIT_RECORD__INIT;
	uint8_t buf[512];
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	r.seq = 42;
	r.time_ms = 1796335200000;
	r.actor = (char *)actor;
	r.agency = "ctpse";
	r.action = (char *)action;
	r.doc = (char *)doc;
	r.target = (char *)target;
	r.decision = (char *)decision;
	r.reason = (char *)reason;
	r.count = count;
	assert_true(isa__audit_record__get_packed_size(&r) <= sizeof(buf));
	auditfmt_table_header(f);
	assert_int_equal(auditfmt_table(buf, isa__audit_record__pack(&r, buf),
	    f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The row (second line) holds want, and its reason starts where the
 * header's REASON does. */
static void
check(const char *text, const char *want, const char *reason)
{
	const char *line = strchr(text, '\n') + 1;
	const char *head = strstr(text, "REASON"), *at = strstr(line, reason);

	if (strstr(line, want) == NULL)
		fail_msg("no \"%s\" in the row: %s", want, line);
	assert_non_null(head);
	assert_non_null(at);
	assert_int_equal(at - line, head - text);
}

/* Requests turned away in a store outage: one record, the count beside
 * the decision, the time the first was turned away as its target. */
static void
test_outage_count_and_target(void **state)
{
	char *t = row("council-lead", "put", "", "2026-12-03T22:00:00.000Z",
	    "error", "disk_full", 12);

	(void)state;
	assert_non_null(strstr(t, " TARGET "));
	check(t, " 2026-12-03T22:00:00.000Z error x12 ", "disk_full");
	free(t);
}

/* Refused handshakes tallied: the peer address, the count. */
static void
test_handshake_tally(void **state)
{
	char *t = row("", "handshake", "", "127.0.0.4", "deny", "not_enrolled",
	    5);

	(void)state;
	check(t, " 127.0.0.4 ", "not_enrolled");
	check(t, " deny x5 ", "not_enrolled");
	free(t);
}

/* One request (count unset, or 1): no count shown; no target: "-". */
static void
test_single_request_no_count(void **state)
{
	char *t = row("council-lead", "get", "7QK3MZ2XW4ABCDEFGHJKLMNPQR", "",
	    "permit", "ok", 0);

	(void)state;
	check(t, " 7QK3MZ2XW4ABCDEFGHJKLMNPQR - ", "ok");
	assert_null(strstr(t, " x"));
	free(t);
	t = row("council-lead", "share", "7QK3MZ2XW4ABCDEFGHJKLMNPQR",
	    "agency:hcc", "permit", "ok", 1);
	check(t, " agency:hcc ", "ok");
	assert_null(strstr(t, " x1"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outage_count_and_target),
		cmocka_unit_test(test_handshake_tally),
		cmocka_unit_test(test_single_request_no_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
