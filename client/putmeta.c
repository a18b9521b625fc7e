/* putmeta.c: what isa put and isa ui check of a document's description before isad sees it (the bounds, real dates), with the CLI's sentences. */
#include <stdint.h>
#include <stdio.h>

#include "client/putmeta.h"
#include "common/timefmt.h"

int
isa_putmeta_dates(const Isa__DocMeta *m, char *err, size_t errlen)
{
	int64_t ms;

	if (m->review_by[0] != '\0' && timefmt_parse_date(m->review_by, &ms)) {
		snprintf(err, errlen, "put: --review-by \"%s\" is not a real "
		    "date: YYYY-MM-DD (UTC), e.g. 2026-02-28", m->review_by);
		return -1;
	}
	if (m->destroy_after[0] != '\0' &&
	    timefmt_parse_date(m->destroy_after, &ms)) {
		snprintf(err, errlen, "put: --destroy-after \"%s\" is not a real "
		    "date: YYYY-MM-DD (UTC), e.g. 2026-02-28", m->destroy_after);
		return -1;
	}
	if (m->embargo_until[0] != '\0' &&
	    timefmt_parse_time(m->embargo_until, &ms)) {
		snprintf(err, errlen, "put: --embargo-until \"%s\" is not a real "
		    "time: RFC 3339, e.g. 2026-02-28T09:00:00Z", m->embargo_until);
		return -1;
	}
	return 0;
}
