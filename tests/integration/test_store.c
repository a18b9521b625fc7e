/* test_store.c: the store under faults: damage, crashes, a full map, limits, rekeying, broken transfers. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/docid.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define CHUNK 262144

static harness_t *
deploy(const char *conf)
{
	harness_t *h = h_new_conf(conf);

	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_start(h);
	return h;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

static int
setup(void **state)
{
	*state = deploy(NULL);
	return 0;
}

static void
put_ok(harness_t *h, uint64_t size, unsigned seed, char *id)
{
	char in[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed);
	du_make_file(in, size, seed);
	if (du_put(h, "ctp-analyst", in, "doc", "OFFICIAL-SENSITIVE",
	    "agency:ctpse", NULL, id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
}

static void
get_ok(harness_t *h, const char *id, unsigned seed)
{
	char in[512], out[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed);
	snprintf(out, sizeof(out), "%s/g-%u", h_dir(h), seed);
	r = du_get(h, "ctp-analyst", id, out);
	if (r.status != 0)
		fail_msg("get %s: %s", id, r.err);
	h_result_free(&r);
	assert_true(du_same_file(in, out));
}

/* Open the stopped isad's store. */
static store_t *
open_store(harness_t *h)
{
	store_t *s = NULL;
	char err[256];

	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

static size_t
count(harness_t *h, store_db_t db)
{
	store_t *s = open_store(h);
	store_txn_t *t;
	size_t n;

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	n = store_count(t, db);
	store_txn_abort(t);
	store_close(s);
	return n;
}

static void
test_corrupted_chunk_detected(void **state)
{
	harness_t *h = *state;
	uint8_t key[DOCID_LEN + 8] = { 0 };
	char id[32], out[512];
	store_t *s;
	store_txn_t *t;
	const void *v;
	size_t len;
	uint8_t *copy;
	h_result_t r;
	struct stat st;

	put_ok(h, 3 * CHUNK + 5, 1, id);
	assert_int_equal(h_stop(h), 0);
	/* Flip one bit in the middle of the second chunk. */
	assert_int_equal(docid_parse(id, key), 0);
	key[DOCID_LEN + 7] = 1;
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_get(t, STORE_CHUNKS, key, sizeof(key), &v,
	    &len), 0);
	copy = malloc(len);
	memcpy(copy, v, len);
	copy[len / 2] ^= 0x10;
	assert_int_equal(store_put(t, STORE_CHUNKS, key, sizeof(key), copy,
	    len), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	free(copy);

	h_start(h);
	snprintf(out, sizeof(out), "%s/damaged", h_dir(h));
	r = h_isa(h, "ctp-analyst", ARGS("get", id, "-o", out));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "damaged"));
	assert_non_null(strstr(r.err, "chunk 1"));
	h_result_free(&r);
	assert_int_not_equal(stat(out, &st), 0);	/* no wrong bytes */
	/* and never wrong bytes on stdout either: it stops at the damage */
	r = h_isa(h, "ctp-analyst", ARGS("get", id));
	assert_int_equal(r.status, 1);
	h_result_free(&r);
}

/* A raw client, for what isa never sends. */
typedef struct {
	void *ctx, *s;
} raw_t;

static raw_t
raw_open(harness_t *h, const char *user)
{
	raw_t r;

	r.ctx = zmq_ctx_new();
	r.s = h_dealer(h, r.ctx, user);
	return r;
}

static void
raw_close(raw_t *r)
{
	zmq_close(r->s);
	zmq_ctx_term(r->ctx);
}

static Isa__Envelope *
raw_call(raw_t *r, Isa__Envelope *req, const void *data, size_t len)
{
	static uint8_t reply[1 << 16];
	uint8_t *buf;
	size_t blen;
	int n;

	assert_int_equal(envelope_encode(req, &buf, &blen), 0);
	assert_int_equal(h_send(r->s, buf, blen, data != NULL), 0);
	free(buf);
	if (data != NULL)
		assert_int_equal(h_send(r->s, data, len, 0), 0);
	n = h_recv(r->s, reply, sizeof(reply), 20000);
	assert_true(n > 0);
	return isa__envelope__unpack(NULL, (size_t)n, reply);
}

/* Begin an upload of size bytes; returns the transfer id (16 bytes). */
static void
raw_begin(raw_t *r, uint64_t size, uint8_t *transfer)
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

