/* test_fetch.c: the client library's pull-style download (client/fetch.h) as isa ui uses it: pieces in order, nothing whole-looking from damaged or recalled content, missing and off-list alike, a connection that serves on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "client/cli.h"
#include "client/conf.h"
#include "client/conn.h"
#include "client/fetch.h"
#include "daemon/store/records.pb-c.h"
#include "daemon/store/store.h"
#include "conn_util.h"
#include "harness.h"
#include "proto/docid.h"
#include "proto/envelope.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The bytes su_put_ok put for seed (size of them). */
static uint8_t *
t_content(harness_t *h, unsigned seed, size_t size)
{
	char path[512];
	uint8_t *buf = malloc(size + 1);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/f-%u", h_dir(h), seed);
	assert_non_null(buf);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(buf, 1, size + 1, fp), size);
	fclose(fp);
	return buf;
}

/*
 * Pull f to its end or its failure, checking each piece against want (NULL:
 * not checked).  Returns the exit code; *handed: the bytes handed out;
 * err: the sentence on failure.
 */
static int
t_drain(isa_fetch_t *f, const uint8_t *want, uint64_t *handed, char *err,
    size_t errlen)
{
	const void *p;
	size_t n;
	bool done = false;
	int code;

	*handed = 0;
	while ((code = isa_fetch_next(f, &p, &n, &done, err, errlen)) ==
	    EXIT_OK && !done) {
		assert_true(n > 0);
		if (want != NULL)
			assert_memory_equal(p, want + *handed, n);
		*handed += n;
	}
	if (code != EXIT_OK) {
		assert_null(p);
		assert_int_equal(n, 0);
		assert_false(done);
	}
	return code;
}

/* Rewrite the stopped isad's record of document id through edit. */
static void
t_edit_doc(harness_t *h, const char *id, void (*edit)(Isad__StoredDoc *))
{
	uint8_t key[DOCID_LEN], *buf;
	Isad__StoredDoc *rec;
	store_t *s;
	store_txn_t *t;
	const void *v;
	size_t len;

	assert_int_equal(docid_parse(id, key), 0);
	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_get(t, STORE_DOCS, key, sizeof(key), &v, &len),
	    0);
	assert_non_null(rec = isad__stored_doc__unpack(NULL, len, v));
	edit(rec);
	assert_non_null(buf = malloc(isad__stored_doc__get_packed_size(rec)));
	len = isad__stored_doc__pack(rec, buf);
	isad__stored_doc__free_unpacked(rec, NULL);
	assert_int_equal(store_put(t, STORE_DOCS, key, sizeof(key), buf, len),
	    0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	free(buf);
}

static void
flip_sha(Isad__StoredDoc *rec)
{
	assert_int_equal(rec->sha256.len, 32);
	rec->sha256.data[31] ^= 1;
}

