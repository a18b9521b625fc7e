/* raw.c: a raw CURVE client for integration tests: envelopes isa never sends, in any order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>
#include <cmocka.h>

#include "proto/envelope.h"
#include "proto/sha256.h"
#include "raw.h"

#define RAW_REPLY_MAX (8 << 20)	/* more than any reply isad may send */

raw_t
raw_open(harness_t *h, const char *user)
{
	raw_t r;

	r.ctx = zmq_ctx_new();
	assert_non_null(r.ctx);
	r.s = h_dealer(h, r.ctx, user);
	return r;
}

raw_t
raw_open_lazy(harness_t *h, const char *user)
{
	raw_t r;

	r.ctx = zmq_ctx_new();
	assert_non_null(r.ctx);
	r.s = h_dealer_lazy(h, r.ctx, user);
	return r;
}

void
raw_close(raw_t *r)
{
	zmq_close(r->s);
	zmq_ctx_term(r->ctx);
}

void
raw_send(raw_t *r, const Isa__Envelope *req, const void *data, size_t len)
{
	uint8_t *buf;
	size_t blen;

	assert_int_equal(envelope_encode((Isa__Envelope *)req, &buf, &blen), 0);
	assert_int_equal(h_send(r->s, buf, blen, data != NULL), 0);
	free(buf);
	if (data != NULL)
		assert_int_equal(h_send(r->s, data, len, 0), 0);
}

Isa__Envelope *
raw_recv_content(raw_t *r, int ms, void *content, size_t cap, size_t *clen)
{
	uint8_t *reply = malloc(RAW_REPLY_MAX);
	Isa__Envelope *e = NULL;
	size_t sz;
	int n, more = 0;

	assert_non_null(reply);
	if (clen != NULL)
		*clen = 0;
	n = h_recv(r->s, reply, RAW_REPLY_MAX, ms);
	if (n >= 0) {
		/* Error replies carry no body, so unpack plainly. */
		e = isa__envelope__unpack(NULL, (size_t)n, reply);
		assert_non_null(e);
		sz = sizeof(more);
		assert_int_equal(zmq_getsockopt(r->s, ZMQ_RCVMORE, &more, &sz),
		    0);
	}
	while (more) {
		zmq_msg_t m;

		zmq_msg_init(&m);
		assert_true(zmq_msg_recv(&m, r->s, 0) >= 0);
		if (content != NULL && zmq_msg_size(&m) <= cap) {
			memcpy(content, zmq_msg_data(&m), zmq_msg_size(&m));
			*clen = zmq_msg_size(&m);
		}
		more = zmq_msg_more(&m);
		zmq_msg_close(&m);
	}
	free(reply);
	return e;
}

Isa__Envelope *
raw_recv(raw_t *r, int ms)
{
	return raw_recv_content(r, ms, NULL, 0, NULL);
}

void
raw_send_get_begin(raw_t *r, const char *id)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;

	gb.id = (char *)id;
	req.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	req.get_begin = &gb;
	raw_send(r, &req, NULL, 0);
}

void
raw_send_get_chunk(raw_t *r, const uint8_t *transfer, uint64_t index)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__GetChunk gc = ISA__GET_CHUNK__INIT;

	gc.transfer.data = (uint8_t *)transfer;
	gc.transfer.len = 16;
	gc.index = index;
	req.body_case = ISA__ENVELOPE__BODY_GET_CHUNK;
	req.get_chunk = &gc;
	raw_send(r, &req, NULL, 0);
}

Isa__Envelope *
raw_call(raw_t *r, const Isa__Envelope *req, const void *data, size_t len)
{
	Isa__Envelope *e;

	raw_send(r, req, data, len);
	e = raw_recv(r, 20000);
	assert_non_null(e);
	return e;
}

void
raw_upload_begin(raw_t *r, uint64_t size, uint8_t *transfer)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	char *to[] = { "agency:ctpse" };

	m.title = "raw";
	m.classification = "OFFICIAL";
	m.to = to;
	m.n_to = 1;
	pb.meta = &m;
	pb.size = size;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	resp = raw_call(r, &req, NULL, 0);
	assert_int_equal(resp->status, ISA__STATUS__OK);
	assert_int_equal(resp->put_begin_reply->transfer.len, 16);
	memcpy(transfer, resp->put_begin_reply->transfer.data, 16);
	isa__envelope__free_unpacked(resp, NULL);
}

Isa__Status
raw_upload_chunk(raw_t *r, const uint8_t *transfer, uint64_t index,
    const void *data, size_t len)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__PutChunk pc = ISA__PUT_CHUNK__INIT;
	Isa__Status st;

	pc.transfer.data = (uint8_t *)transfer;
	pc.transfer.len = 16;
	pc.index = index;
	req.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK;
	req.put_chunk = &pc;
	resp = raw_call(r, &req, data, len);
	st = resp->status;
	isa__envelope__free_unpacked(resp, NULL);
	return st;
}

Isa__Envelope *
raw_upload_end(raw_t *r, const uint8_t *transfer, const uint8_t *sha)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__PutEnd pe = ISA__PUT_END__INIT;

	pe.transfer.data = (uint8_t *)transfer;
	pe.transfer.len = 16;
	pe.sha256.data = (uint8_t *)sha;
	pe.sha256.len = SHA256_LEN;
	req.body_case = ISA__ENVELOPE__BODY_PUT_END;
	req.put_end = &pe;
	return raw_call(r, &req, NULL, 0);
}
