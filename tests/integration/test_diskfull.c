/* test_diskfull.c: a data dir on a full disk: told as a full disk to the user and in the log, a real I/O error stays one, and the requests turned away meanwhile are recorded once commits resume, before anything newer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "docs_util.h"
#include "harness.h"
#include "raw.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define DISK_BYTES (24u << 20)
#define TRIES_MAX 100000	/* requests to use up what the disk has left */

/*
 * A deployment whose data dir is on a 24 MiB tmpfs, with (when fault is
 * not NULL) the test build's commit fault file; started after the disk is
 * filled to leave bytes free when leave is not 0.  NULL when this test
 * cannot mount a tmpfs (the caller skips).
 */
static harness_t *
deploy(size_t leave, const char *fault_name, char *fault, size_t cap)
{
	harness_t *h = h_new_conf("limits = { max_message = 1048576; "
	    "chunk = 262144; };");

	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	if (!su_small_disk(h, DISK_BYTES)) {
		h_free(h);
		return NULL;
	}
	if (leave > 0)
		su_fill(h, leave);
	if (fault_name != NULL) {
		snprintf(fault, cap, "%s/%s", h_dir(h), fault_name);
		setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	}
	h_start(h);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	return h;
}

static void
finish(harness_t *h)
{
	assert_int_equal(h_stop(h), 0);
	su_small_disk_release(h);
	h_free(h);
}

/* "the disk holding DATA_DIR is full (" */
static const char *
disk_full_words(harness_t *h)
{
	static char want[600];

	snprintf(want, sizeof(want), "the disk holding %s is full (",
	    h_data_dir(h));
	return want;
}

/*
 * An upload bigger than what is left: the user and the log are told the
 * disk is full, with the bytes free, not an I/O error; isad goes on
 * serving what fits, and takes the upload once space is back.
 */
static void
test_full_disk_told(void **state)
{
	harness_t *h;
	char in[512], out[512], id[32], *log;
	h_result_t r;

	(void)state;
	if ((h = deploy(0, NULL, NULL, 0)) == NULL)
		skip();
	su_fill(h, 0);
	snprintf(in, sizeof(in), "%s/big", h_dir(h));
	snprintf(out, sizeof(out), "%s/big.out", h_dir(h));
	du_make_file(in, 8u << 20, 4);
	assert_int_equal(du_put(h, "ctp-analyst", in, "big", "OFFICIAL",
	    "agency:ctpse", NULL, NULL, &r), 5);
	assert_non_null(strstr(r.err, disk_full_words(h)));
	assert_non_null(strstr(r.err, " bytes free): nothing was changed"));
	assert_null(strstr(r.err, "input/output"));
	h_result_free(&r);
	assert_true(h_wait_log(h, "the store cannot commit: the disk holding"));
	log = h_isad_log(h);
	assert_non_null(strstr(log, disk_full_words(h)));
	assert_null(strstr(log, "input/output"));
	free(log);
	r = h_isa(h, "ctp-analyst", ARGS("whoami"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	su_unfill(h);
	assert_int_equal(du_put(h, "ctp-analyst", in, "big", "OFFICIAL",
	    "agency:ctpse", NULL, id, &r), 0);
	h_result_free(&r);
	r = du_get(h, "ctp-analyst", id, out);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_true(du_same_file(in, out));
	finish(h);
}

/* A commit that fails with room on the disk is an I/O error, said so. */
static void
test_io_error_stays_io_error(void **state)
{
	harness_t *h;
	char fault[512], *log;
	h_result_t r;

	(void)state;
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	if ((h = deploy(0, "fault", fault, sizeof(fault))) == NULL)
		skip();
	h_write_file(fault, "", 0644);
	r = h_isa(h, "ctp-analyst", ARGS("whoami"));
	assert_int_equal(r.status, 5);
	assert_non_null(strstr(r.err, "isad could not record this, because "
	    "input/output error: nothing was changed"));
	assert_null(strstr(r.err, "disk"));
	h_result_free(&r);
	assert_true(h_wait_log(h, "the store cannot commit: input/output "
	    "error"));
	log = h_isad_log(h);
	assert_null(strstr(log, "the disk holding"));
	free(log);
	unlink(fault);
	finish(h);
}

/* A request of action by raw's user; its status (and message into msg). */
static Isa__Status
ask(raw_t *r, Isa__Envelope__BodyCase what, char *msg, size_t cap)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__WhoAmIRequest who = ISA__WHO_AM_IREQUEST__INIT;
	Isa__ListRequest list = ISA__LIST_REQUEST__INIT;
	Isa__Status st;

	req.request_id = 1;
	req.body_case = what;
	if (what == ISA__ENVELOPE__BODY_WHOAMI)
		req.whoami = &who;
	else
		req.list = &list;
	resp = raw_call(r, &req, NULL, 0);
	st = resp->status;
	if (msg != NULL)
		snprintf(msg, cap, "%s", resp->message != NULL ?
		    resp->message : "");
	isa__envelope__free_unpacked(resp, NULL);
	return st;
}

/* The audit log as JSON lines, read by the auditor. */
static json_t **
audit_lines(harness_t *h, size_t *n)
{
	h_result_t r = h_isa(h, "auditor", ARGS("audit", "--json"));
	json_t **v = NULL;
	char *line, *save = NULL;

	assert_int_equal(r.status, 0);
	*n = 0;
	for (line = strtok_r(r.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);

		assert_non_null(j);
		v = realloc(v, (*n + 1) * sizeof(*v));
		assert_non_null(v);
		v[(*n)++] = j;
	}
	h_result_free(&r);
	return v;
}

static void
free_lines(json_t **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(v[i]);
	free(v);
}

static const char *
field(json_t *j, const char *name)
{
	const char *s = json_string_value(json_object_get(j, name));

	return s != NULL ? s : "";
}

/* The outage's records of action by actor: their counts, summed; each
 * must come before seq before. */
static uint64_t
turned_away(json_t **v, size_t n, const char *action, const char *actor,
    const char *reason, json_int_t before)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(field(v[i], "decision"), "error") != 0 ||
		    strcmp(field(v[i], "reason"), reason) != 0 ||
		    strcmp(field(v[i], "action"), action) != 0 ||
		    strcmp(field(v[i], "actor"), actor) != 0)
			continue;
		assert_true(json_integer_value(json_object_get(v[i], "seq")) <
		    before);
		/* the time of the first one turned away, as its target */
		assert_int_equal(strlen(field(v[i], "target")), 24);
		sum += (uint64_t)json_integer_value(json_object_get(v[i],
		    "count"));
	}
	return sum;
}

