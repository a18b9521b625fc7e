/* progress.c: a progress line on stderr for long transfers, only when stderr is a terminal. */
#include <stdio.h>
#include <unistd.h>

#include "client/progress.h"
#include "common/clock.h"

#define PROGRESS_MIN_MS 1000	/* too soon to say a rate before this */

void
progress_format(char *out, size_t cap, const char *verb, uint64_t done,
    uint64_t total, int64_t elapsed_ms)
{
	int n = snprintf(out, cap, "%s %llu of %llu MiB (%d%%)", verb,
	    (unsigned long long)(done >> 20),
	    (unsigned long long)(total >> 20),
	    (int)(done * 100 / (total ? total : 1)));
	double rate;
	uint64_t left_s;

	if (n < 0 || (size_t)n >= cap || elapsed_ms < PROGRESS_MIN_MS ||
	    done == 0)
		return;
	rate = (double)done / ((double)elapsed_ms / 1000.0);	/* bytes/s */
	left_s = done >= total ? 0 : (uint64_t)((double)(total - done) / rate +
	    0.5);
	snprintf(out + n, cap - (size_t)n, ", %.1f MiB/s, %llu:%02llu left",
	    rate / (1 << 20), (unsigned long long)(left_s / 60),
	    (unsigned long long)(left_s % 60));
}

void
progress_start(progress_t *p, const char *verb, uint64_t total)
{
	p->verb = verb;
	p->total = total;
	p->on = total >= (8u << 20) && isatty(STDERR_FILENO);
	p->start_ms = clock_mono_ms();
	p->last_ms = 0;
}

void
progress_update(progress_t *p, uint64_t done)
{
	char line[160];
	int64_t now;

	if (!p->on || ((now = clock_mono_ms()) - p->last_ms < 200 &&
	    done < p->total))
		return;
	p->last_ms = now;
	progress_format(line, sizeof(line), p->verb, done, p->total,
	    now - p->start_ms);
	/* Clear to the end of the line: the new one may be shorter. */
	fprintf(stderr, "\r%s\033[K", line);
}

void
progress_end(progress_t *p)
{
	if (p->on)
		fputc('\n', stderr);
}
