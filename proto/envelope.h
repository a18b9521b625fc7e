/* envelope.h: encoding and checked decoding of the Envelope in frame 0. */
#ifndef ISA_PROTO_ENVELOPE_H
#define ISA_PROTO_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/isa.pb-c.h"

#define ISA_PROTOCOL_VERSION 1

/* Which way an envelope travels: what it must hold differs. */
typedef enum {
	ENVELOPE_REQUEST,	/* must have a body */
	ENVELOPE_REPLY,		/* must have a status; a body when it is OK */
} envelope_kind_t;

/*
 * Decode len bytes at buf into a new envelope of the given kind.  Returns 0
 * and sets *out (free with envelope_free) or returns ISA_ERR_PARSE with a
 * sentence in err (errlen bytes) when the bytes are not one well-formed
 * Envelope of this protocol version and kind.  Never reads past len.  A
 * request may take at most 256 KiB plus twice len of memory to decode
 * (protobuf-c allocates each string apart): one that needs more is refused
 * as ISA_ERR_PARSE before it is whole, so decoding stays in proportion to
 * what arrived.
 */
__attribute__((warn_unused_result))
int envelope_decode(const uint8_t *buf, size_t len, envelope_kind_t kind,
    Isa__Envelope **out, char *err, size_t errlen);

/* Any envelope at all, unchecked, decoded within a request's memory budget
 * (to answer a refused request with its request id); NULL when it is not
 * one or needs more.  Free with envelope_free. */
Isa__Envelope *envelope_probe(const uint8_t *buf, size_t len);

/* Free an envelope returned by envelope_decode; NULL is accepted. */
void envelope_free(Isa__Envelope *env);

/*
 * Encode env into a new buffer: *buf (free() it) of *len bytes.  Sets the
 * version.  Returns 0, or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int envelope_encode(Isa__Envelope *env, uint8_t **buf, size_t *len);

/* The name of a status, as the protocol spells it ("NOT_FOUND"). */
const char *envelope_status_name(Isa__Status s);

#endif
