/* progress.h: a progress line on stderr for long transfers, only when stderr is a terminal. */
#ifndef ISA_CLIENT_PROGRESS_H
#define ISA_CLIENT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *verb;
	uint64_t total;
	bool on;
	int64_t start_ms, last_ms;
} progress_t;

/* Shown only when stderr is a terminal and total is 8 MiB or more. */
void progress_start(progress_t *p, const char *verb, uint64_t total);
void progress_update(progress_t *p, uint64_t done);
void progress_end(progress_t *p);

/*
 * The line itself, into out (cap bytes): "VERB D of T MiB (P%)", then,
 * once elapsed_ms is long enough to say, the rate and the time left, e.g.
 * "sent 40 of 100 MiB (40%), 8.0 MiB/s, 0:08 left".
 */
void progress_format(char *out, size_t cap, const char *verb, uint64_t done,
    uint64_t total, int64_t elapsed_ms);

#endif
