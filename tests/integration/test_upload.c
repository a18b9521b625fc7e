/* test_upload.c: the client library's push-style upload (client/upload.h) as isa put and isa ui use it: pieces of any length, isad's retry answers, its refusals as the CLI says them, and nothing stored from an upload that did not end. */
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client/cli.h"
#include "client/conf.h"
#include "client/conn.h"
#include "client/upload.h"
#include "docs_util.h"
#include "conn_util.h"
#include "harness.h"
#include "proto/envelope.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A DocMeta as `isa put --title T --class C --to TO` makes it. */
typedef struct {
	Isa__DocMeta m;
	char *to[1];
} tmeta_t;

static void
t_meta(tmeta_t *t, const char *title, const char *cls, const char *to)
{
	isa__doc_meta__init(&t->m);
	t->to[0] = (char *)to;
	t->m.title = (char *)title;
	t->m.classification = (char *)cls;
	t->m.to = t->to;
	t->m.n_to = 1;
	t->m.filename = "upload.bin";
}

/* The file DIR/f-SEED of size bytes (its pattern), in memory. */
static uint8_t *
t_file(harness_t *h, unsigned seed, size_t size)
{
	char path[512];
	uint8_t *buf = malloc(size + 1);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/f-%u", h_dir(h), seed);
	du_make_file(path, size, seed);
	assert_non_null(buf);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(buf, 1, size + 1, fp), size);
	fclose(fp);
	return buf;
}

/* How many documents user's `isa ls --json` lists. */
static size_t
t_ls_count(harness_t *h, const char *user)
{
	h_result_t r = h_isa(h, user, ARGS("ls", "--json"));
	size_t n = 0;

	if (r.status != 0)
		fail_msg("ls: %s", r.err);
	for (const char *p = r.out; (p = strstr(p, "\"id\"")) != NULL; p++)
		n++;
	h_result_free(&r);
	return n;
}

/*
 * Pieces of any length, across chunk boundaries (the harness's chunk is
 * SU_CHUNK), make the document: isad stores it with its id and marking,
 * `isa get` returns the same bytes, and every byte was acknowledged.  An
 * empty file too.
 */
static void
test_pieces_round_trip(void **state)
{
	static const size_t cuts[] = { 1, 7, SU_CHUNK - 8, SU_CHUNK,
	    SU_CHUNK + 3, 3 * SU_CHUNK, 100 };
	harness_t *h = *state;
	size_t size = 0, at = 0;
	char err[ISA_UPLOAD_ERRLEN], id[32];
	const Isa__DocMeta *m;
	isa_upload_t *u;
	uint8_t *want;
	tmeta_t t;
	tconn_t c;

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		size += cuts[i];
	want = t_file(h, 1, size);
	t_meta(&t, "pieces", "OFFICIAL-SENSITIVE", "agency:ctpse");
	t_connect(h, "ctp-analyst", &c);
	if (isa_upload_begin(c.c, &t.m, size, "pieces", &u, err,
	    sizeof(err)) != EXIT_OK)
		fail_msg("begin: %s", err);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (isa_upload_write(u, want + at, cuts[i], err,
		    sizeof(err)) != EXIT_OK)
			fail_msg("write %zu: %s", i, err);
		at += cuts[i];
	}
	if (isa_upload_end(u, &m, err, sizeof(err)) != EXIT_OK)
		fail_msg("end: %s", err);
	assert_int_equal(isa_upload_acked(u), size);
	assert_int_equal(m->size, size);
	assert_string_equal(m->marking, "OFFICIAL-SENSITIVE RECIPIENTS ONLY");
	snprintf(id, sizeof(id), "%s", m->id);
	isa_upload_close(u);
	su_get_ok(h, id, 1);

	/* An empty file: one empty chunk. */
	free(t_file(h, 2, 0));
	assert_int_equal(isa_upload_begin(c.c, &t.m, 0, "empty", &u, err,
	    sizeof(err)), EXIT_OK);
	if (isa_upload_end(u, &m, err, sizeof(err)) != EXIT_OK)
		fail_msg("end: %s", err);
	assert_int_equal(m->size, 0);
	snprintf(id, sizeof(id), "%s", m->id);
	isa_upload_close(u);
	su_get_ok(h, id, 2);
	t_close(&c);
	free(want);
}