static Isa__Status
raw_chunk(raw_t *r, const uint8_t *transfer, uint64_t index,
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

static Isa__Envelope *
raw_end(raw_t *r, const uint8_t *transfer, const uint8_t *sha)
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

/*
 * A chunk whose commit failed is not staged, though the client was told
 * and went on: the upload's end finds it missing and stores nothing,
 * instead of a document with a hole in it.
 */
static void
test_upload_missing_a_chunk_refused(void **state)
{
	harness_t *h;
	static uint8_t chunk[CHUNK];
	uint8_t transfer[16], sha[SHA256_LEN];
	char fault[512];
	sha256_t *all = sha256_new();
	Isa__Envelope *resp;
	h_result_t res;
	raw_t r;

	(void)state;
	assert_non_null(all);
	h = h_new_conf(NULL);
	snprintf(fault, sizeof(fault), "%s/fault", h_dir(h));
	setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	h_user(h, "ctp-analyst", "ctpse", "SC", NULL);
	h_start(h);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	r = raw_open(h, "ctp-analyst");
	raw_begin(&r, 3 * CHUNK, transfer);
	for (uint64_t i = 0; i < 3; i++) {
		memset(chunk, (int)i + 1, sizeof(chunk));
		sha256_update(all, chunk, sizeof(chunk));
		if (i == 1)
			h_write_file(fault, "", 0644);
		assert_int_equal(raw_chunk(&r, transfer, i, chunk, CHUNK),
		    i == 1 ? ISA__STATUS__UNAVAILABLE : ISA__STATUS__OK);
		unlink(fault);
	}
	sha256_final(all, sha);
	sha256_free(all);
	resp = raw_end(&r, transfer, sha);
	assert_int_equal(resp->status, ISA__STATUS__UNAVAILABLE);
	assert_non_null(strstr(resp->message, "1 of the upload's 3 chunks "
	    "could not be stored"));
	isa__envelope__free_unpacked(resp, NULL);
	raw_close(&r);
	res = h_isa(h, "ctp-analyst", ARGS("ls"));
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "");
	h_result_free(&res);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(count(h, STORE_CHUNKS), 0);
	assert_int_equal(count(h, STORE_DOCS), 0);
	h_free(h);
}

static void
test_kill9_mid_upload(void **state)
{
	harness_t *h = *state;
	static uint8_t chunk[CHUNK];
	uint8_t transfer[16];
	raw_t r = raw_open(h, "ctp-analyst");
	char id[32];
	h_result_t res;

	raw_begin(&r, 10 * CHUNK, transfer);
	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(raw_chunk(&r, transfer, i, chunk, CHUNK),
		    ISA__STATUS__OK);
	raw_close(&r);
	h_kill9(h);
	assert_int_equal(count(h, STORE_CHUNKS), 3);	/* staged, invisible */
	assert_int_equal(count(h, STORE_DOCS), 0);
	h_start(h);
	assert_true(h_wait_log(h, "deleted the chunks of 1 upload(s)"));
	res = h_isa(h, "ctp-analyst", ARGS("ls"));
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "");
	h_result_free(&res);
	put_ok(h, CHUNK + 9, 2, id);	/* and it serves */
	get_ok(h, id, 2);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(count(h, STORE_CHUNKS), 2);
}

