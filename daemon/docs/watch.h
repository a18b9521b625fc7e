/* watch.h: `isa inbox --watch` requests held by the main loop until an entry may have come or their time is up. */
#ifndef ISA_DAEMON_WATCH_H
#define ISA_DAEMON_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/ctx/job.h"

#define WATCH_MAX_MS	60000	/* the longest isad holds one */
#define WATCH_PER_USER	4	/* held at once for one user; more: UNAVAILABLE */

typedef struct watches watches_t;

watches_t *watches_new(void);

/*
 * Whether j is a watch with nothing to show yet and time left (its first
 * pass set j->watch_ms): then it is held here, unsent, and true returned.
 * Otherwise false: send it.  stale: something that may add entries
 * committed after j looked, so it is sent at once (the client looks
 * again) rather than held on an old view.  A user's watch beyond
 * WATCH_PER_USER gets UNAVAILABLE.
 */
bool watches_hold(watches_t *w, job_t *j, int64_t now_ms, bool stale);

/* Milliseconds until the first held watch is due (-1: none held). */
int watches_due_ms(const watches_t *w, int64_t now_ms);

/* Take every held watch that is due (expired only) or all of them (for a
 * new look, or to send at stop), as a list through job->loop.watch_next. */
job_t *watches_take(watches_t *w, int64_t now_ms, bool all);

/* Free the table; it must be empty (take all first). */
void watches_free(watches_t *w);

#endif