/*
 * A refusal at PutBegin comes back as the exit code and the sentence
 * `isa put` gives for the same options, word for word, and nothing is
 * stored: a classification isad does not know (BAD_REQUEST) and one above
 * the uploader's clearance (DENIED).
 */
static void
test_refused_at_begin(void **state)
{
	static const char *const cls[] = { "TOP SECRET", "SECRET" };
	harness_t *h = *state;
	char err[ISA_UPLOAD_ERRLEN], file[512], line[ISA_UPLOAD_ERRLEN + 8];
	size_t before = t_ls_count(h, "council-lead");

	snprintf(file, sizeof(file), "%s/f-3", h_dir(h));
	du_make_file(file, 1000, 3);
	for (size_t i = 0; i < 2; i++) {
		isa_upload_t *u = (isa_upload_t *)1;
		h_result_t r;
		tmeta_t t;
		tconn_t c;
		int code;

		t_meta(&t, "refused", cls[i], "agency:hcc");
		t_connect(h, "council-lead", &c);
		code = isa_upload_begin(c.c, &t.m, 1000, "refused", &u, err,
		    sizeof(err));
		assert_null(u);
		t_close(&c);
		r = h_isa(h, "council-lead", ARGS("put", file, "--title",
		    "refused", "--class", cls[i], "--to", "agency:hcc"));
		snprintf(line, sizeof(line), "isa: %s\n", err);
		assert_string_equal(r.err, line);
		assert_int_equal(code, r.status);
		assert_int_not_equal(code, EXIT_OK);
		h_result_free(&r);
	}
	assert_int_equal(t_ls_count(h, "council-lead"), before);
}

/* Closing an unfinished upload ends it at isad (TransferEnd): with room
 * for one transfer per user, a next upload begins at once, and nothing of
 * the one given up is stored, its staged chunks deleted. */
static void
test_close_abandons(void **state)
{
	harness_t *h = su_deploy("limits = { max_message = 1048576; "
	    "chunk = 262144; transfers_per_user = 1; };");
	char err[ISA_UPLOAD_ERRLEN];
	uint8_t *data;
	isa_upload_t *u;
	tmeta_t t;
	tconn_t c;

	(void)state;
	data = t_file(h, 4, 6 * SU_CHUNK);
	t_meta(&t, "given up", "OFFICIAL-SENSITIVE", "agency:ctpse");
	t_connect(h, "ctp-analyst", &c);
	for (int i = 0; i < 3; i++) {
		if (isa_upload_begin(c.c, &t.m, 6 * SU_CHUNK, "given up", &u,
		    err, sizeof(err)) != EXIT_OK)
			fail_msg("begin %d: %s", i, err);
		assert_int_equal(isa_upload_write(u, data, 3 * SU_CHUNK + 5,
		    err, sizeof(err)), EXIT_OK);
		isa_upload_close(u);
	}
	t_close(&c);
	assert_int_equal(t_ls_count(h, "ctp-analyst"), 0);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(su_count(h, STORE_CHUNKS), 0);
	assert_int_equal(su_count(h, STORE_DOCS), 0);
	h_free(h);
	free(data);
}

/* More bytes than announced, or fewer at the end: EXIT_ERROR with the
 * sentence, the same failure again on any later call, nothing stored. */
