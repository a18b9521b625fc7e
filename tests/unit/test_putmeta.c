/* test_putmeta.c: the checks isa put and isa ui make of a document's description (client/putmeta.c): real dates pass, impossible ones are said as isa put says them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "client/putmeta.h"

static void
test_dates(void **state)
{
	Isa__DocMeta m = ISA__DOC_META__INIT;
	char err[256];

	(void)state;
	assert_int_equal(isa_putmeta_dates(&m, err, sizeof(err)), 0);
	m.review_by = "2028-02-29";	/* a leap year */
	m.destroy_after = "2030-12-31";
	m.embargo_until = "2026-02-28T09:00:00Z";
	assert_int_equal(isa_putmeta_dates(&m, err, sizeof(err)), 0);

	m.review_by = "2026-02-30";
	assert_int_equal(isa_putmeta_dates(&m, err, sizeof(err)), -1);
	assert_string_equal(err, "put: --review-by \"2026-02-30\" is not a "
	    "real date: YYYY-MM-DD (UTC), e.g. 2026-02-28");
	m.review_by = "";
	m.destroy_after = "2026-02-28T09:00:00Z";	/* a time, not a date */
	assert_int_equal(isa_putmeta_dates(&m, err, sizeof(err)), -1);
	assert_string_equal(err, "put: --destroy-after \"2026-02-28T09:00:00Z\" "
	    "is not a real date: YYYY-MM-DD (UTC), e.g. 2026-02-28");
	m.destroy_after = "";
	m.embargo_until = "2026-04-31T09:00:00Z";
	assert_int_equal(isa_putmeta_dates(&m, err, sizeof(err)), -1);
	assert_string_equal(err, "put: --embargo-until \"2026-04-31T09:00:00Z\" "
	    "is not a real time: RFC 3339, e.g. 2026-02-28T09:00:00Z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
