/* sweeper.h: retention: documents past destroy-after are crypto-shredded; review-by dates put reminders in the originator's inbox. */
#ifndef ISA_DAEMON_SWEEPER_H
#define ISA_DAEMON_SWEEPER_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/store/store.h"
#include "daemon/ctx/env.h"

#define SWEEP_MS	60000	/* a failed rekey is tried again this much later */
/* A review reminder or embargo announcement whose document's view cannot
 * be made (e.g. a policy reload left its marking unreadable) is tried again
 * this many seconds later, and so on until the policy reads it. */
#define SWEEP_PUT_OFF_S	3600

/*
 * In the writer thread (its tick, after each batch of changes and when
 * idle; and once at start, before the writer runs): what is due, found by
 * the date index (store/dateindex.h): one seek when nothing is, and no
 * write transaction.  When something is, at most SWEEP_BATCH (100) due
 * entries are handled in one transaction and committed, batch after
 * batch while no change waits for the writer (for at most a second; at
 * start, for at most SWEEP_START_MS, 2 s), the next tick going on: a
 * commit waits behind one batch at most, and start-up behind a slice.
 * Meanwhile a document past its destroy-after date is answered as
 * destroyed (docview.c) though not yet swept.  Every active or recalled document whose
 * destroy-after date has passed loses its data key, sealed fields and
 * chunks, and becomes "destroyed" (its record and audit trail stay; a
 * "destroy" audit record says so); every active document whose review-by
 * date has come gets one "review" entry in the inbox of its author and its
 * originator's approvers; every active document uploaded under an embargo
 * that has now lifted gets its "new material" entries for its readers (an
 * "announce" audit record says so).  Dates are UTC days: destroy-after D
 * means destroyed from D+1; review-by D reminds from D; an embargo is
 * announced at the first tick from its time on.  A document whose view
 * cannot be made has its reminder or announcement put off
 * SWEEP_PUT_OFF_S (logged), not dropped.  Once the backlog is through
 * after destructions (and after a start), in the writer's tick, a new
 * master key (rekey_online).  Failures are logged and retried 5 s later.  Returns
 * true when it committed a change that may have added inbox entries
 * (sweeper_news_take then says so too).
 */
bool sweeper_tick(store_t *s, const worker_env_t *env);

/* Whether a sweep has added inbox entries since the last call (then held
 * inbox watches should look again).  Any thread. */
bool sweeper_news_take(void);

#endif
