/* test_envelope.c: the envelope codec: round trips, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "proto/envelope.h"

static void
test_round_trip(void **state)
{
	Isa__Envelope env = ISA__ENVELOPE__INIT, *out = NULL;
	Isa__WhoAmIResponse w = ISA__WHO_AM_IRESPONSE__INIT;
	char *roles[] = { "admin", "approver" }, err[128];
	uint8_t *buf;
	size_t len;

	(void)state;
	w.id = "council-lead";
	w.n_roles = 2;
	w.roles = roles;
	env.request_id = 0x1122334455667788u;
	env.status = ISA__STATUS__OK;
	env.body_case = ISA__ENVELOPE__BODY_WHOAMI_REPLY;
	env.whoami_reply = &w;
	assert_int_equal(envelope_encode(&env, &buf, &len), 0);
	assert_int_equal(envelope_decode(buf, len, ENVELOPE_REPLY, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(out->version, ISA_PROTOCOL_VERSION);
	assert_int_equal(out->request_id, 0x1122334455667788u);
	assert_string_equal(out->whoami_reply->id, "council-lead");
	assert_int_equal(out->whoami_reply->n_roles, 2);
	assert_string_equal(out->whoami_reply->roles[1], "approver");
	envelope_free(out);
	free(buf);
}

/* The same message encodes to the same bytes: audit records rely on it. */
static void
test_deterministic(void **state)
{
	Isa__Envelope env = ISA__ENVELOPE__INIT;
	Isa__Ping ping = ISA__PING__INIT;
	uint8_t *a, *b;
	size_t la, lb;

	(void)state;
	env.request_id = 42;
	env.body_case = ISA__ENVELOPE__BODY_PING;
	env.ping = &ping;
	assert_int_equal(envelope_encode(&env, &a, &la), 0);
	assert_int_equal(envelope_encode(&env, &b, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	/* version 1, request id 42, an empty ping in field 16 */
	assert_int_equal(la, 7);
	assert_memory_equal(a, "\x08\x01\x10\x2a\x82\x01\x00", 7);
	free(a);
	free(b);
}

static void
test_refusals(void **state)
{
	static const struct { const char *bytes; size_t len; envelope_kind_t k;
	    const char *why; } cases[] = {
		{ "\x0a\xff\xff\xff", 4, ENVELOPE_REQUEST, "well-formed" },
		{ "\x08\x02\x82\x01\x00", 5, ENVELOPE_REQUEST, "version 2" },
		{ "\x08\x01", 2, ENVELOPE_REQUEST, "no body" },
		{ "", 0, ENVELOPE_REQUEST, "version 0" },
		{ "\x08\x01\x82\x01\x00", 5, ENVELOPE_REPLY, "no status" },
		{ "\x08\x01\x18\x01", 4, ENVELOPE_REPLY, "no body" },
		{ "\x08\x01\x82\x01", 4, ENVELOPE_REQUEST, "well-formed" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Isa__Envelope *out = (Isa__Envelope *)1;

		assert_int_equal(envelope_decode((const uint8_t *)cases[i].bytes,
		    cases[i].len, cases[i].k, &out, err, sizeof(err)),
		    ISA_ERR_PARSE);
		assert_null(out);
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err,
			    cases[i].why);
	}
}

/* Append v as a protobuf varint at p; returns the bytes written. */
static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	return n;
}

/* A PutBegin whose meta holds n `to` strings of len bytes each. */
static uint8_t *
put_begin_with_to(size_t n, size_t len, size_t *outlen)
{
	size_t entry = 2 + len, meta = n * entry, pb, cap = meta + 64, o = 0;
	uint8_t *buf = malloc(cap), hdr[16];

	assert_non_null(buf);
	pb = 1 + put_varint(hdr, meta) + meta;
	buf[o++] = 0x08;		/* version */
	buf[o++] = 0x01;
	buf[o++] = 0xa2;		/* put_begin (20), length-delimited */
	buf[o++] = 0x01;
	o += put_varint(buf + o, pb);
	buf[o++] = 0x0a;		/* meta (1) */
	o += put_varint(buf + o, meta);
	for (size_t i = 0; i < n; i++) {
		buf[o++] = 0x7a;	/* to (15) */
		buf[o++] = (uint8_t)len;
		memset(buf + o, 'a', len);
		o += len;
	}
	*outlen = o;
	return buf;
}

/* Decoding a request costs memory in proportion to its size: two million
 * empty strings in 4 MB (each a separate allocation) are refused, while a
 * request as large as the bounds allow decodes. */
static void
test_decode_budget(void **state)
{
	Isa__Envelope *out = NULL;
	uint8_t *buf;
	size_t len;
	char err[256];

	(void)state;
	buf = put_begin_with_to(2000000, 0, &len);
	assert_int_equal(envelope_decode(buf, len, ENVELOPE_REQUEST, &out, err,
	    sizeof(err)), ISA_ERR_PARSE);
	assert_null(out);
	assert_non_null(strstr(err, "more fields than a request may"));
	free(buf);

	/* 500 principals of 127 bytes: the most limits allow by default. */
	buf = put_begin_with_to(500, 127, &len);
	assert_int_equal(envelope_decode(buf, len, ENVELOPE_REQUEST, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(out->put_begin->meta->n_to, 500);
	envelope_free(out);
	free(buf);
}

static void
test_error_reply_without_body(void **state)
{
	/* version 1, status DENIED (5), message "no" */
	const uint8_t bytes[] = { 0x08, 0x01, 0x18, 0x05, 0x22, 0x02, 'n', 'o' };
	Isa__Envelope *out = NULL;
	char err[128];

	(void)state;
	assert_int_equal(envelope_decode(bytes, sizeof(bytes), ENVELOPE_REPLY,
	    &out, err, sizeof(err)), 0);
	assert_int_equal(out->status, ISA__STATUS__DENIED);
	assert_string_equal(out->message, "no");
	assert_string_equal(envelope_status_name(out->status), "DENIED");
	envelope_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_decode_budget),
		cmocka_unit_test(test_error_reply_without_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
