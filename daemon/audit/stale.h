/* stale.h: requests on connections whose user or key is no longer enrolled, tallied so that they cannot flood the audit log. */
#ifndef ISA_DAEMON_STALE_H
#define ISA_DAEMON_STALE_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/store/writer.h"

typedef struct stale stale_t;

/*
 * A new tally of refused requests (UNAUTHENTICATED: the user removed or
 * disabled, or their key replaced, after the connection authenticated),
 * kept as refused handshakes are (refusals.h), per user instead of per
 * address: within a window of window_ms, each user's first refusal is
 * recorded with its request, the rest are counted into one record when
 * the window ends, and at most ceiling records are made a window.  Records
 * go through writer.  NULL when out of memory.
 */
stale_t *stale_new(writer_t *writer, unsigned ceiling, int64_t window_ms);

/* Record what is still counted (stale_flush with all), then free; NULL
 * accepted.  The writer must still run. */
void stale_free(stale_t *t);

/*
 * Count one refused request at now_ms from user (the ZAP User-Id, or ""),
 * on a connection that authenticated with key (Z85, or ""), refused for
 * reason (a static word: not_enrolled, disabled, key_replaced).  Returns
 * true when the request must be recorded as usual (the first of its user
 * in the window); false when it is counted, and answered without a record
 * of its own.
 */
bool stale_refused(stale_t *t, int64_t now_ms, const char *user,
    const char *key, const char *reason);

/* Record the counts of an ended window (all: whatever the time). */
void stale_flush(stale_t *t, int64_t now_ms, bool all);

#endif
