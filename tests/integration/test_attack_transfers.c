/* test_attack_transfers.c: open transfers under attack: caps, secure memory, chunk floods, reloads, and the record of every upload that ends without a document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zmq.h>

#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "raw.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define SMALL_CHUNK 262144
#define TITLE "Operation Nightjar tasking"	/* must never reach a record */

static Isa__Status
status_of(Isa__Envelope *e, char *msg, size_t cap)
{
	Isa__Status st;

	assert_non_null(e);
	st = e->status;
	if (msg != NULL)
		snprintf(msg, cap, "%s", e->message != NULL ? e->message : "");
	isa__envelope__free_unpacked(e, NULL);
	return st;
}

/* PutBegin of size bytes at cls (with handling when SECRET); the status,
 * the message into msg, the transfer id into transfer when OK. */
static Isa__Status
raw_put_begin(raw_t *r, const char *cls, uint64_t size, uint8_t *transfer,
    char *msg, size_t cap)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	Isa__Status st;

	m.title = TITLE;
	m.classification = (char *)cls;
	if (strcmp(cls, "SECRET") == 0)
		m.handling = "Handle via the board only";
	pb.meta = &m;
	pb.size = size;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	resp = raw_call(r, &req, NULL, 0);
	assert_non_null(resp);
	if (resp->status == ISA__STATUS__OK && transfer != NULL) {
		assert_int_equal(resp->put_begin_reply->transfer.len, 16);
		memcpy(transfer, resp->put_begin_reply->transfer.data, 16);
	}
	st = status_of(resp, msg, cap);
	return st;
}

static Isa__Status
raw_put_chunk(raw_t *r, const uint8_t *transfer, uint64_t index,
    const void *data, size_t len, char *msg, size_t cap)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__PutChunk pc = ISA__PUT_CHUNK__INIT;

	pc.transfer.data = (uint8_t *)transfer;
	pc.transfer.len = 16;
	pc.index = index;
	req.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK;
	req.put_chunk = &pc;
	return status_of(raw_call(r, &req, data, len), msg, cap);
}

static Isa__Status
raw_put_end(raw_t *r, const uint8_t *transfer, const uint8_t *sha)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__PutEnd pe = ISA__PUT_END__INIT;

	pe.transfer.data = (uint8_t *)transfer;
	pe.transfer.len = 16;
	pe.sha256.data = (uint8_t *)sha;
	pe.sha256.len = SHA256_LEN;
	req.body_case = ISA__ENVELOPE__BODY_PUT_END;
	req.put_end = &pe;
	return status_of(raw_call(r, &req, NULL, 0), NULL, 0);
}

static Isa__Status
raw_transfer_end(raw_t *r, const uint8_t *transfer)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__TransferEnd te = ISA__TRANSFER_END__INIT;

	te.transfer.data = (uint8_t *)transfer;
	te.transfer.len = 16;
	req.body_case = ISA__ENVELOPE__BODY_TRANSFER_END;
	req.transfer_end = &te;
	return status_of(raw_call(r, &req, NULL, 0), NULL, 0);
}

/* GetBegin of id: OK expected; the transfer id and chunk count out. */
static void
raw_get_begin(raw_t *r, const char *id, uint8_t *transfer, uint64_t *chunks)
{
	Isa__Envelope *resp;

	raw_send_get_begin(r, id);
	resp = raw_recv(r, 20000);
	assert_non_null(resp);
	if (resp->status != ISA__STATUS__OK)
		fail_msg("get_begin: %s", resp->message);
	memcpy(transfer, resp->get_begin_reply->transfer.data, 16);
	*chunks = resp->get_begin_reply->chunks;
	isa__envelope__free_unpacked(resp, NULL);
}

static Isa__Status
raw_get_chunk(raw_t *r, const uint8_t *transfer, uint64_t index, char *msg,
    size_t cap)
{
	raw_send_get_chunk(r, transfer, index);
	return status_of(raw_recv(r, 30000), msg, cap);
}

