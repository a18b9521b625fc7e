/* test_transfers.c: transfers that go wrong: uploads truncated, with a wrong SHA-256, chunks out of order or short, left idle; another's transfer named: not found, and recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/store/store.h"
#include "harness.h"
#include "proto/sha256.h"
#include "raw.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_truncated_and_corrupted_uploads(void **state)
{
	harness_t *h = *state;
	static uint8_t chunk[SU_CHUNK];
	uint8_t transfer[16], sha[SHA256_LEN] = { 0 };
	raw_t r = raw_open(h, "ctp-analyst"), other;
	Isa__Envelope *resp;

	/* Truncated: two of three chunks, then end. */
	raw_upload_begin(&r, 3 * SU_CHUNK, transfer);
	assert_int_equal(raw_upload_chunk(&r, transfer, 0, chunk, SU_CHUNK),
	    ISA__STATUS__OK);
	assert_int_equal(raw_upload_chunk(&r, transfer, 1, chunk, SU_CHUNK),
	    ISA__STATUS__OK);
	resp = raw_upload_end(&r, transfer, sha);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(resp->message, "truncated: 2 of 3 chunks"));
	isa__envelope__free_unpacked(resp, NULL);

	/* Wrong SHA-256. */
	raw_upload_begin(&r, 100, transfer);
	assert_int_equal(raw_upload_chunk(&r, transfer, 0, chunk, 100),
	    ISA__STATUS__OK);
	resp = raw_upload_end(&r, transfer, sha);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(resp->message, "SHA-256"));
	isa__envelope__free_unpacked(resp, NULL);

	/* Out of order, and a short chunk. */
	raw_upload_begin(&r, 2 * SU_CHUNK, transfer);
	assert_int_equal(raw_upload_chunk(&r, transfer, 1, chunk, SU_CHUNK),
	    ISA__STATUS__BAD_REQUEST);
	assert_int_equal(raw_upload_chunk(&r, transfer, 0, chunk, 10),
	    ISA__STATUS__BAD_REQUEST);

	/* Another peer naming this transfer: not found. */
	other = raw_open(h, "council-lead");
	assert_int_equal(raw_upload_chunk(&other, transfer, 0, chunk, SU_CHUNK),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&other);
	other = raw_open(h, "ctp-analyst");	/* same user, other peer */
	assert_int_equal(raw_upload_chunk(&other, transfer, 0, chunk, SU_CHUNK),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&other);
	raw_close(&r);

	/* Nothing of it is visible, and the refused uploads' chunks went. */
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(su_count(h, STORE_DOCS), 0);
}

/* An upload left idle is discarded, even while other requests keep every
 * worker busy (busy: requests keep coming while it waits). */
static void
abandoned_upload_discarded(bool busy)
{
	harness_t *h;
	static uint8_t chunk[SU_CHUNK];
	uint8_t transfer[16];
	raw_t r;
	bool seen = false;

	h = su_deploy("limits = { max_message = 1048576; chunk = 262144; "
	    "transfer_timeout_ms = 300; };");
	r = raw_open(h, "ctp-analyst");
	raw_upload_begin(&r, 2 * SU_CHUNK, transfer);
	assert_int_equal(raw_upload_chunk(&r, transfer, 0, chunk, SU_CHUNK),
	    ISA__STATUS__OK);
	/* Each of isad's workers gets one of these at least every second,
	 * and the upload goes while they come. */
	for (int i = 0; busy && !seen && i < 200; i++) {
		h_result_t q = h_isa(h, "ctp-analyst", ARGS("whoami"));
		char *log = h_isad_log(h);

		assert_int_equal(q.status, 0);
		h_result_free(&q);
		seen = strstr(log, "abandoned: its chunks") != NULL;
		free(log);
	}
	assert_true(busy ? seen :
	    h_wait_log(h, "abandoned: its chunks are deleted"));
	assert_int_equal(raw_upload_chunk(&r, transfer, 1, chunk, SU_CHUNK),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(su_count(h, STORE_CHUNKS), 0);
	h_free(h);
}

static void
test_abandoned_upload_discarded(void **state)
{
	(void)state;
	abandoned_upload_discarded(false);
}

static void
test_abandoned_upload_discarded_when_busy(void **state)
{
	(void)state;
	abandoned_upload_discarded(true);
}

/* A reader and an auditor, for a probe of transfer ids. */
static int
setup_probe(void **state)
{
	harness_t *h = h_new();

	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "board-auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_start(h);
	*state = h;
	return 0;
}

/* A chunk request naming a transfer that is not the caller's (or no
 * longer exists) is refused as not found, and is a request of its own in
 * the audit log: probing for others' transfer ids leaves a trace. */
static void
test_foreign_transfer_recorded(void **state)
{
	harness_t *h = *state;
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__GetChunk gc = ISA__GET_CHUNK__INIT;
	uint8_t t[16];
	raw_t r = raw_open(h, "police-lead");
	h_result_t a;

	memset(t, 0x5a, sizeof(t));
	gc.transfer.data = t;
	gc.transfer.len = sizeof(t);
	gc.index = 3;
	req.request_id = 4242;
	req.body_case = ISA__ENVELOPE__BODY_GET_CHUNK;
	req.get_chunk = &gc;
	resp = raw_call(&r, &req, NULL, 0);
	raw_close(&r);
	assert_int_equal(resp->status, ISA__STATUS__NOT_FOUND);
	isa__envelope__free_unpacked(resp, NULL);
	a = h_isa(h, "board-auditor", ARGS("audit", "--user", "police-lead",
	    "--json"));
	assert_int_equal(a.status, 0);
	assert_non_null(strstr(a.out, "\"reason\":\"no_transfer\""));
	assert_non_null(strstr(a.out, "\"request\":\"4242\""));
	h_result_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_truncated_and_corrupted_uploads, su_setup,
		    su_teardown),
		cmocka_unit_test(test_abandoned_upload_discarded),
		cmocka_unit_test(test_abandoned_upload_discarded_when_busy),
		cmocka_unit_test_setup_teardown(test_foreign_transfer_recorded,
		    setup_probe, su_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
