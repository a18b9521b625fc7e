/* clock.c: the one monotonic clock and the one wall clock, which test builds can set. */
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"

#ifdef ISA_TEST_BUILD
#include <pthread.h>
#endif

static int64_t
ms_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ms_of(&ts);
}

void
clock_mono_deadline(int64_t ms, struct timespec *until)
{
	clock_gettime(CLOCK_MONOTONIC, until);
	until->tv_sec += (time_t)(ms / 1000);
	until->tv_nsec += (long)(ms % 1000) * 1000000;
	if (until->tv_nsec >= 1000000000) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000;
	}
}

#ifdef ISA_TEST_BUILD
/* What $ISAD_TEST_NOW moves the wall clock by, in milliseconds: fixed at
 * the first reading, so the set clock runs on as the real one does. */
static int64_t wall_offset_ms;
static pthread_once_t wall_once = PTHREAD_ONCE_INIT;

static void
wall_offset_init(void)
{
	const char *t = getenv("ISAD_TEST_NOW");
	struct timespec ts;

	if (t == NULL || *t == '\0')
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	wall_offset_ms = strtoll(t, NULL, 10) * 1000 - ms_of(&ts);
}
#endif

/* The wall clock as a timespec, moved in test builds. */
static void
wall(struct timespec *ts)
{
#ifdef ISA_TEST_BUILD
	/* First, so the first reading is not before the offset's base. */
	pthread_once(&wall_once, wall_offset_init);
#endif
	clock_gettime(CLOCK_REALTIME, ts);
#ifdef ISA_TEST_BUILD
	{
		int64_t ms = ms_of(ts) + wall_offset_ms;
		int64_t sub = ((ms % 1000) + 1000) % 1000;

		ts->tv_sec = (time_t)((ms - sub) / 1000);
		ts->tv_nsec = (long)(sub * 1000000 + ts->tv_nsec % 1000000);
	}
#endif
}

int64_t
clock_wall_ms(void)
{
	struct timespec ts;

	wall(&ts);
	return ms_of(&ts);
}

int64_t
clock_wall_s(void)
{
	struct timespec ts;

	wall(&ts);
	return (int64_t)ts.tv_sec;
}
