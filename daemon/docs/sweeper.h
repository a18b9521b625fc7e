/* sweeper.h: retention: documents past destroy-after are crypto-shredded; review-by dates put reminders in the originator's inbox. */
#ifndef ISA_DAEMON_SWEEPER_H
#define ISA_DAEMON_SWEEPER_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/store/store.h"
#include "daemon/ctx/env.h"

#define SWEEP_MS	60000	/* how often, at most */

/*
 * In the writer thread (its tick): at most every SWEEP_MS (and at the
 * first call), in one transaction: every active or recalled document whose
 * destroy-after date has passed loses its data key, sealed fields and
 * chunks, and becomes "destroyed" (its record and audit trail stay; a
 * "destroy" audit record says so); every active document whose review-by
 * date has come gets one "review" entry in the inbox of its author and its
 * originator's approvers; every active document uploaded under an embargo
 * that has now lifted gets its "new material" entries for its readers (an
 * "announce" audit record says so).  Dates are UTC days: destroy-after D
 * means destroyed from D+1; review-by D reminds from D.  A sweep also runs
 * as soon as the earliest known embargo lifts.  Failures are logged and
 * retried at the next sweep.  Returns true when it committed a change that
 * may have added inbox entries (sweeper_news_take then says so too).
 */
bool sweeper_tick(store_t *s, const worker_env_t *env);

/* In the writer, when an upload under an embargo commits: its readers
 * are told by the sweep that runs when until (Unix seconds) comes. */
void sweeper_embargo_note(int64_t until);

/* Whether a sweep has added inbox entries since the last call (then held
 * inbox watches should look again).  Any thread. */
bool sweeper_news_take(void);

#endif
