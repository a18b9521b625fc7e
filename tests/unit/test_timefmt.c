/* test_timefmt.c: the one date and time parser (common/timefmt.c) takes real dates and times and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "common/timefmt.h"

static void
test_real_dates(void **state)
{
	static const struct { const char *s; int64_t ms; } ok[] = {
		{ "1970-01-01", 0 },
		{ "2026-02-28", INT64_C(1772236800000) },
		{ "2024-02-29", INT64_C(1709164800000) },	/* leap */
		{ "2000-02-29", INT64_C(951782400000) },	/* 400 */
		{ "2026-12-31T23:59:59Z", INT64_C(1798761599000) },
		{ "2026-12-31T23:59:60Z", INT64_C(1798761600000) },
		{ "2026-06-30T10:00:00.250+02:00", INT64_C(1782806400250) },
		{ "2026-06-30T08:00:00.25z", INT64_C(1782806400250) },
	};
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (timefmt_parse_ms(ok[i].s, &ms) != 0)
			fail_msg("%s refused", ok[i].s);
		if (ms != ok[i].ms)
			fail_msg("%s: %lld, not %lld", ok[i].s, (long long)ms,
			    (long long)ok[i].ms);
	}
	assert_int_equal(timefmt_parse_date("2028-02-29", &ms), 0);
	assert_int_equal(timefmt_parse_time("2028-02-29T00:00:00Z", &ms), 0);
}

static void
test_impossible_dates(void **state)
{
	static const char *const bad[] = {
		"2026-02-30", "2026-02-29", "2100-02-29", "2026-04-31",
		"2026-06-31", "2026-09-31", "2026-11-31", "2026-00-10",
		"2026-13-01", "2026-01-00", "2026-01-32",
		"2026-06-30T24:00:00Z", "2026-06-30T12:60:00Z",
		"2026-06-30T12:00:60Z",		/* a leap second only at 23:59 */
		"2026-06-30T12:00:00+24:00", "2026-06-30T12:00:00+01:60",
		"2026-06-30T12:00:00",
		"2026-06-30T12:00:00.Z", "2026-6-30", "2026-06-30x",
		"yesterday", "",
	};
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (timefmt_parse_ms(bad[i], &ms) == 0)
			fail_msg("\"%s\" taken", bad[i]);
	/* a DATE is a date alone; a TIME has its time */
	assert_int_not_equal(timefmt_parse_date("2026-02-28T09:00:00Z", &ms),
	    0);
	assert_int_not_equal(timefmt_parse_time("2026-02-28", &ms), 0);
	assert_int_not_equal(timefmt_parse_date("2026-02-30", &ms), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_dates),
		cmocka_unit_test(test_impossible_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
