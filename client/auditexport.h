/* auditexport.h: the audit export (DESIGN §7's file) pulled from isad a page at a time, as the lines `isa audit export` writes (isa audit export, isa ui). */
#ifndef ISA_CLIENT_AUDITEXPORT_H
#define ISA_CLIENT_AUDITEXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/auditreq.h"
#include "client/conn.h"

typedef struct isa_auditexport isa_auditexport_t;

/*
 * Begin an export on c: ask isad for a checkpoint signed for it (isad
 * records the export, one record, before any page leaves).  Returns EXIT_OK
 * (client/cli.h) with *out set, or the exit code `isa audit export` gives
 * with *out NULL and in err (ISA_AUDITREQ_ERRLEN) the sentence it prints
 * after "isa: " (e.g. isad's "denied: ..." for a user who is not an
 * auditor).  c is lent to the export until isa_auditexport_end: nothing
 * else may use it meanwhile.
 */
__attribute__((warn_unused_result))
int isa_auditexport_begin(isa_conn_t *c, isa_auditexport_t **out, char *err,
    size_t errlen);

/* The number of records the export holds (its checkpoint's tree size). */
uint64_t isa_auditexport_size(const isa_auditexport_t *x);

/*
 * The next lines of the export, each ending in '\n': first line 1 (the
 * format and the checkpoint), then one page of records after another, in
 * sequence order.  EXIT_OK with *text and *len (len > 0; owned by x, valid
 * until the next call on x or its end) and *done false; or, once every
 * line was handed out, *len 0 and *done true.  On failure: the exit code
 * and sentence as for isa_auditexport_begin (isad's refusal of a page,
 * isad gone, "isad sent a record this isa cannot read", "isad sent N of M
 * records", out of memory); nothing more is handed out, and calling again
 * returns the same failure.  At most one page is held.
 */
__attribute__((warn_unused_result))
int isa_auditexport_next(isa_auditexport_t *x, const char **text,
    size_t *len, bool *done, char *err, size_t errlen);

/* End x (finished or not) and free it; c serves on.  NULL ok. */
void isa_auditexport_end(isa_auditexport_t *x);

#endif
