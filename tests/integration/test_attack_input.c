/* test_attack_input.c: oversized and dirty strings refused before anything is kept, recorded without their bytes; audit reads always progress and always leave a record (issue 14: 1, 5, 8, 11). */
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
#include <zmq.h>

#include "daemon/audit/audit.h"
#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/envelope.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define HUGE_ID 2200000		/* the attack's document id, in bytes */

static int
setup(void **state)
{
	/* A 4 MiB message, as deployed: room for the attack's 2.2 MB id. */
	harness_t *h = h_new_conf("limits = { max_message = 4194304; "
	    "chunk = 1048576; };");

	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_start(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

static char *
filled(size_t n, char ch)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

/* `isa ARGS --config USER's` under timeout(1): a client that never returns
 * fails the test (status 124) instead of hanging it. */
static h_result_t
isa_timed(harness_t *h, const char *user, const char *const *args)
{
	const char *argv[32];
	size_t n = 0;

	argv[n++] = "/usr/bin/timeout";
	argv[n++] = "120";
	argv[n++] = getenv("ISA_BIN");
	for (size_t i = 0; args[i] != NULL && n < 28; i++)
		argv[n++] = args[i];
	argv[n++] = "--config";
	argv[n++] = h_client_conf(h, user);
	argv[n] = NULL;
	return h_run(argv);
}

static void
expect(harness_t *h, const char *user, const char *const *args, int status,
    const char *want)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != status || strstr(r.err, want) == NULL)
		fail_msg("isa %s: %d \"%s\" (wanted %d \"%s\")", args[0],
		    r.status, r.err, status, want);
	/* the refusal never echoes what it refused */
	assert_null(strchr(r.err, '\x1b'));
	assert_null(strstr(r.err, "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"));
	h_result_free(&r);
}

static size_t
count_lines(const char *s, const char *a, const char *b)
{
	size_t n = 0;

	for (const char *p = s; p != NULL && *p != '\0';) {
		const char *e = strchr(p, '\n');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, len);

		n += strstr(line, a) != NULL && (b == NULL ||
		    strstr(line, b) != NULL);
		free(line);
		p = e != NULL ? e + 1 : NULL;
	}
	return n;
}

static size_t
ls_count(harness_t *h, const char *user)
{
	h_result_t r = h_isa(h, user, ARGS("ls"));
	size_t n;

	assert_int_equal(r.status, 0);
	n = count_lines(r.out, "\t", NULL);
	h_result_free(&r);
	return n;
}

/* Every bound: over-long title, handling, principal, reason and id are
 * BAD_REQUEST naming the field, nothing is stored, and the record says
 * "malformed" with the length. */
static void
test_overlong_strings_refused(void **state)
{
	harness_t *h = *state;
	char file[512], id[32], *title = filled(257, 'T');
	char *handling = filled(4097, 'T'), *reason = filled(1025, 'T');
	char *principal = filled(129, 'T'), *longid = filled(27, 'T');
	char to[160];
	h_result_t r;
	size_t before;

	snprintf(file, sizeof(file), "%s/brief.txt", h_dir(h));
	du_make_file(file, 1000, 1);
	memcpy(principal, "user:", 5);
	snprintf(to, sizeof(to), "%s", principal);
	before = ls_count(h, "ctp-analyst");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", title, "--class",
	    "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the title is longer than the 256 bytes isad accepts");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "ok", "--class",
	    "SECRET", "--handling", handling, "--to", "agency:hcc"), 1,
	    "the handling text is longer than the 4096 bytes");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "ok", "--class",
	    "OFFICIAL", "--to", to), 1,
	    "a --to principal is longer than the 128 bytes");
	assert_int_equal(ls_count(h, "ctp-analyst"), before);

	assert_int_equal(du_put(h, "ctp-analyst", file, "fine", "OFFICIAL",
	    "agency:ctpse", NULL, id, NULL), 0);
	expect(h, "ctp-analyst", ARGS("share", id, "--to", "agency:hcc",
	    "--reason", reason), 1, "the reason is longer than the 1024 bytes");
	expect(h, "ctp-analyst", ARGS("share", id, "--to", to, "--reason",
	    "case conference"), 1, "the --to principal is longer than the 128");
	expect(h, "ctp-analyst", ARGS("recall", id, "--reason", reason), 1,
	    "the reason is longer than the 1024 bytes");
	expect(h, "ctp-analyst", ARGS("info", longid), 1,
	    "the document id \"TTTTTTTTTTTTTTTTTTTTTTTTTTT\" is malformed");
	expect(h, "council-lead", ARGS("approve", longid), 1,
	    "the request id \"TTTTTTTTTTTTTTTTTTTTTTTTTTT\" is malformed");
	/* nothing kept: one document, still active, no share granted */
	assert_int_equal(ls_count(h, "ctp-analyst"), before + 1);
	assert_int_equal(ls_count(h, "council-lead"), 0);

	r = h_isa(h, "auditor", ARGS("audit", "--decision", "error", "--json"));
	assert_int_equal(r.status, 0);
	assert_int_equal(count_lines(r.out, "\"reason\":\"malformed:title:257\"",
	    "\"action\":\"put\""), 1);
	assert_int_equal(count_lines(r.out,
	    "\"reason\":\"malformed:handling:4097\"", NULL), 1);
	assert_int_equal(count_lines(r.out, "\"reason\":\"malformed:to:129\"",
	    "\"action\":\"put\""), 1);
	assert_int_equal(count_lines(r.out, "\"reason\":\"malformed:to:129\"",
	    "\"target\":\"malformed:129\""), 1);
	assert_int_equal(count_lines(r.out, "\"reason\":\"malformed:reason:1025\"",
	    id), 2);
	assert_int_equal(count_lines(r.out, "\"doc\":\"malformed:27\"",
	    "\"action\":\"info\""), 1);
	assert_int_equal(count_lines(r.out,
	    "\"doc\":\"request:malformed:27\"", "\"action\":\"approve\""), 1);
	assert_null(strstr(r.out, "TTTTTTTT"));
	h_result_free(&r);
	free(title);
	free(handling);
	free(reason);
	free(principal);
	free(longid);
}

