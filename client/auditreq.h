/* auditreq.h: an auditor's requests to isad (a page of records, a fresh checkpoint), each failure as the sentence `isa audit` prints, and a record as `isa audit --json` shows it (isa audit, isa ui). */
#ifndef ISA_CLIENT_AUDITREQ_H
#define ISA_CLIENT_AUDITREQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "client/conn.h"
#include "proto/isa.pb-c.h"

/* Room for any sentence the functions below (and auditexport's) put in
 * err: isad's message (at most 1023 bytes) after its status word, a
 * filter as the user wrote it, or the library's own. */
#define ISA_AUDITREQ_ERRLEN 1280

/*
 * Check q's since and until (when not empty) with the one parser,
 * common/timefmt, as `isa audit` does before it connects.  Returns EXIT_OK
 * (client/cli.h), or EXIT_USAGE with in err the sentence `isa audit`
 * prints after "isa: " for the first bad one ("audit: --since \"X\" is
 * not a real date or time: ...").
 */
__attribute__((warn_unused_result))
int isa_auditreq_dates(const Isa__AuditQuery *q, char *err, size_t errlen);

/*
 * Send q (lent, unchanged) on c and wait for its page.  Returns EXIT_OK
 * with *r set (status OK, body AUDIT_RECORDS: free with envelope_free;
 * r->audit_records->next is the cursor for the next page, ->more whether
 * there is one), or the exit code `isa audit` gives with *r NULL and in
 * err the sentence it prints after "isa: " (isad's refusal with its
 * status word, e.g. "denied: ..." for a user who is not an auditor; isad
 * out of reach: EXIT_UNREACHABLE).
 */
__attribute__((warn_unused_result))
int isa_auditreq_page(isa_conn_t *c, Isa__AuditQuery *q, Isa__Envelope **r,
    char *err, size_t errlen);

/*
 * Ask isad on c for a checkpoint covering every record committed so far:
 * for an export (export true: isad records the export, and then serves
 * its pages on this connection) or to keep.  EXIT_OK with *r set (body
 * AUDIT_CHECKPOINT_REPLY: the note verbatim and its tree size; free with
 * envelope_free), or the exit code and sentence as for isa_auditreq_page.
 */
__attribute__((warn_unused_result))
int isa_auditreq_checkpoint(isa_conn_t *c, bool export, Isa__Envelope **r,
    char *err, size_t errlen);

/*
 * One record's bytes (rec, len, as a page carries them) as the object
 * `isa audit --json` prints for it: the export's fields and names
 * (verify/auditfmt) without the leaf.  A new reference, or NULL when rec
 * is not an AuditRecord or memory ran out.
 */
json_t *isa_auditreq_json(const uint8_t *rec, size_t len);

#endif
