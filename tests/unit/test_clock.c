/* test_clock.c: the monotonic clock and its deadlines, and the wall clock that test builds set with $ISAD_TEST_NOW. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "common/clock.h"

#define SET_NOW	1925121600	/* 2031-01-02T12:00:00Z */

static void
test_mono(void **state)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };	/* 2 ms */
	int64_t a, b;

	(void)state;
	a = clock_mono_ms();
	nanosleep(&ts, NULL);
	b = clock_mono_ms();
	assert_true(b >= a + 2);
	assert_true(b < a + 5000);
}

/* now + ms, normalised, whatever the milliseconds carry. */
static void
test_deadline(void **state)
{
	(void)state;
	for (int64_t ms = 0; ms <= 3001; ms += 167) {
		struct timespec until;
		int64_t before = clock_mono_ms(), at;

		clock_mono_deadline(ms, &until);
		assert_true(until.tv_nsec >= 0 && until.tv_nsec < 1000000000);
		at = (int64_t)until.tv_sec * 1000 + until.tv_nsec / 1000000;
		assert_true(at >= before + ms);
		assert_true(at <= clock_mono_ms() + ms);
	}
}

/*
 * Test builds: $ISAD_TEST_NOW, set before the first reading, is the wall
 * clock's time then, and the clock runs on from there.  Other builds: the
 * wall clock is time(NULL)'s.
 */
static void
test_wall(void **state)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };	/* 20 ms */
	int64_t s, ms, later;

	(void)state;
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	s = clock_wall_s();
	ms = clock_wall_ms();
#ifdef ISA_TEST_BUILD
	assert_true(s == SET_NOW);
	assert_true(ms >= (int64_t)SET_NOW * 1000 &&
	    ms < (int64_t)SET_NOW * 1000 + 5000);
#else
	assert_true(s >= (int64_t)time(NULL) - 1 && s <= (int64_t)time(NULL));
	assert_true(ms / 1000 >= s - 1 && ms / 1000 <= s + 1);
#endif
	nanosleep(&ts, NULL);
	later = clock_wall_ms();
	assert_true(later >= ms + 20 && later < ms + 5000);
	assert_true(clock_wall_s() == later / 1000 ||
	    clock_wall_s() == later / 1000 + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mono),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_wall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