/* The seq of the last record of action by actor with decision. */
static json_int_t
last_seq(json_t **v, size_t n, const char *action, const char *actor,
    const char *decision)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(field(v[i], "action"), action) == 0 &&
		    strcmp(field(v[i], "actor"), actor) == 0 &&
		    strcmp(field(v[i], "decision"), decision) == 0)
			return json_integer_value(json_object_get(v[i], "seq"));
	fail_msg("no %s record of %s by %s", decision, action, actor);
	return -1;
}

/*
 * Requests turned away while nothing can be committed (the disk full to
 * the last byte, isad's space ahead of the store used up) are counted by
 * action and user, and recorded as soon as commits resume, before the
 * record of the first request after: the counts add up to the refusals
 * each user saw.
 */
static void
test_refusals_recorded_after_outage(void **state)
{
	uint64_t who_a = 0, ls_a = 0, who_c = 0;
	harness_t *h;
	raw_t a, c;
	char msg[1024];
	json_t **v;
	json_int_t after;
	size_t n;
	int tries = 0;

	(void)state;
	/* 256 KiB free at start: isad starts, and cannot write its 4 MiB of
	 * space ahead of the store. */
	if ((h = deploy(256u << 10, NULL, NULL, 0)) == NULL)
		skip();
	a = raw_open(h, "ctp-analyst");
	c = raw_open(h, "council-lead");
	/* Until what is left is used up: the first refusal. */
	while (ask(&a, ISA__ENVELOPE__BODY_WHOAMI, msg, sizeof(msg)) ==
	    ISA__STATUS__OK)
		assert_true(++tries < TRIES_MAX);
	who_a++;
	assert_non_null(strstr(msg, disk_full_words(h)));
	/* More, from two users, while the disk stays full. */
	for (int i = 0; i < 5; i++) {
		who_a += ask(&a, ISA__ENVELOPE__BODY_WHOAMI, NULL, 0) ==
		    ISA__STATUS__UNAVAILABLE;
		ls_a += ask(&a, ISA__ENVELOPE__BODY_LIST, NULL, 0) ==
		    ISA__STATUS__UNAVAILABLE;
		who_c += ask(&c, ISA__ENVELOPE__BODY_WHOAMI, NULL, 0) ==
		    ISA__STATUS__UNAVAILABLE;
	}
	assert_true(ls_a > 0 && who_c > 0);
	su_unfill(h);
	assert_int_equal(ask(&c, ISA__ENVELOPE__BODY_WHOAMI, NULL, 0),
	    ISA__STATUS__OK);
	raw_close(&a);
	raw_close(&c);
	assert_true(h_wait_log(h, "the store could not commit when they were "
	    "made"));
	v = audit_lines(h, &n);
	after = last_seq(v, n, "whoami", "council-lead", "permit");
	assert_int_equal(turned_away(v, n, "whoami", "ctp-analyst",
	    "disk_full", after), who_a);
	assert_int_equal(turned_away(v, n, "ls", "ctp-analyst",
	    "disk_full", after), ls_a);
	assert_int_equal(turned_away(v, n, "whoami", "council-lead",
	    "disk_full", after), who_c);
	free_lines(v, n);
	finish(h);
}

/*
 * The same with every commit failing as an I/O error (the test build's
 * knob): nothing at all is committed meanwhile, so each user's refusals
 * come back as one record each, reason io_error, right before the first
 * request after.
 */
