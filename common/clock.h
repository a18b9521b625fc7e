/* clock.h: the one monotonic clock and the one wall clock, which test builds can set. */
#ifndef ISA_COMMON_CLOCK_H
#define ISA_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC: for intervals, timeouts and idle
 * times, never for dates.  Cannot fail. */
int64_t clock_mono_ms(void);

/*
 * Set *until to CLOCK_MONOTONIC now plus ms (>= 0) milliseconds, the
 * absolute time pthread_cond_timedwait takes on a condition variable whose
 * attribute chose CLOCK_MONOTONIC.  Cannot fail.
 */
void clock_mono_deadline(int64_t ms, struct timespec *until);

/*
 * The wall clock (CLOCK_REALTIME): Unix milliseconds, and Unix seconds (as
 * time(NULL) gives them), for dates, expiries and audit record times.
 * Cannot fail.
 *
 * Test builds (ISA_TEST_BUILD) only: when $ISAD_TEST_NOW holds Unix
 * seconds, the wall clock reads that time at its first reading in the
 * process and runs on from there, so a test can move a daemon's calendar
 * (retention, review dates) without waiting for it.
 */
int64_t clock_wall_ms(void);
int64_t clock_wall_s(void);

#endif
