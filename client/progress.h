/* progress.h: a progress line on stderr for long transfers, only when stderr is a terminal. */
#ifndef ISA_CLIENT_PROGRESS_H
#define ISA_CLIENT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	const char *verb;
	uint64_t total;
	bool on;
	int64_t last_ms;
} progress_t;

/* Shown only when stderr is a terminal and total is 8 MiB or more. */
void progress_start(progress_t *p, const char *verb, uint64_t total);
void progress_update(progress_t *p, uint64_t done);
void progress_end(progress_t *p);

#endif
