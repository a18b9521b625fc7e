/* putmeta.h: what isa put and isa ui check of a document's description before isad sees it (the bounds, real dates), with the CLI's sentences. */
#ifndef ISA_CLIENT_PUTMETA_H
#define ISA_CLIENT_PUTMETA_H

#include <stddef.h>

#include "proto/isa.pb-c.h"

/* The most --to, --caveat or --descriptor one upload names. */
#define ISA_PUT_MAX_LIST 64

/*
 * Whether m's review_by and destroy_after (YYYY-MM-DD) and embargo_until
 * (RFC 3339), where set (not ""), are real, through the one parser
 * (common/timefmt).  0, or -1 with in err the sentence `isa put` prints
 * after "isa: ", naming the option and the value, e.g. "put:
 * --review-by \"2026-02-30\" is not a real date: YYYY-MM-DD (UTC), e.g.
 * 2026-02-28".
 */
__attribute__((warn_unused_result))
int isa_putmeta_dates(const Isa__DocMeta *m, char *err, size_t errlen);

#endif
