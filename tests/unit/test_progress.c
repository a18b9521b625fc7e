/* test_progress.c: isa's progress line (client/progress.c) says the rate and the time left: golden strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "client/progress.h"

#define MIB (UINT64_C(1) << 20)

static void
test_progress_golden(void **state)
{
	char line[160];

	(void)state;
	/* too soon for a rate: the amounts alone */
	progress_format(line, sizeof(line), "sent", 4 * MIB, 100 * MIB, 500);
	assert_string_equal(line, "sent 4 of 100 MiB (4%)");
	/* 40 MiB in 5 s: 8 MiB/s, 60 MiB left: 7.5 s, said as 0:08 */
	progress_format(line, sizeof(line), "sent", 40 * MIB, 100 * MIB, 5000);
	assert_string_equal(line, "sent 40 of 100 MiB (40%), 8.0 MiB/s, "
	    "0:08 left");
	/* minutes */
	progress_format(line, sizeof(line), "received", 1 * MIB, 1000 * MIB,
	    2000);
	assert_string_equal(line, "received 1 of 1000 MiB (0%), 0.5 MiB/s, "
	    "33:18 left");
	/* done */
	progress_format(line, sizeof(line), "sent", 9 * MIB, 9 * MIB, 3000);
	assert_string_equal(line, "sent 9 of 9 MiB (100%), 3.0 MiB/s, "
	    "0:00 left");
	/* a short buffer: cut, terminated */
	progress_format(line, 12, "sent", 40 * MIB, 100 * MIB, 5000);
	assert_string_equal(line, "sent 40 of ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