static void
test_wrong_length(void **state)
{
	harness_t *h = *state;
	char err[ISA_UPLOAD_ERRLEN], again[ISA_UPLOAD_ERRLEN];
	size_t before = t_ls_count(h, "ctp-analyst");
	const Isa__DocMeta *m;
	uint8_t *data = t_file(h, 5, 2 * SU_CHUNK);
	isa_upload_t *u;
	tmeta_t t;
	tconn_t c;

	t_meta(&t, "length", "OFFICIAL-SENSITIVE", "agency:ctpse");
	t_connect(h, "ctp-analyst", &c);
	assert_int_equal(isa_upload_begin(c.c, &t.m, SU_CHUNK + 10, "length",
	    &u, err, sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, SU_CHUNK, err,
	    sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, 11, err, sizeof(err)),
	    EXIT_ERROR);
	assert_string_equal(err, "more than the 262154 bytes announced came: "
	    "nothing was stored");
	assert_int_equal(isa_upload_end(u, &m, again, sizeof(again)),
	    EXIT_ERROR);
	assert_null(m);
	assert_string_equal(again, err);
	isa_upload_close(u);

	assert_int_equal(isa_upload_begin(c.c, &t.m, 2 * SU_CHUNK, "length",
	    &u, err, sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, SU_CHUNK + 1, err,
	    sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_end(u, &m, err, sizeof(err)), EXIT_ERROR);
	assert_string_equal(err, "the upload ended after 262145 of the 524288 "
	    "bytes announced: nothing was stored");
	assert_int_equal(isa_upload_write(u, data, 1, again, sizeof(again)),
	    EXIT_ERROR);
	assert_string_equal(again, err);
	isa_upload_close(u);
	t_close(&c);
	assert_int_equal(t_ls_count(h, "ctp-analyst"), before);
	free(data);
}

/*
 * Back-pressure: with room in transit for one chunk per user
 * (limits.content_queued_per_user), every chunk pipelined after the first
 * is answered "send it again" until the one before it is stored.  The
 * upload waits, sends its chunks again from the ring, and the document
 * is whole.
 */
static void
test_retry_resends(void **state)
{
	harness_t *h = su_deploy("limits = { max_message = 1048576; "
	    "chunk = 262144; content_queued = 4194304; "
	    "content_queued_per_user = 262144; };");
	uint64_t size = 20 * SU_CHUNK + 99;
	char err[ISA_UPLOAD_ERRLEN], id[32];
	const Isa__DocMeta *m;
	isa_upload_t *u;
	uint8_t *data;
	tmeta_t t;
	tconn_t c;

	(void)state;
	data = t_file(h, 7, size);
	t_meta(&t, "waited", "OFFICIAL-SENSITIVE", "agency:ctpse");
	t_connect(h, "ctp-analyst", &c);
	if (isa_upload_begin(c.c, &t.m, size, "waited", &u, err,
	    sizeof(err)) != EXIT_OK)
		fail_msg("begin: %s", err);
	for (uint64_t at = 0; at < size; at += 65536) {
		size_t n = size - at < 65536 ? (size_t)(size - at) : 65536;

		if (isa_upload_write(u, data + at, n, err, sizeof(err)) !=
		    EXIT_OK)
			fail_msg("write: %s", err);
	}
	if (isa_upload_end(u, &m, err, sizeof(err)) != EXIT_OK)
		fail_msg("end: %s", err);
	assert_true(isa_upload_waits(u) > 0);
	snprintf(id, sizeof(id), "%s", m->id);
	isa_upload_close(u);
	t_close(&c);
	su_get_ok(h, id, 7);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
	free(data);
}

/* What interrupts an upload from another thread (isa ui stopping). */
typedef struct {
	isa_conn_t *c;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool go;
} stopper_t;

static void *
stopper(void *arg)
{
	stopper_t *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->go)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	isa_conn_interrupt(s->c);
	return NULL;
}

/*
 * An upload waiting for isad's acknowledgements (isad stopped, a minute's
 * timeout) is interrupted from another thread: it ends with the
 * interruption's sentence (not the timeout's), EXIT_UNREACHABLE, and
 * nothing is stored.
 */