static void
test_truncated_and_corrupted_uploads(void **state)
{
	harness_t *h = *state;
	static uint8_t chunk[CHUNK];
	uint8_t transfer[16], sha[SHA256_LEN] = { 0 };
	raw_t r = raw_open(h, "ctp-analyst"), other;
	Isa__Envelope *resp;

	/* Truncated: two of three chunks, then end. */
	raw_begin(&r, 3 * CHUNK, transfer);
	assert_int_equal(raw_chunk(&r, transfer, 0, chunk, CHUNK),
	    ISA__STATUS__OK);
	assert_int_equal(raw_chunk(&r, transfer, 1, chunk, CHUNK),
	    ISA__STATUS__OK);
	resp = raw_end(&r, transfer, sha);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(resp->message, "truncated: 2 of 3 chunks"));
	isa__envelope__free_unpacked(resp, NULL);

	/* Wrong SHA-256. */
	raw_begin(&r, 100, transfer);
	assert_int_equal(raw_chunk(&r, transfer, 0, chunk, 100),
	    ISA__STATUS__OK);
	resp = raw_end(&r, transfer, sha);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(resp->message, "SHA-256"));
	isa__envelope__free_unpacked(resp, NULL);

	/* Out of order, and a short chunk. */
	raw_begin(&r, 2 * CHUNK, transfer);
	assert_int_equal(raw_chunk(&r, transfer, 1, chunk, CHUNK),
	    ISA__STATUS__BAD_REQUEST);
	assert_int_equal(raw_chunk(&r, transfer, 0, chunk, 10),
	    ISA__STATUS__BAD_REQUEST);

	/* Another peer naming this transfer: not found. */
	other = raw_open(h, "council-lead");
	assert_int_equal(raw_chunk(&other, transfer, 0, chunk, CHUNK),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&other);
	other = raw_open(h, "ctp-analyst");	/* same user, other peer */
	assert_int_equal(raw_chunk(&other, transfer, 0, chunk, CHUNK),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&other);
	raw_close(&r);

	/* Nothing of it is visible, and the refused uploads' chunks went. */
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(count(h, STORE_DOCS), 0);
}

static void
test_too_large(void **state)
{
	harness_t *h;
	char in[512];
	h_result_t r;

	(void)state;
	h = deploy("limits = { max_message = 1048576; chunk = 262144; "
	    "max_document = 1000000; };");
	snprintf(in, sizeof(in), "%s/big", h_dir(h));
	du_make_file(in, 1000001, 3);
	assert_int_equal(du_put(h, "ctp-analyst", in, "big", "OFFICIAL",
	    "agency:ctpse", NULL, NULL, &r), 1);
	assert_non_null(strstr(r.err, "too large"));
	assert_non_null(strstr(r.err, "at most 1000000"));
	h_result_free(&r);
	h_free(h);
}

static void
test_full_map(void **state)
{
	harness_t *h;
	char in[512], id[32];
	h_result_t r;

	(void)state;
	h = deploy("limits = { max_message = 1048576; chunk = 262144; };\n"
	    "map_size = 2097152;");
	snprintf(in, sizeof(in), "%s/huge", h_dir(h));
	du_make_file(in, 4u << 20, 4);
	assert_int_equal(du_put(h, "ctp-analyst", in, "huge", "OFFICIAL",
	    "agency:ctpse", NULL, NULL, &r), 5);
	assert_non_null(strstr(r.err, "the store is full"));
	h_result_free(&r);
	assert_true(h_wait_log(h, "the store cannot commit: the store is "
	    "full"));
	/* It goes on serving, and recovers once the space is back. */
	r = h_isa(h, "ctp-analyst", ARGS("whoami"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	put_ok(h, 1000, 5, id);
	get_ok(h, id, 5);
	h_free(h);
}

static void
test_rekey(void **state)
{
	harness_t *h = *state;
	char ids[3][32], key[512], before[256] = "", after[256] = "";
	h_result_t r;
	FILE *f;

	for (unsigned i = 0; i < 3; i++)
		put_ok(h, 1000 + i * CHUNK, 10 + i, ids[i]);
	/* Not while isad runs. */
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "in use by another isad"));
	h_result_free(&r);
	assert_int_equal(h_stop(h), 0);
	snprintf(key, sizeof(key), "%s/master.key", h_data_dir(h));
	f = fopen(key, "r");
	assert_non_null(fgets(before, sizeof(before), f));
	while (fgets(before, sizeof(before), f) != NULL &&
	    strncmp(before, "id", 2) != 0)
		;
	fclose(f);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "3 data keys rewrapped"));
	h_result_free(&r);
	f = fopen(key, "r");
	assert_non_null(fgets(after, sizeof(after), f));
	while (fgets(after, sizeof(after), f) != NULL &&
	    strncmp(after, "id", 2) != 0)
		;
	fclose(f);
	assert_string_not_equal(before, after);
	h_start(h);
	for (unsigned i = 0; i < 3; i++)
		get_ok(h, ids[i], 10 + i);
}

/* A rekey cut off between its commit and the key file's rename is
 * finished at the next start; one cut off before its commit is undone. */