/* Finding 11: the marking line cannot be forged through isad. */
static void
test_control_characters_refused(void **state)
{
	harness_t *h = *state;
	char file[512], dirty[512], id[32];
	size_t before = ls_count(h, "ctp-analyst");

	snprintf(file, sizeof(file), "%s/clean.txt", h_dir(h));
	du_make_file(file, 100, 2);
	snprintf(dirty, sizeof(dirty), "%s/bad\x1b[2Kname.txt", h_dir(h));
	du_make_file(dirty, 100, 3);
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "Threat",
	    "--class", "SECRET", "--handling",
	    "\r\x1b[1A\x1b[2KOFFICIAL FOR PUBLIC RELEASE", "--to", "agency:hcc"),
	    1, "the handling text holds a control character");
	expect(h, "ctp-analyst", ARGS("put", file, "--title",
	    "x\x1b[2KOFFICIAL", "--class", "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the title holds a control character");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "two\nlines",
	    "--class", "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the title holds a control character");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "C1 \xc2\x9b" "2K",
	    "--class", "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the title holds a control character");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "bad \xff utf-8",
	    "--class", "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the title is not valid UTF-8 text");
	expect(h, "ctp-analyst", ARGS("put", dirty, "--title", "ok", "--class",
	    "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the file name holds a control character");
	assert_int_equal(ls_count(h, "ctp-analyst"), before);
	assert_int_equal(du_put(h, "ctp-analyst", file, "clean", "OFFICIAL",
	    "agency:ctpse", NULL, id, NULL), 0);
	expect(h, "ctp-analyst", ARGS("share", id, "--to", "agency:hcc",
	    "--reason", "why\rnot"), 1, "the reason holds a control character");
	expect(h, "ctp-analyst", ARGS("recall", id, "--reason", "\x1b]0;x\x07"),
	    1, "the reason holds a control character");
	assert_int_equal(ls_count(h, "council-lead"), 0);
	assert_int_equal(ls_count(h, "ctp-analyst"), before + 1);
}

/* A raw client: one request, its reply (frame 0) decoded. */
static Isa__Envelope *
raw_call(void *s, Isa__Envelope *req)
{
	static uint8_t reply[8 << 20];
	uint8_t *buf;
	size_t len;
	int n;

	assert_int_equal(envelope_encode(req, &buf, &len), 0);
	assert_int_equal(h_send(s, buf, len, 0), 0);
	free(buf);
	n = h_recv(s, reply, sizeof(reply), 30000);
	assert_true(n > 0 && (size_t)n <= sizeof(reply));
	return isa__envelope__unpack(NULL, (size_t)n, reply);
}

static const char *
export_to(harness_t *h, const char *name)
{
	static char path[512];
	h_result_t r;
	const char *const args[] = { "audit", "export", "-o", path, "--force",
	    NULL };

	snprintf(path, sizeof(path), "%s/%s", h_dir(h), name);
	r = isa_timed(h, "auditor", args);
	if (r.status != 0)
		fail_msg("export: %d %s", r.status, r.err);
	h_result_free(&r);
	return path;
}

