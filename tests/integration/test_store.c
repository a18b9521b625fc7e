/* test_store.c: the store under faults: a damaged chunk, a document record in a state isad does not know, kill -9 mid-upload, a commit that fails mid-upload, a full map, the size limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/store/records.pb-c.h"
#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/docid.h"
#include "proto/sha256.h"
#include "raw.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

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

	su_put_ok(h, 3 * SU_CHUNK + 5, 1, id);
	assert_int_equal(h_stop(h), 0);
	/* Flip one bit in the middle of the second chunk. */
	assert_int_equal(docid_parse(id, key), 0);
	key[DOCID_LEN + 7] = 1;
	s = su_store_open(h);
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

/*
 * A document record whose state is none isad knows (damage, or a newer
 * isad's word) is a damaged record: as any undecodable record, it is
 * answered as nothing there (get and info: not found, exit 3; ls leaves
 * it out), with a line in isad's log for the operator, and the other
 * documents still read.
 */
static void
test_unknown_state_is_damage(void **state)
{
	harness_t *h = *state;
	uint8_t key[DOCID_LEN];
	char good[32], bad[32];
	Isad__StoredDoc *rec;
	char *was;
	store_t *s;
	store_txn_t *t;
	const void *v;
	size_t len;
	uint8_t *buf;
	h_result_t r;

	su_put_ok(h, 100, 7, good);
	su_put_ok(h, 100, 8, bad);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(docid_parse(bad, key), 0);
	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_get(t, STORE_DOCS, key, sizeof(key), &v, &len),
	    0);
	rec = isad__stored_doc__unpack(NULL, len, v);
	assert_non_null(rec);
	assert_string_equal(rec->state, "active");
	was = rec->state;
	rec->state = "bogus";
	buf = malloc(isad__stored_doc__get_packed_size(rec));
	len = isad__stored_doc__pack(rec, buf);
	rec->state = was;
	isad__stored_doc__free_unpacked(rec, NULL);
	assert_int_equal(store_put(t, STORE_DOCS, key, sizeof(key), buf, len),
	    0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	free(buf);

	h_start(h);
	r = h_isa(h, "ctp-analyst", ARGS("get", bad));
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "no document"));
	assert_int_equal(r.out[0], '\0');
	h_result_free(&r);
	assert_true(h_wait_log(h, "a stored document record is damaged"));
	r = h_isa(h, "ctp-analyst", ARGS("info", bad));
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "no document"));
	h_result_free(&r);
	r = h_isa(h, "ctp-analyst", ARGS("ls"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, good));
	assert_null(strstr(r.out, bad));
	h_result_free(&r);
	su_get_ok(h, good, 7);
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
	static uint8_t chunk[SU_CHUNK];
	uint8_t transfer[16], sha[SHA256_LEN];
	char fault[512];
	sha256_t *all;
	Isa__Envelope *resp;
	h_result_t res;
	raw_t r;

	(void)state;
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	all = sha256_new();
	assert_non_null(all);
	h = h_new_conf(NULL);
	snprintf(fault, sizeof(fault), "%s/fault", h_dir(h));
	setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	h_user(h, "ctp-analyst", "ctpse", "SC", NULL);
	h_start(h);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	r = raw_open(h, "ctp-analyst");
	raw_upload_begin(&r, 3 * SU_CHUNK, transfer);
	for (uint64_t i = 0; i < 3; i++) {
		memset(chunk, (int)i + 1, sizeof(chunk));
		sha256_update(all, chunk, sizeof(chunk));
		if (i == 1)
			h_write_file(fault, "", 0644);
		assert_int_equal(raw_upload_chunk(&r, transfer, i, chunk,
		    SU_CHUNK),
		    i == 1 ? ISA__STATUS__UNAVAILABLE : ISA__STATUS__OK);
		unlink(fault);
	}
	sha256_final(all, sha);
	sha256_free(all);
	resp = raw_upload_end(&r, transfer, sha);
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
	assert_int_equal(su_count(h, STORE_CHUNKS), 0);
	assert_int_equal(su_count(h, STORE_DOCS), 0);
	h_free(h);
}

static void
test_kill9_mid_upload(void **state)
{
	harness_t *h = *state;
	static uint8_t chunk[SU_CHUNK];
	uint8_t transfer[16];
	raw_t r = raw_open(h, "ctp-analyst");
	char id[32];
	h_result_t res;

	raw_upload_begin(&r, 10 * SU_CHUNK, transfer);
	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(raw_upload_chunk(&r, transfer, i, chunk,
		    SU_CHUNK),
		    ISA__STATUS__OK);
	raw_close(&r);
	h_kill9(h);
	assert_int_equal(su_count(h, STORE_CHUNKS), 3);	/* staged, invisible */
	assert_int_equal(su_count(h, STORE_UPLOADS), 1);	/* marked */
	assert_int_equal(su_count(h, STORE_DOCS), 0);
	h_start(h);
	assert_true(h_wait_log(h, "deleted the chunks of 1 upload(s)"));
	res = h_isa(h, "ctp-analyst", ARGS("ls"));
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "");
	h_result_free(&res);
	su_put_ok(h, SU_CHUNK + 9, 2, id);	/* and it serves */
	su_get_ok(h, id, 2);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(su_count(h, STORE_CHUNKS), 2);
	assert_int_equal(su_count(h, STORE_UPLOADS), 0);	/* stored */
}

/* Chunks a schema-2 isad left behind (no mark: it walked every chunk at
 * start) are marked by the upgrade and swept by the same start. */
static void
test_schema2_cut_upload_swept(void **state)
{
	harness_t *h = *state;
	static uint8_t chunk[SU_CHUNK];
	uint8_t transfer[16], two[4] = { 0, 0, 0, 2 };
	raw_t r = raw_open(h, "ctp-analyst");
	char id[32];
	store_txn_t *t;
	store_t *s;

	su_put_ok(h, 5000, 3, id);
	raw_upload_begin(&r, 10 * SU_CHUNK, transfer);
	for (uint64_t i = 0; i < 2; i++)
		assert_int_equal(raw_upload_chunk(&r, transfer, i, chunk,
		    SU_CHUNK), ISA__STATUS__OK);
	raw_close(&r);
	h_kill9(h);
	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del_prefix(t, STORE_UPLOADS, "", 0), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, two, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	assert_int_equal(su_count(h, STORE_CHUNKS), 3);
	h_start(h);
	assert_true(h_wait_log(h, "deleted the chunks of 1 upload(s)"));
	su_get_ok(h, id, 3);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(su_count(h, STORE_CHUNKS), 1);
	assert_int_equal(su_count(h, STORE_UPLOADS), 0);
}

static void
test_too_large(void **state)
{
	harness_t *h;
	char in[512];
	h_result_t r;

	(void)state;
	h = su_deploy("limits = { max_message = 1048576; chunk = 262144; "
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
	h = su_deploy("limits = { max_message = 1048576; chunk = 262144; };\n"
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
	su_put_ok(h, 1000, 5, id);
	su_get_ok(h, id, 5);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_state_is_damage,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_corrupted_chunk_detected,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_schema2_cut_upload_swept,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_kill9_mid_upload,
		    su_setup, su_teardown),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_full_map),
		cmocka_unit_test(test_upload_missing_a_chunk_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