static void
test_interrupted_rekey(void **state)
{
	harness_t *h = *state;
	char id[32], cmd[2048];
	h_result_t r;

	put_ok(h, 5000, 20, id);
	assert_int_equal(h_stop(h), 0);
	/* Before the commit: a stray master.key.new. */
	snprintf(cmd, sizeof(cmd), "cp -p %s/master.key %s/master.key.new",
	    h_data_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	h_start(h);
	assert_true(h_wait_log(h, "a rekey was cut off before it committed"));
	get_ok(h, id, 20);
	assert_int_equal(h_stop(h), 0);
	/* After the commit: the new key still beside the old one. */
	snprintf(cmd, sizeof(cmd), "cd %s && cp -p master.key old.key",
	    h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(cmd, sizeof(cmd), "cd %s && mv master.key master.key.new && "
	    "mv old.key master.key", h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	h_start(h);
	assert_true(h_wait_log(h, "finished a rekey that was cut off"));
	get_ok(h, id, 20);
}

/* A rekey whose commit fails keeps both keys, whether or not the commit
 * reached the disk; the next start keeps the one the store uses. */
static void
rekey_commit_fails(harness_t *h, const char *fault, const char *log_line)
{
	char id[32], path[512];
	h_result_t r;

	put_ok(h, 3000, 21, id);
	assert_int_equal(h_stop(h), 0);
	setenv("ISAD_TEST_REKEY_FAULT", fault, 1);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	unsetenv("ISAD_TEST_REKEY_FAULT");
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "rekey's commit failed"));
	assert_non_null(strstr(r.err, "both"));
	h_result_free(&r);
	snprintf(path, sizeof(path), "%s/master.key.new", h_data_dir(h));
	assert_int_equal(access(path, F_OK), 0);
	h_start(h);
	assert_true(h_wait_log(h, log_line));
	assert_int_equal(access(path, F_OK), -1);
	get_ok(h, id, 21);
}

static void
test_rekey_commit_lost(void **state)
{
	rekey_commit_fails(*state, "lost", "a rekey was cut off before it "
	    "committed");
}

static void
test_rekey_commit_landed(void **state)
{
	rekey_commit_fails(*state, "landed", "finished a rekey that was cut "
	    "off");
}

static void
test_loose_master_key_refused(void **state)
{
	harness_t *h = *state;
	char key[512];
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	snprintf(key, sizeof(key), "%s/master.key", h_data_dir(h));
	assert_int_equal(chmod(key, 0644), 0);
	r = h_run(ARGS(getenv("ISAD_BIN"), "--config", h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "master.key"));
	assert_non_null(strstr(r.err, "chmod 600"));
	h_result_free(&r);
}

/* An upload left idle is discarded, even while other requests keep every
 * worker busy (busy: requests keep coming while it waits). */
static void
abandoned_upload_discarded(bool busy)
{
	harness_t *h;
	static uint8_t chunk[CHUNK];
	uint8_t transfer[16];
	raw_t r;
	bool seen = false;

	h = deploy("limits = { max_message = 1048576; chunk = 262144; "
	    "transfer_timeout_ms = 300; };");
	r = raw_open(h, "ctp-analyst");
	raw_begin(&r, 2 * CHUNK, transfer);
	assert_int_equal(raw_chunk(&r, transfer, 0, chunk, CHUNK),
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
	assert_int_equal(raw_chunk(&r, transfer, 1, chunk, CHUNK),
	    ISA__STATUS__NOT_FOUND);
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(count(h, STORE_CHUNKS), 0);
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

/* A master key wrapped by a passphrase from the environment. */
static void
test_passphrase(void **state)
{
	harness_t *h;
	char id[32], key[512], line[256];
	h_result_t r;
	FILE *f;
	int wrapped = 0;

	(void)state;
	setenv("ISAD_MASTER_PASSPHRASE", "correct horse battery staple", 1);
	h = deploy(NULL);
	snprintf(key, sizeof(key), "%s/master.key", h_data_dir(h));
	f = fopen(key, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		wrapped |= strncmp(line, "kdf scrypt", 10) == 0;
	fclose(f);
	assert_true(wrapped);
	put_ok(h, 3000, 30, id);
	assert_int_equal(h_stop(h), 0);
	unsetenv("ISAD_MASTER_PASSPHRASE");
	r = h_run(ARGS(getenv("ISAD_BIN"), "--config", h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "master.key"));
	h_result_free(&r);
	setenv("ISAD_MASTER_PASSPHRASE", "wrong", 1);
	r = h_run(ARGS(getenv("ISAD_BIN"), "--config", h_isad_conf(h)));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "wrong passphrase"));
	h_result_free(&r);
	setenv("ISAD_MASTER_PASSPHRASE", "correct horse battery staple", 1);
	h_start(h);
	get_ok(h, id, 30);
	unsetenv("ISAD_MASTER_PASSPHRASE");
	h_free(h);
}

/* A destruction under a passphrase-protected master key: isad does not
 * keep the passphrase, so it says the operator's `isad rekey` is due and
 * leaves the key as it is; `isad rekey` then does it. */
static void
test_destroyed_under_passphrase(void **state)
{
	harness_t *h;
	char in[512], id[32], before[256], after[256];
	h_result_t r;

	(void)state;
	setenv("ISAD_MASTER_PASSPHRASE", "correct horse battery staple", 1);
	h = deploy(NULL);
	snprintf(in, sizeof(in), "%s/doomed", h_dir(h));
	h_write_file(in, "doomed", 0644);
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "OFFICIAL",
	    "agency:ctpse", ARGS("--destroy-after", "2030-12-31"), id, NULL),
	    0);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, before, sizeof(before));
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	h_start(h);
	unsetenv("ISAD_TEST_NOW");
	assert_true(h_wait_log(h, "until `isad rekey` runs"));
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, after, sizeof(after));
	assert_string_equal(before, after);
	r = h_run(ARGS(getenv("ISAD_BIN"), "rekey", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	{
		char *log = h_isad_log(h);
		size_t mark = strlen(log);

		free(log);
		h_start(h);	/* the rekey cleared the debt: nothing said */
		r = h_isa(h, "ctp-analyst", ARGS("whoami"));
		h_result_free(&r);
		log = h_isad_log(h);
		assert_true(strlen(log) > mark);
		assert_null(strstr(log + mark, "until `isad rekey` runs"));
		free(log);
	}
	unsetenv("ISAD_MASTER_PASSPHRASE");
	h_free(h);
}

/*
 * The rekey after a destruction, its commit failing: lost (nothing
 * landed), the new key goes and the old one reads on, the rekey still
 * due; landed though reported failed, the store is read to tell, and the
 * new key goes into use and into place.
 */
static void
test_online_rekey_commit_fails(void **state)
{
	harness_t *h;
	char in[512], doomed[32], kept[32], k0[256], k1[256];

	(void)state;
	h = deploy(NULL);
	snprintf(in, sizeof(in), "%s/doomed", h_dir(h));
	h_write_file(in, "doomed", 0644);
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "OFFICIAL",
	    "agency:ctpse", ARGS("--destroy-after", "2030-12-31"), doomed,
	    NULL), 0);
	put_ok(h, 3000, 31, kept);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, k0, sizeof(k0));
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	setenv("ISAD_TEST_REKEY_FAULT", "lost", 1);
	h_start(h);
	assert_true(h_wait_log(h, "tried again at the next sweep"));
	get_ok(h, kept, 31);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, k1, sizeof(k1));
	assert_string_equal(k0, k1);
	setenv("ISAD_TEST_REKEY_FAULT", "landed", 1);
	h_start(h);
	unsetenv("ISAD_TEST_REKEY_FAULT");
	unsetenv("ISAD_TEST_NOW");
	assert_true(h_wait_log(h, "rewrapped under a new master key"));
	get_ok(h, kept, 31);
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, k1, sizeof(k1));
	assert_string_not_equal(k0, k1);
	h_start(h);
	get_ok(h, kept, 31);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_corrupted_chunk_detected,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_mid_upload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_truncated_and_corrupted_uploads, setup, teardown),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_full_map),
		cmocka_unit_test_setup_teardown(test_rekey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_commit_lost, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rekey_commit_landed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_rekey, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_loose_master_key_refused,
		    setup, teardown),
		cmocka_unit_test(test_upload_missing_a_chunk_refused),
		cmocka_unit_test(test_destroyed_under_passphrase),
		cmocka_unit_test(test_online_rekey_commit_fails),
		cmocka_unit_test(test_abandoned_upload_discarded),
		cmocka_unit_test(test_abandoned_upload_discarded_when_busy),
		cmocka_unit_test(test_passphrase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
