/* upgrade.c: bringing an older store's indexes up to date at open, each index building its own from the records, timed in the log. */
#include <stdint.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/store/auditindex.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/store/reqindex.h"
#include "daemon/store/store.h"
#include "daemon/store/unfinished.h"

static store_progress_fn progress;

void
store_upgrade_progress(store_progress_fn fn)
{
	progress = fn;
}

int
store_upgrade(store_txn_t *t, uint32_t from)
{
	static const struct {
		const char *name;
		int (*build)(store_txn_t *, uint32_t);
	} steps[] = {
		{ "documents", docindex_build },
		{ "share requests", reqindex_build },
		{ "audit records", auditindex_build },
		{ "retention dates", dateindex_build },
		{ "uploads under way", unfinished_build },
	};
	int64_t t0 = clock_mono_ms();
	int rc;

	log_info("upgrading the store from schema %u to %u: indexing its "
	    "records", from, STORE_SCHEMA_VERSION);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int64_t t1 = clock_mono_ms();

		if (progress != NULL)
			progress(steps[i].name);
		if ((rc = steps[i].build(t, from)) != 0)
			return rc;
		log_info("indexed the %s in %lld ms", steps[i].name,
		    (long long)(clock_mono_ms() - t1));
	}
	log_info("the store's indexes were built in %lld ms",
	    (long long)(clock_mono_ms() - t0));
	return 0;
}