static void
verify_ok(harness_t *h, const char *file)
{
	char key[512];
	h_result_t r;

	snprintf(key, sizeof(key), "%s/audit.pub.pem", h_data_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", file, "--key",
	    key));
	if (r.status != 0)
		fail_msg("verify: %s", r.err);
	h_result_free(&r);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return s;
}

/* Finding 5: a 2.2 MB document id in a share request is recorded as
 * malformed with its length, and the log stays readable. */
static void
test_huge_id_recorded_as_malformed(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new(), *s = h_dealer(h, ctx, "council-lead");
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__ShareRequest sr = ISA__SHARE_REQUEST__INIT;
	char *big = filled(HUGE_ID, 'A');
	const char *path;
	size_t len;
	char *text;
	h_result_t r;

	req.version = 1;
	req.request_id = 77;
	req.body_case = ISA__ENVELOPE__BODY_SHARE;
	req.share = &sr;
	sr.id = big;
	sr.to = "agency:hcc";
	sr.reason = "case conference";
	resp = raw_call(s, &req);
	assert_non_null(resp);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_string_equal(resp->message, "the document id is malformed: ids "
	    "are 26 characters of A-Z and 2-7");
	isa__envelope__free_unpacked(resp, NULL);
	zmq_close(s);
	zmq_ctx_term(ctx);

	path = export_to(h, "huge.jsonl");
	text = slurp(path, &len);
	assert_true(len < 200000);	/* not the 2.2 MB */
	assert_int_equal(count_lines(text, "\"doc\":\"malformed:2200000\"",
	    "\"reason\":\"malformed:id:2200000\""), 1);
	assert_int_equal(count_lines(text, "\"action\":\"share\"",
	    "\"target\":\"agency:hcc\""), 1);
	free(text);
	verify_ok(h, path);
	r = isa_timed(h, "auditor", ARGS("audit", "--user", "council-lead"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "malformed:2200000"));
	h_result_free(&r);
	free(big);
}

/* Finding 5, an old log: records the attack left (one over half a message,
 * one over a whole message) do not stop queries or exports. */
static void
test_old_log_big_records_make_progress(void **state)
{
	harness_t *h = *state;
	static const size_t sizes[] = { HUGE_ID, 4500000 };
	store_t *st = NULL;
	store_txn_t *t = NULL;
	const char *path;
	char err[256], *line;
	h_result_t r;
	uint64_t before;

	assert_int_equal(h_stop(h), 0);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &st, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	assert_int_equal(audit_size(t, &before), 0);
	for (size_t i = 0; i < 2; i++) {
		char *doc = filled(sizes[i], 'B');
		audit_entry_t e = { .actor = "council-lead", .agency = "hcc",
		    .action = "share", .doc = doc, .target = "agency:hcc",
		    .decision = "error", .reason = "bad_request" };

		assert_int_equal(audit_append(t, &e, 1767225600000, NULL), 0);
		free(doc);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(st);
	h_start(h);

	r = isa_timed(h, "auditor", ARGS("audit", "--user", "council-lead",
	    "--action", "share", "--csv"));
	assert_int_equal(r.status, 0);
	assert_int_equal(count_lines(r.out, "BBBBBBBBBBBBBBBB", NULL), 2);
	h_result_free(&r);
	r = isa_timed(h, "auditor", ARGS("audit", "--json"));
	assert_int_equal(r.status, 0);
	line = strstr(r.out, "\"seq\":");
	assert_non_null(line);
	assert_true(count_lines(r.out, "\"seq\":", NULL) > before + 2);
	h_result_free(&r);
	path = export_to(h, "old.jsonl");
	verify_ok(h, path);
}

static uint64_t
raw_checkpoint(void *s, bool export)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__AuditCheckpointRequest cr = ISA__AUDIT_CHECKPOINT_REQUEST__INIT;
	uint64_t size;

	req.version = 1;
	req.body_case = ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT;
	req.audit_checkpoint = &cr;
	cr.export = export;
	resp = raw_call(s, &req);
	assert_int_equal(resp->status, ISA__STATUS__OK);
	size = resp->audit_checkpoint_reply->size;
	isa__envelope__free_unpacked(resp, NULL);
	return size;
}

static Isa__Status
raw_page(void *s, uint64_t upto, size_t *n)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	Isa__Status st;

	req.version = 1;
	req.body_case = ISA__ENVELOPE__BODY_AUDIT_QUERY;
	req.audit_query = &q;
	q.upto = upto;
	resp = raw_call(s, &req);
	st = resp->status;
	*n = st == ISA__STATUS__OK ? resp->audit_records->n_records : 0;
	if (st != ISA__STATUS__OK)
		assert_non_null(strstr(resp->message, "run isa audit export"));
	isa__envelope__free_unpacked(resp, NULL);
	return st;
}

