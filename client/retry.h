/* retry.h: back-pressure from isad (UNAVAILABLE with retry_ms): wait, growing, and give up only after long without progress. */
#ifndef ISA_CLIENT_RETRY_H
#define ISA_CLIENT_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/conn.h"

#define RETRY_MAX_MS 250		/* the longest single wait */
#define RETRY_GIVE_UP_MS 120000		/* no progress for this long: give up */

typedef struct {
	int64_t progress_ms;	/* monotonic: the last progress */
	uint32_t wait_ms;	/* the next wait; 0: none yet since progress */
	bool broken;		/* retry_drain_wait's connection failed */
} retry_t;

/* Start counting (now is progress). */
void retry_start(retry_t *r);

/* The transfer went forward: the next wait starts short again. */
void retry_progress(retry_t *r);

/* Whether r is isad's "send it again after retry_ms" answer. */
bool retry_asked(const Isa__Envelope *r);

/*
 * After a retry answer with n more requests still in flight: take their
 * answers, then wait as retry_wait.  Each must be a retry answer too, or
 * (when oks is not NULL) an OK of body ok_case, counted in *oks: an
 * upload's acknowledgements come once its chunks are stored, after the
 * retry answers to later ones.  EXIT_OK, or the exit code with in err
 * the sentence `isa` prints after "isa: " (what, for the give-up sentence:
 * "take FILE", "send document ID"); r->broken is set when that is the
 * connection failing (no answer, or lost), not isad too busy for long.
 */
int retry_drain_wait(isa_conn_t *c, retry_t *r, uint32_t hint_ms,
    uint64_t n, const char *what, uint64_t *oks,
    Isa__Envelope__BodyCase ok_case, char *err, size_t errlen);

/*
 * Wait before sending again: hint_ms (isad's retry_ms) the first time
 * after progress, doubling each time to at most RETRY_MAX_MS.  False (and
 * no wait) when there has been no progress for RETRY_GIVE_UP_MS.
 */
bool retry_wait(retry_t *r, uint32_t hint_ms);

#endif
