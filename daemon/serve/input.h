/* input.h: the bounds every client-supplied string keeps (DESIGN §4), checked before any handler. */
#ifndef ISA_DAEMON_INPUT_H
#define ISA_DAEMON_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/ctx/config.h"
#include "proto/isa.pb-c.h"

/*
 * What input_check found.  On a fault, message is the BAD_REQUEST
 * sentence (it names the field and never holds its bytes beyond a short,
 * clean id) and reason the audit reason code: "malformed:FIELD:BYTES" for
 * a string (its length, never its bytes), "too_many:FIELD:COUNT" for a
 * repeated field.  doc and target are what the audit record may echo of
 * the request: a well-formed value (pointing into the request, or into
 * this verdict), "malformed:BYTES" for one that is not, or NULL.
 */
typedef struct {
	char message[192];
	char reason[80];
	const char *doc;		/* the document or request named */
	const char *target;		/* the principal named (share) */
	char doc_buf[48];
	char target_buf[48];
} input_verdict_t;

/*
 * Check every string of req (every field of every body, by protobuf-c's
 * descriptors): a field the table in input.c names keeps its kind's bound
 * (ids: their fixed form; titles, handling, reasons, principals, file
 * names: cfg's limits; other words 64 bytes), every string is valid UTF-8
 * with no control character (C0, DEL, C1), and repeated fields keep their
 * counts (`to`: cfg->max_recipients).  Returns true when all is well;
 * else false with *v filled from the first fault (in field order).  req
 * and cfg are only read; v's pointers are valid while req and v are.
 */
__attribute__((warn_unused_result))
bool input_check(const isad_config_t *cfg, const Isa__Envelope *req,
    input_verdict_t *v);

#endif