static void
test_io_outage_recorded_in_one_record_each(void **state)
{
	harness_t *h;
	char fault[512];
	raw_t a;
	json_t **v;
	json_int_t after;
	size_t n;

	(void)state;
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	if ((h = deploy(0, "fault", fault, sizeof(fault))) == NULL)
		skip();
	a = raw_open(h, "ctp-analyst");
	h_write_file(fault, "", 0644);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ask(&a, ISA__ENVELOPE__BODY_WHOAMI, NULL, 0),
		    ISA__STATUS__UNAVAILABLE);
	assert_int_equal(ask(&a, ISA__ENVELOPE__BODY_LIST, NULL, 0),
	    ISA__STATUS__UNAVAILABLE);
	unlink(fault);
	assert_int_equal(ask(&a, ISA__ENVELOPE__BODY_LIST, NULL, 0),
	    ISA__STATUS__OK);
	raw_close(&a);
	v = audit_lines(h, &n);
	after = last_seq(v, n, "ls", "ctp-analyst", "permit");
	assert_int_equal(turned_away(v, n, "whoami", "ctp-analyst",
	    "io_error", after), 3);
	assert_int_equal(turned_away(v, n, "ls", "ctp-analyst", "io_error",
	    after), 1);
	/* one record each, right before it */
	assert_string_equal(field(v[after - 1], "reason"), "io_error");
	assert_string_equal(field(v[after - 2], "reason"), "io_error");
	assert_int_equal(json_integer_value(json_object_get(v[after - 2],
	    "count")) + json_integer_value(json_object_get(v[after - 1],
	    "count")), 4);
	free_lines(v, n);
	finish(h);
}

/* The seq of the last record of action (any actor) with decision. */
static json_int_t
last_of(json_t **v, size_t n, const char *action, const char *decision)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(field(v[i], "action"), action) == 0 &&
		    strcmp(field(v[i], "decision"), decision) == 0)
			return json_integer_value(json_object_get(v[i], "seq"));
	fail_msg("no %s record of %s", decision, action);
	return -1;
}

/*
 * A policy reload while nothing can be committed takes effect, and its
 * record (with the policy's SHA-256) is written when commits resume,
 * before the first request after.
 */
static void
test_reload_in_outage_recorded(void **state)
{
	harness_t *h;
	char fault[512];
	json_t **v;
	json_int_t after, reload;
	size_t n;
	raw_t a;

	(void)state;
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	if ((h = deploy(0, "fault", fault, sizeof(fault))) == NULL)
		skip();
	h_write_file(fault, "", 0644);
	h_reload(h);
	assert_true(h_wait_log(h, "cannot record a daemon event in the audit "
	    "log yet"));
	unlink(fault);
	a = raw_open(h, "ctp-analyst");
	assert_int_equal(ask(&a, ISA__ENVELOPE__BODY_WHOAMI, NULL, 0),
	    ISA__STATUS__OK);
	raw_close(&a);
	v = audit_lines(h, &n);
	after = last_seq(v, n, "whoami", "ctp-analyst", "permit");
	reload = last_of(v, n, "reload", "permit");
	assert_true(reload < after);
	assert_int_equal(strlen(field(v[reload], "sha256")), 64);
	free_lines(v, n);
	finish(h);
}

/*
 * isad stopped while nothing can be committed keeps what it could not
 * record in DATA_DIR/unrecorded, and writes it first at its next start,
 * before that start's own record.
 */
static void
test_kept_across_a_restart(void **state)
{
	harness_t *h;
	char fault[512], kept[600];
	json_t **v;
	json_int_t start;
	size_t n;
	raw_t a;

	(void)state;
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	if ((h = deploy(0, "fault", fault, sizeof(fault))) == NULL)
		skip();
	a = raw_open(h, "ctp-analyst");
	h_write_file(fault, "", 0644);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ask(&a, ISA__ENVELOPE__BODY_WHOAMI, NULL, 0),
		    ISA__STATUS__UNAVAILABLE);
	raw_close(&a);
	assert_int_equal(h_stop(h), 0);
	snprintf(kept, sizeof(kept), "%s/unrecorded", h_data_dir(h));
	assert_int_equal(access(kept, F_OK), 0);
	assert_true(h_wait_log(h, "are kept in "));
	unlink(fault);
	h_start(h);
	v = audit_lines(h, &n);
	start = last_of(v, n, "start", "permit");
	assert_int_equal(turned_away(v, n, "whoami", "ctp-analyst",
	    "io_error", start), 2);
	free_lines(v, n);
	assert_int_not_equal(access(kept, F_OK), 0);
	finish(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_disk_told),
		cmocka_unit_test(test_io_error_stays_io_error),
		cmocka_unit_test(test_refusals_recorded_after_outage),
		cmocka_unit_test(test_io_outage_recorded_in_one_record_each),
		cmocka_unit_test(test_reload_in_outage_recorded),
		cmocka_unit_test(test_kept_across_a_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
