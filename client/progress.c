/* progress.c: a progress line on stderr for long transfers, only when stderr is a terminal. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "client/progress.h"

void
progress_start(progress_t *p, const char *verb, uint64_t total)
{
	p->verb = verb;
	p->total = total;
	p->on = total >= (8u << 20) && isatty(STDERR_FILENO);
	p->last_ms = 0;
}

void
progress_update(progress_t *p, uint64_t done)
{
	int64_t now;

	if (!p->on || ((now = clock_mono_ms()) - p->last_ms < 200 &&
	    done < p->total))
		return;
	p->last_ms = now;
	fprintf(stderr, "\r%s %llu of %llu MiB (%d%%)", p->verb,
	    (unsigned long long)(done >> 20),
	    (unsigned long long)(p->total >> 20),
	    (int)(done * 100 / (p->total ? p->total : 1)));
}

void
progress_end(progress_t *p)
{
	if (p->on)
		fputc('\n', stderr);
}
