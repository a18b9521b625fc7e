/* envelope.c: encoding and checked decoding of the Envelope in frame 0. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "proto/envelope.h"

/*
 * A request's decoding may take at most this much memory: protobuf-c makes
 * one allocation per string, so four bytes on the wire (an empty string
 * repeated) could otherwise cost forty in the heap.  An honest request's
 * strings are few or long (the bounds of DESIGN §4), so it never nears it.
 */
#define DECODE_FLOOR	(256 << 10)
#define DECODE_PER_BYTE	2
#define DECODE_OVERHEAD	16	/* what malloc keeps beside each block */

typedef struct {
	size_t used, budget;
	bool exceeded;
} decode_budget_t;

static void *
budget_alloc(void *data, size_t size)
{
	decode_budget_t *b = data;

	if (size > b->budget - b->used ||
	    DECODE_OVERHEAD > b->budget - b->used - size) {
		b->exceeded = true;
		return NULL;	/* protobuf-c frees what it made and fails */
	}
	b->used += size + DECODE_OVERHEAD;
	return malloc(size);
}

/* Plain free: what it made is freed later by envelope_free, with the
 * default allocator. */
static void
budget_free(void *data, void *p)
{
	(void)data;
	free(p);
}

/* Unpack within a request's budget; *exceeded says whether that is why it
 * failed. */
static Isa__Envelope *
unpack_bounded(const uint8_t *buf, size_t len, bool *exceeded)
{
	decode_budget_t b = { 0, DECODE_FLOOR + DECODE_PER_BYTE * len, false };
	ProtobufCAllocator budget = { budget_alloc, budget_free, &b };
	Isa__Envelope *env = isa__envelope__unpack(&budget, len, buf);

	*exceeded = b.exceeded;
	return env;
}

Isa__Envelope *
envelope_probe(const uint8_t *buf, size_t len)
{
	bool exceeded;

	return unpack_bounded(buf, len, &exceeded);
}

int
envelope_decode(const uint8_t *buf, size_t len, envelope_kind_t kind,
    Isa__Envelope **out, char *err, size_t errlen)
{
	Isa__Envelope *env;
	bool exceeded = false;

	*out = NULL;
	/* A request comes from a client that may be hostile; replies come
	 * from the isad this client authenticated. */
	env = kind == ENVELOPE_REQUEST ? unpack_bounded(buf, len, &exceeded) :
	    isa__envelope__unpack(NULL, len, buf);
	if (env == NULL) {
		snprintf(err, errlen, exceeded ?
		    "the envelope holds more fields than a request may" :
		    "the envelope is not a well-formed protobuf message");
		return ISA_ERR_PARSE;
	}
	if (env->version != ISA_PROTOCOL_VERSION) {
		snprintf(err, errlen, "protocol version %u is not supported; "
		    "this end speaks version %u: upgrade isa or isad",
		    env->version, ISA_PROTOCOL_VERSION);
		isa__envelope__free_unpacked(env, NULL);
		return ISA_ERR_PARSE;
	}
	if (kind == ENVELOPE_REPLY &&
	    env->status == ISA__STATUS__STATUS_UNSPECIFIED) {
		snprintf(err, errlen, "the reply has no status");
		isa__envelope__free_unpacked(env, NULL);
		return ISA_ERR_PARSE;
	}
	if (env->body_case == ISA__ENVELOPE__BODY__NOT_SET &&
	    (kind == ENVELOPE_REQUEST || env->status == ISA__STATUS__OK)) {
		snprintf(err, errlen, "the envelope has no body, or one this "
		    "version does not know");
		isa__envelope__free_unpacked(env, NULL);
		return ISA_ERR_PARSE;
	}
	*out = env;
	return 0;
}

void
envelope_free(Isa__Envelope *env)
{
	if (env != NULL)
		isa__envelope__free_unpacked(env, NULL);
}

int
envelope_encode(Isa__Envelope *env, uint8_t **buf, size_t *len)
{
	size_t n;

	env->version = ISA_PROTOCOL_VERSION;
	n = isa__envelope__get_packed_size(env);
	/* malloc(0) may return NULL: always ask for at least one byte. */
	*buf = malloc(n > 0 ? n : 1);
	if (*buf == NULL)
		return ISA_ERR_NOMEM;
	*len = isa__envelope__pack(env, *buf);
	return 0;
}

const char *
envelope_status_name(Isa__Status s)
{
	const ProtobufCEnumValue *v =
	    protobuf_c_enum_descriptor_get_value(&isa__status__descriptor, s);

	return v != NULL ? v->name : "UNKNOWN";
}
