/* auditverify.h: offline verification of an audit export against the public key (and a kept checkpoint). */
#ifndef ISA_VERIFY_AUDITVERIFY_H
#define ISA_VERIFY_AUDITVERIFY_H

#include <openssl/types.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Verify the export read from f (DESIGN §7's format): its checkpoint is
 * signed by key; every record line's seq is its position, its leaf decodes
 * to an AuditRecord of that seq, and its decoded fields are exactly those
 * the bytes give; the records hash (RFC 6962) to the checkpoint's root and
 * are as many as its size.  With since (a checkpoint note the auditor kept,
 * since_len bytes; NULL for none), also that it is signed by key for the
 * same origin and that the first since.size records hash to its root: the
 * log only grew by appending since.
 *
 * Returns 0 with *records and *since_size set, or ISA_ERR_CRYPTO (the
 * export does not verify), ISA_ERR_PARSE (it is not an export at all),
 * ISA_ERR_NOMEM or ISA_ERR_IO, with one sentence in err naming the first
 * bad record where there is one.
 */
__attribute__((warn_unused_result))
int auditverify_export(FILE *f, EVP_PKEY *key, const char *since,
    size_t since_len, uint64_t *records, uint64_t *since_size, char *err,
    size_t errlen);

#endif