/* A document of several chunks comes whole, in order, then done. */
static void
test_pieces_in_order(void **state)
{
	harness_t *h = *state;
	uint64_t size = 3 * SU_CHUNK + 5, handed;
	char id[32], err[ISA_FETCH_ERRLEN];
	uint8_t *want;
	isa_fetch_t *f;
	const void *p;
	size_t n;
	bool done;
	tconn_t t;

	su_put_ok(h, size, 1, id);
	want = t_content(h, 1, size);
	t_connect(h, "ctp-analyst", &t);
	assert_int_equal(isa_fetch_open(t.c, id, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_string_equal(isa_fetch_meta(f)->id, id);
	assert_int_equal(isa_fetch_meta(f)->size, size);
	assert_int_equal(t_drain(f, want, &handed, err, sizeof(err)), EXIT_OK);
	assert_int_equal(handed, size);
	assert_false(isa_fetch_damaged(f));
	/* and done it stays */
	assert_int_equal(isa_fetch_next(f, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	assert_true(done);
	assert_int_equal(n, 0);
	isa_fetch_close(f);
	isa_fetch_close(NULL);
	t_close(&t);
	free(want);
}

/*
 * Content that is not the document's (its record's SHA-256 altered in the
 * store: every chunk still opens) fails before the last piece is handed
 * out: a caller forwarding pieces never delivers it whole.  isa get says
 * so too, with or without a file.
 */
static void
test_sha_mismatch_withholds_last(void **state)
{
	harness_t *h = *state;
	uint64_t size = 3 * SU_CHUNK + 5, handed;
	char id[32], one[32], err[ISA_FETCH_ERRLEN], again[ISA_FETCH_ERRLEN];
	char out[512];
	const char *sentence = "the content received does not match its "
	    "SHA-256: it was damaged on the way";
	uint8_t *want;
	isa_fetch_t *f;
	const void *p;
	size_t n;
	bool done;
	tconn_t t;
	h_result_t r;
	struct stat st;

	su_put_ok(h, size, 2, id);
	su_put_ok(h, 100, 3, one);	/* one chunk: its only piece withheld */
	assert_int_equal(h_stop(h), 0);
	t_edit_doc(h, id, flip_sha);
	t_edit_doc(h, one, flip_sha);
	h_start(h);
	want = t_content(h, 2, size);

	t_connect(h, "ctp-analyst", &t);
	assert_int_equal(isa_fetch_open(t.c, id, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(t_drain(f, want, &handed, err, sizeof(err)),
	    EXIT_ERROR);
	assert_int_equal(handed, 3 * SU_CHUNK);	/* not the last 5 bytes */
	assert_string_equal(err, sentence);
	assert_true(isa_fetch_damaged(f));
	/* asked again: the same failure, nothing more */
	assert_int_equal(isa_fetch_next(f, &p, &n, &done, again,
	    sizeof(again)), EXIT_ERROR);
	assert_string_equal(again, sentence);
	assert_null(p);
	isa_fetch_close(f);

	assert_int_equal(isa_fetch_open(t.c, one, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(t_drain(f, NULL, &handed, err, sizeof(err)),
	    EXIT_ERROR);
	assert_int_equal(handed, 0);
	assert_string_equal(err, sentence);
	isa_fetch_close(f);
	t_close(&t);

	snprintf(out, sizeof(out), "%s/mismatch", h_dir(h));
	r = h_isa(h, "ctp-analyst", ARGS("get", id, "-o", out));
	assert_int_equal(r.status, 1);
	assert_string_equal(h_last_line(r.err), "isa: the content received "
	    "does not match its SHA-256: it was damaged on the way; nothing "
	    "was written");
	h_result_free(&r);
	assert_int_not_equal(stat(out, &st), 0);
	r = h_isa(h, "ctp-analyst", ARGS("get", one));
	assert_int_equal(r.status, 1);
	assert_string_equal(h_last_line(r.err), "isa: the content received "
	    "does not match its SHA-256: it was damaged on the way");
	assert_string_equal(r.out, "");
	h_result_free(&r);
	free(want);
}

/* A chunk damaged in isad's store (its last): isad's sentence, and the
 * last piece never handed out. */
static void
test_damaged_chunk_fails_before_last(void **state)
{
	harness_t *h = *state;
	uint64_t size = 3 * SU_CHUNK + 5, handed;
	uint8_t key[DOCID_LEN + 8] = { 0 }, *copy, *want;
	char id[32], err[ISA_FETCH_ERRLEN];
	isa_fetch_t *f;
	store_t *s;
	store_txn_t *t;
	const void *v;
	size_t len;
	tconn_t tc;

	su_put_ok(h, size, 4, id);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(docid_parse(id, key), 0);
	key[DOCID_LEN + 7] = 3;		/* the last chunk */
	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_get(t, STORE_CHUNKS, key, sizeof(key), &v,
	    &len), 0);
	assert_non_null(copy = malloc(len));
	memcpy(copy, v, len);
	copy[0] ^= 0x10;
	assert_int_equal(store_put(t, STORE_CHUNKS, key, sizeof(key), copy,
	    len), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	free(copy);
	h_start(h);
	want = t_content(h, 4, size);

	t_connect(h, "ctp-analyst", &tc);
	assert_int_equal(isa_fetch_open(tc.c, id, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(t_drain(f, want, &handed, err, sizeof(err)),
	    EXIT_ERROR);
	assert_int_equal(handed, 3 * SU_CHUNK);
	assert_non_null(strstr(err, "damaged (chunk 3 failed its integrity "
	    "check)"));
	assert_false(isa_fetch_damaged(f));	/* isad's word, not ours */
	isa_fetch_close(f);
	t_close(&tc);
	free(want);
}

/* Recalled while it is being read: the next chunk is refused with the
 * sentence isa get prints, exit 3. */
static void
test_recalled_midway(void **state)
{
	harness_t *h = *state;
	uint64_t size = 20 * SU_CHUNK, handed;
	char id[32], err[ISA_FETCH_ERRLEN], want_err[256];
	const void *p;
	size_t n;
	bool done;
	isa_fetch_t *f;
	tconn_t t;
	h_result_t r;

	su_put_ok(h, size, 5, id);
	t_connect(h, "ctp-analyst", &t);
	assert_int_equal(isa_fetch_open(t.c, id, &f, err, sizeof(err)),
	    EXIT_OK);
	/* chunk 0 came with the header: no chunk is asked for yet */
	assert_int_equal(isa_fetch_next(f, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(n, SU_CHUNK);
	r = h_isa(h, "ctp-analyst", ARGS("recall", id, "--reason", "wrong"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_int_equal(t_drain(f, NULL, &handed, err, sizeof(err)),
	    EXIT_NOTFOUND);
	assert_int_equal(handed, 0);
	snprintf(want_err, sizeof(want_err), "gone: document %s was recalled "
	    "or destroyed during the transfer", id);
	assert_string_equal(err, want_err);
	isa_fetch_close(f);
	t_close(&t);
}

/* A missing id and one the user may not see: the same code and sentence
 * (the id aside), and exactly what isa get prints. */
static void
test_missing_like_offlist(void **state)
{
	harness_t *h = *state;
	uint8_t raw[DOCID_LEN];
	char id[32], missing[DOCID_TEXT_LEN + 1], e1[ISA_FETCH_ERRLEN];
	char e2[ISA_FETCH_ERRLEN], line[ISA_FETCH_ERRLEN + 16], *at;
	isa_fetch_t *f = NULL;
	int c1, c2;
	tconn_t t;
	h_result_t r;

	su_put_ok(h, 100, 6, id);	/* to agency:ctpse */
	assert_int_equal(getrandom(raw, sizeof(raw), 0), sizeof(raw));
	docid_format(raw, missing);
	t_connect(h, "council-lead", &t);
	c1 = isa_fetch_open(t.c, id, &f, e1, sizeof(e1));
	assert_null(f);
	c2 = isa_fetch_open(t.c, missing, &f, e2, sizeof(e2));
	assert_null(f);
	t_close(&t);
	assert_int_equal(c1, EXIT_NOTFOUND);
	assert_int_equal(c2, c1);
	snprintf(line, sizeof(line), "isa: %s", e1);
	r = h_isa(h, "council-lead", ARGS("get", id));
	assert_int_equal(r.status, c1);
	assert_string_equal(h_last_line(r.err), line);
	h_result_free(&r);
	assert_non_null(at = strstr(e1, id));
	memcpy(at, missing, DOCID_TEXT_LEN);
	assert_string_equal(e1, e2);
}

/*
 * The connection serves on: a reply to a request sent before the fetch is
 * not taken for its own, and a fetch closed mid-way (chunks in flight)
 * leaves nothing that a next fetch or call would take for its answer.
 */
static void
test_connection_serves_on(void **state)
{
	harness_t *h = *state;
	uint64_t size = 12 * SU_CHUNK, handed;
	char a[32], b[32], err[ISA_FETCH_ERRLEN];
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp = NULL;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;
	Isa__WhoAmIRequest who = ISA__WHO_AM_IREQUEST__INIT;
	uint8_t *want;
	isa_fetch_t *f;
	const void *p;
	size_t n;
	bool done;
	tconn_t t;

	su_put_ok(h, 1000, 7, a);
	su_put_ok(h, size, 8, b);
	want = t_content(h, 8, size);
	t_connect(h, "ctp-analyst", &t);
	/* a GetBegin of a whose reply nobody reads */
	gb.id = a;
	req.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	req.get_begin = &gb;
	assert_int_equal(isa_conn_send(t.c, &req, NULL, 0, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(isa_fetch_open(t.c, b, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_string_equal(isa_fetch_meta(f)->id, b);
	/* two pieces: a window of requests in flight, then given up */
	assert_int_equal(isa_fetch_next(f, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(isa_fetch_next(f, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	isa_fetch_close(f);
	assert_int_equal(isa_fetch_open(t.c, b, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(t_drain(f, want, &handed, err, sizeof(err)), EXIT_OK);
	assert_int_equal(handed, size);
	isa_fetch_close(f);
	memset(&req, 0, sizeof(req));
	isa__envelope__init(&req);
	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &who;
	assert_int_equal(isa_conn_call(t.c, &req, &resp, err, sizeof(err)), 0);
	assert_int_equal(resp->body_case, ISA__ENVELOPE__BODY_WHOAMI_REPLY);
	envelope_free(resp);
	t_close(&t);
	free(want);
}

/* A fetch given up mid-way is ended at isad (TransferEnd): with room for
 * two transfers, more than two fetches closed early still open. */
static void
test_close_ends_transfer(void **state)
{
	harness_t *h = su_deploy("limits = { max_message = 1048576; "
	    "chunk = 262144; transfers = 2; };");
	char id[32], err[ISA_FETCH_ERRLEN];
	const void *p;
	size_t n;
	bool done;
	isa_fetch_t *f;
	tconn_t t;

	(void)state;
	su_put_ok(h, 4 * SU_CHUNK, 10, id);
	t_connect(h, "ctp-analyst", &t);
	for (int i = 0; i < 4; i++) {
		if (isa_fetch_open(t.c, id, &f, err, sizeof(err)) != EXIT_OK)
			fail_msg("fetch %d: %s", i, err);
		assert_int_equal(isa_fetch_next(f, &p, &n, &done, err,
		    sizeof(err)), EXIT_OK);
		isa_fetch_close(f);
	}
	t_close(&t);
	h_free(h);
}

/* isad gone mid-way: EXIT_UNREACHABLE with the connection's sentence;
 * closing does not wait for it again.  Last: isad is started again. */
static void
test_isad_gone_midway(void **state)
{
	harness_t *h = *state;
	uint64_t handed;
	char id[32], err[ISA_FETCH_ERRLEN];
	const void *p;
	size_t n;
	bool done;
	isa_fetch_t *f;
	tconn_t t;

	su_put_ok(h, 12 * SU_CHUNK, 9, id);
	t_connect(h, "ctp-analyst", &t);
	assert_int_equal(isa_fetch_open(t.c, id, &f, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(isa_fetch_next(f, &p, &n, &done, err, sizeof(err)),
	    EXIT_OK);
	h_kill9(h);
	assert_int_equal(t_drain(f, NULL, &handed, err, sizeof(err)),
	    EXIT_UNREACHABLE);
	assert_true(err[0] != '\0');
	isa_fetch_close(f);
	t_close(&t);
	h_start(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pieces_in_order),
		cmocka_unit_test(test_sha_mismatch_withholds_last),
		cmocka_unit_test(test_damaged_chunk_fails_before_last),
		cmocka_unit_test(test_recalled_midway),
		cmocka_unit_test(test_missing_like_offlist),
		cmocka_unit_test(test_connection_serves_on),
		cmocka_unit_test(test_close_ends_transfer),
		cmocka_unit_test(test_isad_gone_midway),
	};

	return cmocka_run_group_tests(tests, su_setup, su_teardown);
}
