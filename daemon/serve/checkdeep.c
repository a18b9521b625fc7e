/* checkdeep.c: `isad check --deep`: every index rebuilt from the records in one read transaction and compared, each difference reported. */
#include <stdio.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/serve/checkdeep.h"
#include "daemon/store/auditindex.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/store/indexcheck.h"
#include "daemon/store/reqindex.h"
#include "daemon/store/store.h"
#include "daemon/store/unfinished.h"

int
checkdeep_run(const isad_config_t *cfg)
{
	static int (*const checks[])(store_txn_t *, indexcheck_t *) = {
		docindex_check, reqindex_check, auditindex_check,
		dateindex_check, unfinished_check,
	};
	indexcheck_t ic;
	store_t *s = NULL;
	store_txn_t *t = NULL;
	uint64_t bad = 0;
	int64_t t0 = clock_mono_ms();
	char err[512];
	int rc;

	if ((rc = store_open_readonly(cfg->data_dir, cfg->map_size, false, &s,
	    err, sizeof(err))) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	if ((rc = store_txn_begin(s, false, &t)) != 0)
		goto out;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if ((rc = checks[i](t, &ic)) != 0)
			goto out;
		bad += indexcheck_end(&ic);
	}
	printf("%s: %s: every index checked against the records in %lld ms\n",
	    cfg->data_dir, bad == 0 ? "ok" : "DIFFERENCES FOUND",
	    (long long)(clock_mono_ms() - t0));
out:
	store_txn_abort(t);
	store_close(s);
	if (rc != 0) {
		log_warnx("cannot read the store in %s: %s", cfg->data_dir,
		    isa_strerror(rc));
		return 1;
	}
	return bad == 0 ? 0 : 1;
}