/* How many entries db of the stopped isad's store holds. */
static size_t
count(harness_t *h, store_db_t db)
{
	store_t *s = NULL;
	store_txn_t *t;
	char err[256];
	size_t n;

	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	n = store_count(t, db);
	store_txn_abort(t);
	store_close(s);
	return n;
}

/* How many times needle occurs in hay. */
static int
occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The audit records of user's action, as JSON lines (malloc'd). */
static char *
records(harness_t *h, const char *user, const char *action)
{
	h_result_t r = h_isa(h, "auditor", ARGS("audit", "--user", user,
	    "--action", action, "--json"));
	char *out;

	if (r.status != 0)
		fail_msg("isa audit: %s", r.err);
	assert_null(strstr(r.out, TITLE));	/* DESIGN §7: never titles */
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

static harness_t *
deploy(const char *conf)
{
	harness_t *h = h_new_conf(conf);

	h_user(h, "ctp-analyst", "ctpse", "SC", NULL);
	h_user(h, "ctp-lead", "ctpse", "SC", NULL);
	h_user(h, "council-lead", "hcc", "NONE", NULL);
	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_start(h);
	return h;
}

/*
 * Finding 1: any user may open uploads without end (about 500 used to
 * abort isad).  Past the per-user cap (default 8) each put_begin is
 * refused (UNAVAILABLE, recorded); isad stays up, and serves others.
 */
static void
test_put_begin_flood_capped(void **state)
{
	harness_t *h;
	raw_t a;
	uint8_t t[16];
	char msg[512], in[512], id[32];
	int ok = 0, busy = 0;
	h_result_t r;
	char *recs;

	(void)state;
	h = deploy(NULL);
	a = raw_open(h, "council-lead");
	for (int i = 0; i < 600; i++) {
		Isa__Status st = raw_put_begin(&a, "OFFICIAL", 100, t, msg,
		    sizeof(msg));

		if (st == ISA__STATUS__OK)
			ok++;
		else {
			assert_int_equal(st, ISA__STATUS__UNAVAILABLE);
			assert_non_null(strstr(msg, "you have 8 uploads and "
			    "downloads open"));
			busy++;
		}
	}
	assert_int_equal(ok, 8);	/* limits.transfers_per_user's default */
	assert_int_equal(busy, 592);
	/* A normal user is served meanwhile. */
	snprintf(in, sizeof(in), "%s/small", h_dir(h));
	du_make_file(in, 1000, 7);
	if (du_put(h, "ctp-lead", in, "t", "OFFICIAL", "agency:ctpse", NULL,
	    id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
	r = du_get(h, "ctp-lead", id, in);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	raw_close(&a);
	/* Each refusal is a request on the record. */
	recs = records(h, "council-lead", "put");
	assert_int_equal(occurrences(recs, "\"reason\":\"too_many_transfers\""),
	    592);
	free(recs);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/* limits.transfers: past it nobody opens one, until one ends. */
static void
test_total_transfers_capped(void **state)
{
	harness_t *h;
	raw_t a, b;
	uint8_t t[16], first[16];
	char in[512], id[32];
	h_result_t r;
	char *recs;

	(void)state;
	h = deploy("limits = { max_message = 1048576; chunk = 262144; "
	    "transfers = 10; };");
	a = raw_open(h, "council-lead");
	b = raw_open(h, "ctp-analyst");
	for (int i = 0; i < 10; i++)
		assert_int_equal(raw_put_begin(i < 5 ? &a : &b, "OFFICIAL", 100,
		    i == 0 ? first : t, NULL, 0), ISA__STATUS__OK);
	snprintf(in, sizeof(in), "%s/small", h_dir(h));
	du_make_file(in, 1000, 7);
	assert_int_equal(du_put(h, "ctp-lead", in, "t", "OFFICIAL",
	    "agency:ctpse", NULL, NULL, &r), 5);
	assert_non_null(strstr(r.err, "as many uploads and downloads open as "
	    "it allows"));
	h_result_free(&r);
	assert_int_equal(raw_transfer_end(&a, first), ISA__STATUS__OK);
	if (du_put(h, "ctp-lead", in, "t", "OFFICIAL", "agency:ctpse", NULL,
	    id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
	raw_close(&a);
	raw_close(&b);
	recs = records(h, "ctp-lead", "put");
	assert_int_equal(occurrences(recs, "\"reason\":\"transfers_full\""), 1);
	free(recs);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/*
 * Finding 1: with the caps set high, open uploads use up libgcrypt's
 * secure memory (each holds a data key): isad answers UNAVAILABLE and
 * logs it, where it used to abort.
 */
static void
test_secure_memory_exhausted(void **state)
{
	harness_t *h;
	raw_t a;
	uint8_t t[16];
	char msg[512];
	Isa__Status st = ISA__STATUS__OK;
	int n;
	h_result_t r;

	(void)state;
	h = deploy("limits = { max_message = 1048576; chunk = 262144; "
	    "transfers = 4096; transfers_per_user = 4096; };");
	a = raw_open(h, "council-lead");
	for (n = 0; n < 4000 && st == ISA__STATUS__OK; n++)
		st = raw_put_begin(&a, "OFFICIAL", 100, t, msg, sizeof(msg));
	assert_int_equal(st, ISA__STATUS__UNAVAILABLE);
	assert_non_null(strstr(msg, "short of secure memory"));
	assert_true(h_wait_log(h, "secure memory for keys is used up"));
	/* isad is up, and what needs no new key is served. */
	r = h_isa(h, "ctp-analyst", ARGS("whoami"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	/* An ended upload gives its key back. */
	assert_int_equal(raw_transfer_end(&a, t), ISA__STATUS__OK);
	raw_close(&a);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/* A document of n chunks by ctp-analyst for agency:ctpse (its id). */
static void
put_doc(harness_t *h, const char *cls, uint64_t size, char *id)
{
	char in[512];
	h_result_t r;
	const char *const sec[] = { "--handling", "Board only", NULL };

	snprintf(in, sizeof(in), "%s/doc-%llu", h_dir(h),
	    (unsigned long long)size);
	du_make_file(in, size, 3);
	if (du_put(h, "ctp-analyst", in, "t", cls, "agency:ctpse",
	    strcmp(cls, "SECRET") == 0 ? sec : NULL, id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
}

/*
 * Finding 1: GetChunk requests sent without reading the replies.  isad
 * holds at most the credit window of a download's chunks (16) and serves
 * each chunk once, in order; the rest are refused.
 */
static void
test_get_chunk_flood_refused(void **state)
{
	harness_t *h;
	raw_t r;
	uint8_t t[16];
	uint64_t chunks;
	char id[32], msg[512], out[512];
	int ok = 0, refused = 0;
	h_result_t res;

	(void)state;
	h = deploy("limits = { max_message = 2097152; chunk = 1048576; };");
	put_doc(h, "OFFICIAL", 40 * 1048576, id);
	r = raw_open_lazy(h, "ctp-lead");
	raw_get_begin(&r, id, t, &chunks);
	assert_int_equal(chunks, 40);
	for (uint64_t i = 1; i < chunks; i++)
		raw_send_get_chunk(&r, t, i);
	for (uint64_t i = 1; i < chunks; i++) {
		Isa__Status st = status_of(raw_recv(&r, 30000), msg, sizeof(msg));

		if (st == ISA__STATUS__OK)
			ok++;
		else {
			assert_int_equal(st, ISA__STATUS__BAD_REQUEST);
			assert_true(strstr(msg, "before the earlier ones were "
			    "read") != NULL || strstr(msg, "is next") != NULL);
			refused++;
		}
	}
	assert_true(refused > 0);
	assert_true(ok < 39);
	/* Each chunk once, in order: not again, not ahead. */
	assert_int_equal(raw_get_chunk(&r, t, 1, msg, sizeof(msg)),
	    ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(msg, "each is sent once, in order"));
	raw_close(&r);
	/* A reader who reads gets it all, at the client's own window. */
	snprintf(out, sizeof(out), "%s/back", h_dir(h));
	res = du_get(h, "ctp-lead", id, out);
	assert_int_equal(res.status, 0);
	h_result_free(&res);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/* limits.content_queued (and its per-user share): past it, a chunk waits
 * for the client to come back (UNAVAILABLE), whatever the window. */
static void
test_content_budget(void **state)
{
	harness_t *h;
	raw_t r;
	uint8_t t[16];
	uint64_t chunks;
	char id[32], msg[512];
	int unavailable = 0;

	(void)state;
	h = deploy("limits = { max_message = 2097152; chunk = 1048576; };");
	put_doc(h, "OFFICIAL", 40 * 1048576, id);
	assert_int_equal(h_stop(h), 0);
	h_set_conf(h, "limits = { max_message = 2097152; chunk = 1048576; "
	    "content_queued = 4194304; };");
	h_start(h);
	r = raw_open_lazy(h, "ctp-lead");
	raw_get_begin(&r, id, t, &chunks);
	for (uint64_t i = 1; i < chunks; i++)
		raw_send_get_chunk(&r, t, i);
	for (uint64_t i = 1; i < chunks; i++)
		if (status_of(raw_recv(&r, 30000), msg, sizeof(msg)) ==
		    ISA__STATUS__UNAVAILABLE) {
			assert_non_null(strstr(msg, "content in transit"));
			unavailable++;
		}
	assert_true(unavailable > 0);
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/*
 * Finding 4: a reload that takes a reader's clearance closes their open
 * download, and one that drops an uploader to NONE closes their upload:
 * each with a record, the next message refused with a sentence saying
 * access changed, the one after as for any unknown transfer.
 */
static void
test_reload_closes_transfers(void **state)
{
	harness_t *h;
	raw_t rd, up;
	uint8_t dt[16], ut[16];
	static uint8_t chunk[SMALL_CHUNK];
	uint64_t chunks;
	char id[32], msg[512];
	char *recs;

	(void)state;
	h = deploy(NULL);
	put_doc(h, "SECRET", 3 * SMALL_CHUNK, id);
	rd = raw_open(h, "ctp-lead");
	raw_get_begin(&rd, id, dt, &chunks);
	assert_int_equal(chunks, 3);
	up = raw_open(h, "ctp-analyst");
	assert_int_equal(raw_put_begin(&up, "SECRET", 3 * SMALL_CHUNK, ut,
	    NULL, 0), ISA__STATUS__OK);
	assert_int_equal(raw_put_chunk(&up, ut, 0, chunk, SMALL_CHUNK, NULL,
	    0), ISA__STATUS__OK);

	h_user_update(h, "ctp-lead", "ctpse", "BPSS", NULL);
	h_user_update(h, "ctp-analyst", "ctpse", "NONE", NULL);
	h_write_policy(h);
	h_reload(h);

	assert_int_equal(raw_get_chunk(&rd, dt, 1, msg, sizeof(msg)),
	    ISA__STATUS__DENIED);
	assert_non_null(strstr(msg, "access changed"));
	assert_non_null(strstr(msg, id));
	assert_int_equal(raw_get_chunk(&rd, dt, 1, msg, sizeof(msg)),
	    ISA__STATUS__NOT_FOUND);
	assert_int_equal(raw_put_chunk(&up, ut, 1, chunk, SMALL_CHUNK, msg,
	    sizeof(msg)), ISA__STATUS__DENIED);
	assert_non_null(strstr(msg, "access changed"));
	assert_non_null(strstr(msg, "nothing was stored"));
	raw_close(&rd);
	raw_close(&up);

	recs = records(h, "ctp-lead", "get");
	assert_int_equal(occurrences(recs, "\"reason\":\"revoked\""), 1);
	assert_non_null(strstr(recs, id));
	free(recs);
	recs = records(h, "ctp-analyst", "put");
	assert_int_equal(occurrences(recs, "\"reason\":\"revoked\""), 1);
	assert_int_equal(occurrences(recs, "\"decision\":\"deny\""), 1);
	free(recs);
	/* The upload's staged chunk went with it: the document's 3 stay. */
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(count(h, STORE_CHUNKS), 3);
	h_free(h);
}

/*
 * Finding 4: disabled and enabled again within a minute, a reader does
 * not get their download back.
 */
static void
test_disable_enable_does_not_resume(void **state)
{
	harness_t *h;
	raw_t rd;
	uint8_t dt[16];
	uint64_t chunks;
	char id[32], msg[512];
	char *recs;

	(void)state;
	h = deploy(NULL);
	put_doc(h, "OFFICIAL", 3 * SMALL_CHUNK, id);
	rd = raw_open(h, "ctp-lead");
	raw_get_begin(&rd, id, dt, &chunks);
	h_user_update(h, "ctp-lead", "ctpse", "SC", "enabled = false;");
	h_write_policy(h);
	h_reload(h);
	assert_int_equal(raw_get_chunk(&rd, dt, 1, msg, sizeof(msg)),
	    ISA__STATUS__UNAUTHENTICATED);
	h_user_update(h, "ctp-lead", "ctpse", "SC", NULL);
	h_write_policy(h);
	h_reload(h);
	assert_int_equal(raw_get_chunk(&rd, dt, 1, msg, sizeof(msg)),
	    ISA__STATUS__DENIED);
	assert_non_null(strstr(msg, "access changed"));
	assert_int_equal(raw_get_chunk(&rd, dt, 2, msg, sizeof(msg)),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&rd);
	recs = records(h, "ctp-lead", "get");
	assert_int_equal(occurrences(recs, "\"reason\":\"revoked\""), 1);
	free(recs);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/* Replace every a with b in the file at path. */
static void
file_swap(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "r");
	char *text, *out, *p, *o;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	out = calloc(2, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (p = text, o = out; *p != '\0';)
		if (strncmp(p, a, strlen(a)) == 0) {
			o += sprintf(o, "%s", b);
			p += strlen(a);
		} else
			*o++ = *p++;
	h_write_file(path, out, 0644);
	free(text);
	free(out);
}

/*
 * Finding 4: an uploader given another key by a reload loses the upload
 * begun with the old one (closed, recorded, its next message refused).
 */
static void
test_reload_new_key_closes_upload(void **state)
{
	harness_t *h;
	raw_t up;
	uint8_t ut[16];
	static uint8_t chunk[SMALL_CHUNK];
	char oldkey[64], newkey[64];
	char *recs;

	(void)state;
	h = deploy(NULL);
	h_user(h, "spare", "ctpse", "SC", NULL);
	h_write_policy(h);
	h_reload(h);
	up = raw_open(h, "ctp-analyst");
	assert_int_equal(raw_put_begin(&up, "OFFICIAL", 2 * SMALL_CHUNK, ut,
	    NULL, 0), ISA__STATUS__OK);
	/* ctp-analyst and spare trade keys. */
	snprintf(oldkey, sizeof(oldkey), "key = \"%s\"",
	    h_user_pub(h, "ctp-analyst"));
	snprintf(newkey, sizeof(newkey), "key = \"%s\"", h_user_pub(h,
	    "spare"));
	file_swap(h_policy_conf(h), oldkey, "key = \"SWAP\"");
	file_swap(h_policy_conf(h), newkey, oldkey);
	file_swap(h_policy_conf(h), "key = \"SWAP\"", newkey);
	h_reload(h);
	assert_int_not_equal(raw_put_chunk(&up, ut, 0, chunk, SMALL_CHUNK, NULL,
	    0), ISA__STATUS__OK);
	raw_close(&up);
	recs = records(h, "ctp-analyst", "put");
	assert_int_equal(occurrences(recs, "\"reason\":\"revoked\""), 1);
	free(recs);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/*
 * Finding 10: every upload that ends without a document is one record,
 * with its decision and why: abandoned (transfer_end), expired (idle),
 * truncated, a SHA-256 that does not match, and cut off at shutdown.
 */
static void
test_abandoned_uploads_recorded(void **state)
{
	harness_t *h;
	raw_t r;
	uint8_t t[16], sha[SHA256_LEN] = { 0 };
	static uint8_t chunk[SMALL_CHUNK];
	char *recs;

	(void)state;
	h = deploy("limits = { max_message = 1048576; chunk = 262144; "
	    "transfer_timeout_ms = 1500; };");
	r = raw_open(h, "ctp-analyst");
	/* Expired (first: the first upload discarded in the log). */
	assert_int_equal(raw_put_begin(&r, "SECRET", 100, t, NULL, 0),
	    ISA__STATUS__OK);
	assert_true(h_wait_log(h, "abandoned: its chunks are deleted"));
	/* Abandoned, with a chunk staged. */
	assert_int_equal(raw_put_begin(&r, "SECRET", 2 * SMALL_CHUNK, t, NULL,
	    0), ISA__STATUS__OK);
	assert_int_equal(raw_put_chunk(&r, t, 0, chunk, SMALL_CHUNK, NULL, 0),
	    ISA__STATUS__OK);
	assert_int_equal(raw_transfer_end(&r, t), ISA__STATUS__OK);
	/* Truncated. */
	assert_int_equal(raw_put_begin(&r, "OFFICIAL", 2 * SMALL_CHUNK, t, NULL,
	    0), ISA__STATUS__OK);
	assert_int_equal(raw_put_chunk(&r, t, 0, chunk, SMALL_CHUNK, NULL, 0),
	    ISA__STATUS__OK);
	assert_int_equal(raw_put_end(&r, t, sha), ISA__STATUS__BAD_REQUEST);
	/* A SHA-256 that does not match. */
	assert_int_equal(raw_put_begin(&r, "OFFICIAL", 100, t, NULL, 0),
	    ISA__STATUS__OK);
	assert_int_equal(raw_put_chunk(&r, t, 0, chunk, 100, NULL, 0),
	    ISA__STATUS__OK);
	assert_int_equal(raw_put_end(&r, t, sha), ISA__STATUS__BAD_REQUEST);
	/* Cut off at shutdown. */
	assert_int_equal(raw_put_begin(&r, "OFFICIAL", 100, t, NULL, 0),
	    ISA__STATUS__OK);
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);	/* every record is durable */
	h_start(h);
	recs = records(h, "ctp-analyst", "put");
	assert_int_equal(occurrences(recs, "\"reason\":\"abandoned\""), 1);
	assert_int_equal(occurrences(recs, "\"reason\":\"truncated\""), 1);
	assert_int_equal(occurrences(recs, "\"reason\":\"sha256_mismatch\""),
	    1);
	assert_int_equal(occurrences(recs, "\"reason\":\"expired\""), 1);
	assert_int_equal(occurrences(recs, "\"reason\":\"shutdown\""), 1);
	/* Five uploads, five records, each with its decision and marking;
	 * the actor's key with each. */
	assert_int_equal(occurrences(recs, "\"action\":\"put\""), 5);
	assert_int_equal(occurrences(recs, "\"decision\":\"error\""), 5);
	assert_int_equal(occurrences(recs, "\"marking\":\"SECRET"), 2);
	assert_int_equal(occurrences(recs, "\"key\":\""), 5);
	free(recs);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(count(h, STORE_CHUNKS), 0);	/* none left staged */
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_begin_flood_capped),
		cmocka_unit_test(test_total_transfers_capped),
		cmocka_unit_test(test_secure_memory_exhausted),
		cmocka_unit_test(test_get_chunk_flood_refused),
		cmocka_unit_test(test_content_budget),
		cmocka_unit_test(test_reload_closes_transfers),
		cmocka_unit_test(test_disable_enable_does_not_resume),
		cmocka_unit_test(test_reload_new_key_closes_upload),
		cmocka_unit_test(test_abandoned_uploads_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