static void
test_interrupted(void **state)
{
	harness_t *h = *state;
	uint64_t size = 24 * SU_CHUNK;
	char err[ISA_UPLOAD_ERRLEN];
	const Isa__DocMeta *m;
	stopper_t s = { .mu = PTHREAD_MUTEX_INITIALIZER,
	    .cv = PTHREAD_COND_INITIALIZER };
	size_t before = t_ls_count(h, "ctp-analyst");
	uint8_t *data = t_file(h, 8, size);
	isa_upload_t *u;
	pthread_t th;
	tmeta_t t;
	tconn_t c;
	int code;

	t_meta(&t, "interrupted", "OFFICIAL-SENSITIVE", "agency:ctpse");
	t_connect(h, "ctp-analyst", &c);
	isa_conn_close(c.c);
	c.conf.timeout_ms = 60000;
	assert_int_equal(isa_conn_open(&c.conf, &c.c, err, sizeof(err)), 0);
	if (isa_upload_begin(c.c, &t.m, size, "interrupted", &u, err,
	    sizeof(err)) != EXIT_OK)
		fail_msg("begin: %s", err);
	s.c = c.c;
	assert_int_equal(pthread_create(&th, NULL, stopper, &s), 0);
	assert_int_equal(kill(h_isad_pid(h), SIGSTOP), 0);
	pthread_mutex_lock(&s.mu);
	s.go = true;
	pthread_cond_signal(&s.cv);
	pthread_mutex_unlock(&s.mu);
	/* More than a window: this waits for acknowledgements. */
	code = isa_upload_write(u, data, size, err, sizeof(err));
	if (code == EXIT_OK)
		code = isa_upload_end(u, &m, err, sizeof(err));
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(code, EXIT_UNREACHABLE);
	assert_non_null(strstr(err, "stopping"));
	isa_upload_close(u);
	t_close(&c);
	assert_int_equal(kill(h_isad_pid(h), SIGCONT), 0);
	assert_int_equal(t_ls_count(h, "ctp-analyst"), before);
	free(data);
}

/* isad killed mid-way: EXIT_UNREACHABLE with the connection's sentence,
 * closing does not wait for it again, and isad started again holds no
 * document and no staged chunk of it.  Last: isad is started again. */
static void
test_isad_gone_midway(void **state)
{
	harness_t *h = *state;
	char err[ISA_UPLOAD_ERRLEN];
	size_t before = t_ls_count(h, "ctp-analyst");
	const Isa__DocMeta *m;
	uint8_t *data = t_file(h, 9, 8 * SU_CHUNK);
	isa_upload_t *u;
	tmeta_t t;
	tconn_t c;
	int code;

	t_meta(&t, "gone", "OFFICIAL-SENSITIVE", "agency:ctpse");
	t_connect(h, "ctp-analyst", &c);
	assert_int_equal(isa_upload_begin(c.c, &t.m, 8 * SU_CHUNK, "gone", &u,
	    err, sizeof(err)), EXIT_OK);
	assert_int_equal(isa_upload_write(u, data, 2 * SU_CHUNK, err,
	    sizeof(err)), EXIT_OK);
	h_kill9(h);
	code = isa_upload_write(u, data, 6 * SU_CHUNK, err, sizeof(err));
	if (code == EXIT_OK)
		code = isa_upload_end(u, &m, err, sizeof(err));
	assert_int_equal(code, EXIT_UNREACHABLE);
	assert_true(err[0] != '\0');
	isa_upload_close(u);
	t_close(&c);
	h_start(h);
	assert_int_equal(t_ls_count(h, "ctp-analyst"), before);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pieces_round_trip),
		cmocka_unit_test(test_refused_at_begin),
		cmocka_unit_test(test_close_abandons),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_retry_resends),
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_isad_gone_midway),
	};

	return cmocka_run_group_tests(tests, su_setup, su_teardown);
}
