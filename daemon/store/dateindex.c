/* dateindex.c: documents by the date something is due to them: destroy-after, review-by, an embargo lifting (DESIGN §15). */
#include "daemon/store/dateindex.h"

int
dateindex_build(store_txn_t *t, uint32_t from)
{
	(void)t;
	(void)from;
	return 0;
}

int
dateindex_check(store_txn_t *t, indexcheck_t *ic)
{
	(void)t;
	indexcheck_begin(ic, "dates");
	return 0;
}
