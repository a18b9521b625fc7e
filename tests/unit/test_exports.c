/* test_exports.c: the recorded audit exports (daemon/docs/exports.c): per user, connection and size; bounded, oldest forgotten first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "daemon/docs/exports.h"

static void
test_exact_user_connection_and_size(void **state)
{
	(void)state;
	exports_clear();
	assert_false(exports_allowed("auditor", "\0AAAA", 5, 10));
	exports_record("auditor", "\0AAAA", 5, 10);
	assert_true(exports_allowed("auditor", "\0AAAA", 5, 10));
	assert_false(exports_allowed("auditor", "\0AAAA", 5, 11));
	assert_false(exports_allowed("auditor", "\0AAAB", 5, 10));
	assert_false(exports_allowed("other", "\0AAAA", 5, 10));
	assert_false(exports_allowed("auditor", "\0AAA", 4, 10));
	/* a later export on the same connection replaces the earlier */
	exports_record("auditor", "\0AAAA", 5, 20);
	assert_false(exports_allowed("auditor", "\0AAAA", 5, 10));
	assert_true(exports_allowed("auditor", "\0AAAA", 5, 20));
	/* nothing for a peer without a routing id */
	exports_record("auditor", "", 0, 5);
	assert_false(exports_allowed("auditor", "", 0, 5));
}

static void
test_bounded_oldest_forgotten(void **state)
{
	char rid[8];

	(void)state;
	exports_clear();
	for (int i = 0; i <= EXPORTS_MAX; i++) {
		snprintf(rid, sizeof(rid), "c%05d", i);
		exports_record("auditor", rid, 6, 7);
	}
	assert_false(exports_allowed("auditor", "c00000", 6, 7));
	for (int i = 1; i <= EXPORTS_MAX; i++) {
		snprintf(rid, sizeof(rid), "c%05d", i);
		assert_true(exports_allowed("auditor", rid, 6, 7));
	}
	exports_clear();
	assert_false(exports_allowed("auditor", "c00001", 6, 7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_user_connection_and_size),
		cmocka_unit_test(test_bounded_oldest_forgotten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
