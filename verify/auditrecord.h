/* auditrecord.h: one line of an audit export checked against its own bytes, and its leaf hash. */
#ifndef ISA_VERIFY_AUDITRECORD_H
#define ISA_VERIFY_AUDITRECORD_H

#include <stddef.h>
#include <stdint.h>

#include "proto/merkle.h"

/* What checking keeps from line to line (buffers reused); one per thread. */
typedef struct auditrecord auditrecord_t;

/* A new checker, or NULL when out of memory. */
auditrecord_t *auditrecord_new(void);
void auditrecord_free(auditrecord_t *v);

/*
 * Check line (len bytes, without its newline; it need not end in a NUL)
 * as record seq of an export: it begins {"seq":SEQ,"leaf":"..."}, the leaf is an AuditRecord
 * whose own seq is seq, and the line is exactly what auditfmt writes for
 * those bytes.  Returns 0 with the RFC 6962 leaf hash in leaf, or
 * ISA_ERR_CRYPTO (or ISA_ERR_NOMEM) with one sentence in err naming the
 * record and the fault.
 */
/* Check lines as format (AUDITFMT_V1 or AUDITFMT_V2, from the export's
 * header) writes them; AUDITFMT_CURRENT until told. */
void auditrecord_set_format(auditrecord_t *v, int format);

__attribute__((warn_unused_result))
int auditrecord_check(auditrecord_t *v, const char *line, size_t len,
    uint64_t seq, uint8_t leaf[MERKLE_HASH_LEN], char *err, size_t errlen);

#endif
