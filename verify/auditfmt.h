/* auditfmt.h: audit records as the lines auditors read: JSON (the export contract of DESIGN §7) and CSV. */
#ifndef ISA_VERIFY_AUDITFMT_H
#define ISA_VERIFY_AUDITFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/isa.pb-c.h"

/*
 * The export format written: /2 writes "request" (a client's 64-bit request
 * id) as a decimal string, which JSON numbers (53 bits in jq, JavaScript)
 * cannot hold exactly; /1 wrote it as a number.  The verifier checks both,
 * each line as its own header says it was written.
 */
#define AUDITFMT_FORMAT "isa-audit-export/2"
#define AUDITFMT_FORMAT_V1 "isa-audit-export/1"
enum { AUDITFMT_V1 = 1, AUDITFMT_V2 = 2, AUDITFMT_CURRENT = AUDITFMT_V2 };
#define AUDITFMT_DECIMAL_LEN 21	/* a u64 in decimal, and its NUL */

/* v in decimal into out, without printf's cost (the verifier does this a
 * million times); returns its length. */
size_t auditfmt_decimal(uint64_t v, char out[AUDITFMT_DECIMAL_LEN]);

/*
 * The JSON line (no newline) for the record in bytes rec (len): "seq", then
 * "leaf" (base64 of rec, when with_leaf), then the decoded fields time,
 * actor, agency, key, action, doc, marking, target, decision, reason,
 * request (a decimal string), sha256 (hex), config_sha256 (hex), count,
 * keys, each left out when empty or 0.  *out is malloc'd.  Returns 0, ISA_ERR_PARSE (rec is not an
 * AuditRecord) or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int auditfmt_json(const uint8_t *rec, size_t len, bool with_leaf, char **out);

/* The same for r, already unpacked from rec (len bytes), as format
 * (AUDITFMT_V1 or AUDITFMT_V2) writes it.  Returns 0 or ISA_ERR_NOMEM. */
__attribute__((warn_unused_result))
int auditfmt_json_record(const Isa__AuditRecord *r, const uint8_t *rec,
    size_t len, bool with_leaf, int format, char **out);

/* Whether rest (rest_len bytes) is exactly what auditfmt_json_record
 * writes for r after the leaf's closing quote; allocates nothing.  (The
 * verifier checks the seq and leaf itself, as it decodes them.) */
bool auditfmt_json_fields_match(const Isa__AuditRecord *r, const char *rest,
    size_t rest_len, int format);

/* The CSV header line, and one record as a CSV line (RFC 4180 quoting),
 * same fields and order as the JSON (no leaf), to f.  Returns 0 or
 * ISA_ERR_PARSE. */
void auditfmt_csv_header(FILE *f);
__attribute__((warn_unused_result))
int auditfmt_csv(const uint8_t *rec, size_t len, FILE *f);

/* A human table row (seq, time, actor, action, doc, target, decision,
 * reason) and its header, each field escaped for a terminal (utf8_escape);
 * a record that stands for several requests (count above 1: refused
 * handshakes tallied, requests turned away in a store outage) has
 * " xCOUNT" after its decision.  Returns 0, ISA_ERR_PARSE or
 * ISA_ERR_NOMEM. */
void auditfmt_table_header(FILE *f);
__attribute__((warn_unused_result))
int auditfmt_table(const uint8_t *rec, size_t len, FILE *f);

/* Line 1 of an export: {"format":"isa-audit-export/2","checkpoint":"..."}
 * for the note (NUL-terminated); *out malloc'd.  Returns 0 or NOMEM. */
__attribute__((warn_unused_result))
int auditfmt_header(const char *note, char **out);

/* JSON string escaping of s into a new string (quotes included). */
char *auditfmt_json_string(const char *s);

#endif