/* Finding 8: no export page leaves without a durable audit.export record
 * first, one per export. */
static void
test_export_pages_need_recorded_export(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new(), *s = h_dealer(h, ctx, "auditor"), *s2;
	uint64_t size, plain;
	size_t n;
	char want[64];
	h_result_t r;

	/* pages straight away, or after a plain checkpoint: refused */
	assert_int_equal(raw_page(s, 3, &n), ISA__STATUS__BAD_REQUEST);
	plain = raw_checkpoint(s, false);
	assert_int_equal(raw_page(s, plain, &n), ISA__STATUS__BAD_REQUEST);
	/* an export recorded: its pages, of exactly its size, on this
	 * connection only */
	size = raw_checkpoint(s, true);
	assert_int_equal(raw_page(s, size, &n), ISA__STATUS__OK);
	assert_true(n > 0);
	assert_int_equal(raw_page(s, size + 1, &n), ISA__STATUS__BAD_REQUEST);
	s2 = h_dealer(h, ctx, "auditor");
	assert_int_equal(raw_page(s2, size, &n), ISA__STATUS__BAD_REQUEST);
	zmq_close(s2);
	zmq_close(s);
	zmq_ctx_term(ctx);
	(void)export_to(h, "one.jsonl");

	r = h_isa(h, "auditor", ARGS("audit", "--action", "audit.export",
	    "--json"));
	assert_int_equal(r.status, 0);
	/* two exports, two records, each the first after its checkpoint */
	assert_int_equal(count_lines(r.out, "\"decision\":\"permit\"", NULL), 2);
	snprintf(want, sizeof(want), "\"seq\":%llu,", (unsigned long long)size);
	assert_int_equal(count_lines(r.out, want, "\"decision\":\"permit\""), 1);
	/* and the four refused pages are on the record too */
	assert_int_equal(count_lines(r.out, "\"reason\":\"no_export\"", NULL), 4);
	h_result_free(&r);
}


/* The bounds the CLI cannot reach (a 256-byte file name, 501 recipients),
 * and limits taken from isad.conf. */
static void
test_raw_bounds_and_configured_limits(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new(), *s = h_dealer(h, ctx, "ctp-analyst");
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	char **to = calloc(501, sizeof(char *)), *name = filled(256, 'n');
	char file[512];

	for (size_t i = 0; i < 501; i++)
		to[i] = "agency:hcc";
	req.version = 1;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	pb.meta = &m;
	pb.size = 10;
	m.title = "raw";
	m.classification = "OFFICIAL";
	m.to = to;
	m.n_to = 501;
	resp = raw_call(s, &req);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_string_equal(resp->message, "too many --to principals: isad "
	    "accepts at most 500");
	isa__envelope__free_unpacked(resp, NULL);
	m.n_to = 1;
	m.filename = name;
	resp = raw_call(s, &req);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_string_equal(resp->message, "the file name is longer than the "
	    "255 bytes isad accepts; shorten it");
	isa__envelope__free_unpacked(resp, NULL);
	m.filename[255] = '\0';
	resp = raw_call(s, &req);	/* at the bound: accepted */
	assert_int_equal(resp->status, ISA__STATUS__OK);
	isa__envelope__free_unpacked(resp, NULL);
	zmq_close(s);
	zmq_ctx_term(ctx);

	/* the operator's limits hold */
	assert_int_equal(h_stop(h), 0);
	h_set_conf(h, "limits = { max_message = 4194304; chunk = 1048576; "
	    "max_title = 16; max_recipients = 1; };");
	h_start(h);
	snprintf(file, sizeof(file), "%s/small.txt", h_dir(h));
	du_make_file(file, 10, 4);
	expect(h, "ctp-analyst", ARGS("put", file, "--title",
	    "seventeen bytes!!", "--class", "OFFICIAL", "--to", "agency:hcc"), 1,
	    "the title is longer than the 16 bytes isad accepts");
	expect(h, "ctp-analyst", ARGS("put", file, "--title", "ok", "--class",
	    "OFFICIAL", "--to", "agency:hcc", "--to", "agency:ctpse"), 1,
	    "too many --to principals: isad accepts at most 1");
	free(to);
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overlong_strings_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_characters_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_huge_id_recorded_as_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_old_log_big_records_make_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_export_pages_need_recorded_export, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_raw_bounds_and_configured_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
