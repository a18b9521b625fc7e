/* test_dispatch.c: the one table of request bodies (daemon/serve/dispatch.c): action, route, audited, content, for each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/docs/transfer.h"
#include "daemon/serve/dispatch.h"

/* What each request body was before the table (handlers.c's four
 * switches): the audit action, whether it routes by its transfer, whether
 * it is audited, whether it may carry content. */
static const struct {
	Isa__Envelope__BodyCase body;
	const char *action;	/* NULL: depends on the body */
	bool transfer, audited, content;
} want[] = {
	{ ISA__ENVELOPE__BODY_PING, "ping", false, true, false },
	{ ISA__ENVELOPE__BODY_WHOAMI, "whoami", false, true, false },
	{ ISA__ENVELOPE__BODY_PUT_BEGIN, "put", false, true, false },
	{ ISA__ENVELOPE__BODY_PUT_CHUNK, "put", true, false, true },
	{ ISA__ENVELOPE__BODY_PUT_END, "put", true, true, false },
	{ ISA__ENVELOPE__BODY_GET_BEGIN, "get", false, true, false },
	{ ISA__ENVELOPE__BODY_GET_CHUNK, "get", true, false, false },
	{ ISA__ENVELOPE__BODY_TRANSFER_END, "transfer_end", true, false,
	    false },
	{ ISA__ENVELOPE__BODY_LIST, "ls", false, true, false },
	{ ISA__ENVELOPE__BODY_INFO, "info", false, true, false },
	{ ISA__ENVELOPE__BODY_AUDIT_QUERY, NULL, false, true, false },
	{ ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT, NULL, false, true, false },
	{ ISA__ENVELOPE__BODY_SHARE, "share", false, true, false },
	{ ISA__ENVELOPE__BODY_REQUESTS, "requests", false, true, false },
	{ ISA__ENVELOPE__BODY_DECIDE, NULL, false, true, false },
	{ ISA__ENVELOPE__BODY_RECALL, "recall", false, true, false },
	{ ISA__ENVELOPE__BODY_INBOX, "inbox", false, true, false },
	{ ISA__ENVELOPE__BODY_DIRECTORY, "directory", false, true, false },
};

static void
test_each_request_as_before(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const dispatch_t *d = dispatch_find(want[i].body);

		assert_non_null(d);
		assert_int_equal(d->body, want[i].body);
		assert_non_null(d->handle);
		if (want[i].action != NULL) {
			assert_non_null(d->action);
			assert_string_equal(d->action, want[i].action);
			assert_null(d->action_of);
		} else {
			assert_null(d->action);
			assert_non_null(d->action_of);
		}
		assert_int_equal(d->route, want[i].transfer ?
		    DISPATCH_TRANSFER : DISPATCH_ANY_WORKER);
		assert_int_equal(d->transfer != NULL, want[i].transfer);
		assert_int_equal(d->audited, want[i].audited);
		assert_int_equal(d->content, want[i].content);
	}
}

/* Every body of the envelope: the requests (even field numbers) have an
 * entry, the replies (odd) none, and so does a case past the last. */
static void
test_only_requests_dispatched(void **state)
{
	const ProtobufCMessageDescriptor *md = &isa__envelope__descriptor;
	size_t requests = 0;

	(void)state;
	for (unsigned i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &md->fields[i];

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
			continue;
		if (f->id % 2 == 0) {
			assert_non_null(dispatch_find(
			    (Isa__Envelope__BodyCase)f->id));
			requests++;
		} else
			assert_null(dispatch_find(
			    (Isa__Envelope__BodyCase)f->id));
	}
	assert_int_equal(requests, sizeof(want) / sizeof(want[0]));
	assert_null(dispatch_find(ISA__ENVELOPE__BODY__NOT_SET));
	assert_null(dispatch_find((Isa__Envelope__BodyCase)1000));
	assert_null(dispatch_find((Isa__Envelope__BodyCase)-1));
}

static void
test_actions_by_body(void **state)
{
	Isa__Envelope e = ISA__ENVELOPE__INIT;
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	Isa__AuditCheckpointRequest c = ISA__AUDIT_CHECKPOINT_REQUEST__INIT;
	Isa__DecideRequest d = ISA__DECIDE_REQUEST__INIT;

	(void)state;
	assert_string_equal(dispatch_action(NULL), "invalid");
	assert_string_equal(dispatch_action(&e), "invalid");
	e.body_case = ISA__ENVELOPE__BODY_PONG;
	assert_string_equal(dispatch_action(&e), "invalid");
	e.body_case = ISA__ENVELOPE__BODY_PING;
	assert_string_equal(dispatch_action(&e), "ping");
	e.body_case = ISA__ENVELOPE__BODY_AUDIT_QUERY;
	e.audit_query = &q;
	assert_string_equal(dispatch_action(&e), "audit.query");
	q.upto = 5;
	assert_string_equal(dispatch_action(&e), "audit.export");
	e.body_case = ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT;
	e.audit_checkpoint = &c;
	assert_string_equal(dispatch_action(&e), "audit.checkpoint");
	c.export = true;
	assert_string_equal(dispatch_action(&e), "audit.export");
	e.body_case = ISA__ENVELOPE__BODY_DECIDE;
	e.decide = &d;
	assert_string_equal(dispatch_action(&e), "refuse");
	d.approve = true;
	assert_string_equal(dispatch_action(&e), "approve");
}

/* A transfer's parts go to the worker its id names (byte 0); a malformed
 * id, and every other request, to any. */
static void
test_transfer_parts_routed(void **state)
{
	uint8_t id[TRANSFER_ID_LEN] = { 3 };
	Isa__Envelope e = ISA__ENVELOPE__INIT;
	Isa__PutChunk pc = ISA__PUT_CHUNK__INIT;
	Isa__PutEnd pe = ISA__PUT_END__INIT;
	Isa__GetChunk gc = ISA__GET_CHUNK__INIT;
	Isa__TransferEnd te = ISA__TRANSFER_END__INIT;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;

	(void)state;
	pc.transfer = pe.transfer = gc.transfer = te.transfer =
	    (ProtobufCBinaryData){ sizeof(id), id };
	e.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK;
	e.put_chunk = &pc;
	assert_int_equal(dispatch_worker(&e), 3);
	e.body_case = ISA__ENVELOPE__BODY_PUT_END;
	e.put_end = &pe;
	id[0] = 1;
	assert_int_equal(dispatch_worker(&e), 1);
	e.body_case = ISA__ENVELOPE__BODY_GET_CHUNK;
	e.get_chunk = &gc;
	assert_int_equal(dispatch_worker(&e), 1);
	e.body_case = ISA__ENVELOPE__BODY_TRANSFER_END;
	e.transfer_end = &te;
	assert_int_equal(dispatch_worker(&e), 1);
	te.transfer.len = TRANSFER_ID_LEN - 1;
	assert_int_equal(dispatch_worker(&e), -1);
	e.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	e.get_begin = &gb;
	assert_int_equal(dispatch_worker(&e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_request_as_before),
		cmocka_unit_test(test_only_requests_dispatched),
		cmocka_unit_test(test_actions_by_body),
		cmocka_unit_test(test_transfer_parts_routed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
