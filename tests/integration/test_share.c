/* test_share.c: onward sharing, requests, recall, derivatives and the inbox, through the real isa as the board's users. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "docs_util.h"
#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	/* A Chair who may not read OFFICIAL-SENSITIVE: notices name the
	 * document but never its title. */
	h_user(h, "board-chair", "uow", "NONE", "roles = [\"chair\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_user(h, "council-officer", "hcc", "NONE", NULL);
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "ctp-officer", "ctpse", "SC", NULL);
	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "district-commander", "police", "SC", NULL);
	h_user(h, "uni-contact", "uow", "BPSS", NULL);
	h_user(h, "board-auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
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

/* The board's CTLP: ingested by the administrator for the CT unit. */
static void
ctlp(harness_t *h, const char *title, char *id)
{
	char in[512];
	h_result_t r;

	unsigned seed = 5;

	/* Content differs per title: the same content twice is refused. */
	for (const char *c = title; *c != '\0'; c++)
		seed = seed * 31 + (unsigned char)*c;
	snprintf(in, sizeof(in), "%s/%s", h_dir(h), title);
	du_make_file(in, 2000, seed);
	if (du_put(h, "board-admin", in, title, "OFFICIAL-SENSITIVE",
	    "agency:hcc", ARGS("--originator", "ctpse", "--to",
	    "user:police-lead"), id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
}

static h_result_t
isa(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != want)
		fail_msg("isa %s as %s: exit %d, not %d: %s", args[0], user,
		    r.status, want, r.err);
	return r;
}

static void
expect(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = isa(h, user, args, want);

	h_result_free(&r);
}

static bool
inbox_has(harness_t *h, const char *user, const char *text)
{
	h_result_t r = isa(h, user, ARGS("inbox"), 0);
	bool has = strstr(r.out, text) != NULL;

	h_result_free(&r);
	return has;
}

/* Rule 7: the author grants at once, and the Chair and the administrator
 * hear of it; nobody else's inbox names it. */
static void
test_author_grants(void **state)
{
	harness_t *h = *state;
	char in[512], id[32];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/own", h_dir(h));
	du_make_file(in, 100, 1);
	assert_int_equal(du_put(h, "council-lead", in, "Council note",
	    "OFFICIAL-SENSITIVE", "user:council-lead", NULL, id, NULL), 0);
	expect(h, "police-lead", ARGS("get", id), 3);
	r = isa(h, "council-lead", ARGS("share", id, "--to",
	    "user:police-lead", "--reason", "joint case"), 0);
	assert_non_null(strstr(r.out, "granted"));
	h_result_free(&r);
	expect(h, "police-lead", ARGS("info", id), 0);
	assert_true(inbox_has(h, "police-lead", id));
	assert_true(inbox_has(h, "board-admin", "onward share"));
	/* The Chair cannot read it: the notice names it, never its title. */
	r = isa(h, "board-chair", ARGS("inbox"), 0);
	assert_non_null(strstr(r.out, id));
	assert_null(strstr(r.out, "Council note"));
	h_result_free(&r);
	assert_false(inbox_has(h, "uni-contact", id));
}

/* The story: a request, visible only to whom it concerns, decided once by
 * the originator's approver; the administrator relays but never grants. */
static void
test_request_approve(void **state)
{
	harness_t *h = *state;
	char id[32], req[32], fake[32];
	h_result_t r;

	ctlp(h, "CTLP approve", id);
	r = isa(h, "police-lead", ARGS("share", id, "--to",
	    "user:district-commander", "--reason", "district tasking"), 0);
	snprintf(req, sizeof(req), "%s", h_last_line(r.out));
	assert_int_equal(strlen(req), 26);
	h_result_free(&r);
	expect(h, "district-commander", ARGS("get", id), 3);
	assert_true(inbox_has(h, "ctp-analyst", req));
	assert_false(inbox_has(h, "ctp-officer", req));
	/* listed for the approver, one a line, id first */
	r = isa(h, "ctp-analyst", ARGS("requests"), 0);
	{
		char line[40];

		snprintf(line, sizeof(line), "\n%s\t", req);
		assert_true(strncmp(r.out, line + 1, 27) == 0 ||
		    strstr(r.out, line) != NULL);
	}
	h_result_free(&r);
	/* who sees it but may not decide: DENIED; who may not see it: as
	 * an id that does not exist */
	expect(h, "board-admin", ARGS("approve", req), 4);
	expect(h, "police-lead", ARGS("approve", req), 4);
	snprintf(fake, sizeof(fake), "%s", req);
	fake[0] = fake[0] == 'A' ? 'B' : 'A';
	{
		h_result_t a = isa(h, "uni-contact", ARGS("approve", req), 3);
		h_result_t b = isa(h, "uni-contact", ARGS("approve", fake), 3);
		char *p = strstr(a.err, req);

		assert_non_null(p);
		memcpy(p, fake, 26);
		assert_string_equal(a.err, b.err);
		h_result_free(&a);
		h_result_free(&b);
	}
	expect(h, "ctp-analyst", ARGS("approve", req), 0);
	expect(h, "district-commander", ARGS("get", id), 0);
	expect(h, "ctp-analyst", ARGS("approve", req), 1);	/* CONFLICT */
	assert_true(inbox_has(h, "police-lead", "was approved by ctp-analyst"));
	assert_true(inbox_has(h, "board-chair", "at the request of "
	    "police-lead, approved by ctp-analyst"));
	assert_true(inbox_has(h, "district-commander", id));
	/* The administrator's own share is a request too: they relay. */
	r = isa(h, "board-admin", ARGS("share", id, "--to", "user:ctp-officer",
	    "--reason", "relay"), 0);
	assert_non_null(strstr(r.out, "request filed"));
	h_result_free(&r);
}

static void
test_refuse(void **state)
{
	harness_t *h = *state;
	char id[32], req[32];
	h_result_t r;

	ctlp(h, "CTLP refuse", id);
	r = isa(h, "police-lead", ARGS("share", id, "--to",
	    "user:district-commander", "--reason", "wider"), 0);
	snprintf(req, sizeof(req), "%s", h_last_line(r.out));
	h_result_free(&r);
	expect(h, "ctp-analyst", ARGS("refuse", req), 2);	/* no reason */
	expect(h, "ctp-analyst", ARGS("refuse", req, "--reason",
	    "not needed for the district"), 0);
	expect(h, "district-commander", ARGS("get", id), 3);
	assert_true(inbox_has(h, "police-lead", "was refused by ctp-analyst"));
	r = isa(h, "police-lead", ARGS("requests", "--all", "--json"), 0);
	assert_non_null(strstr(r.out, "\"decision_reason\":\"not needed for "
	    "the district\""));
	h_result_free(&r);
	/* pending only, by default */
	r = isa(h, "police-lead", ARGS("requests"), 0);
	assert_null(strstr(r.out, req));
	h_result_free(&r);
}

/* A target who could not hold the marking is refused at once, without
 * naming their clearance; a bad principal is a usage fault. */
static void
test_share_refusals(void **state)
{
	harness_t *h = *state;
	char id[32], fake[32];
	h_result_t a, b;
	char *p;

	ctlp(h, "CTLP refusals", id);
	a = isa(h, "ctp-analyst", ARGS("share", id, "--to",
	    "user:council-officer", "--reason", "x"), 4);
	assert_non_null(strstr(a.err, "council-officer"));
	assert_null(strstr(a.err, "NONE"));
	h_result_free(&a);
	expect(h, "ctp-analyst", ARGS("share", id, "--to", "user:nobody",
	    "--reason", "x"), 1);
	expect(h, "ctp-analyst", ARGS("share", id, "--to", "user:police-lead"),
	    2);
	/* off the list: exactly as for an id that does not exist */
	snprintf(fake, sizeof(fake), "%s", id);
	fake[0] = fake[0] == 'A' ? 'B' : 'A';
	a = isa(h, "uni-contact", ARGS("share", id, "--to", "user:uni-contact",
	    "--reason", "x"), 3);
	b = isa(h, "uni-contact", ARGS("share", fake, "--to",
	    "user:uni-contact", "--reason", "x"), 3);
	assert_non_null(p = strstr(a.err, id));
	memcpy(p, fake, 26);
	assert_string_equal(a.err, b.err);
	assert_string_equal(a.out, b.out);
	h_result_free(&a);
	h_result_free(&b);
}

/* Recall cuts every recipient off at once, saying so; only the author,
 * the originator's approvers and the administrator may recall. */
static void
test_recall(void **state)
{
	harness_t *h = *state;
	char id[32];
	h_result_t r;

	ctlp(h, "CTLP recall", id);
	expect(h, "council-lead", ARGS("get", id), 0);
	expect(h, "police-lead", ARGS("recall", id, "--reason", "x"), 4);
	expect(h, "uni-contact", ARGS("recall", id, "--reason", "x"), 3);
	expect(h, "ctp-analyst", ARGS("recall", id), 2);	/* no reason */
	expect(h, "ctp-analyst", ARGS("recall", id, "--reason",
	    "superseded by a corrected profile"), 0);
	r = isa(h, "council-lead", ARGS("get", id), 3);
	assert_non_null(strstr(r.err, "recalled"));
	h_result_free(&r);
	/* to one off the list it is still nothing at all */
	r = isa(h, "uni-contact", ARGS("get", id), 3);
	assert_null(strstr(r.err, "recalled"));
	h_result_free(&r);
	assert_true(inbox_has(h, "council-lead", "recalled: "));
	assert_false(inbox_has(h, "uni-contact", id));
	expect(h, "ctp-analyst", ARGS("recall", id, "--reason", "again"), 3);
	r = isa(h, "council-lead", ARGS("ls"), 0);
	assert_null(strstr(r.out, id));
	h_result_free(&r);
}

/* Rule 8: a sanitised derivative, lower, by the originator's approver;
 * its lineage shown only to those who may know the parent. */
static void
test_derivative(void **state)
{
	harness_t *h = *state;
	char id[32], in[512], der[32];
	h_result_t r;

	ctlp(h, "CTLP derive", id);
	snprintf(in, sizeof(in), "%s/briefing", h_dir(h));
	du_make_file(in, 300, 9);
	r = (h_result_t){ 0 };
	assert_int_equal(du_put(h, "police-lead", in, "Briefing", "OFFICIAL",
	    "all", ARGS("--derived-from", id), der, &r), 4);
	h_result_free(&r);
	assert_int_not_equal(du_put(h, "ctp-analyst", in, "Briefing",
	    "OFFICIAL-SENSITIVE", "all", ARGS("--derived-from", id), der, &r),
	    0);
	h_result_free(&r);
	assert_int_equal(du_put(h, "ctp-analyst", in, "Briefing", "OFFICIAL",
	    "all", ARGS("--derived-from", id), der, NULL), 0);
	r = isa(h, "council-lead", ARGS("info", der), 0);
	assert_non_null(strstr(r.out, id));
	h_result_free(&r);
	r = isa(h, "uni-contact", ARGS("info", der), 0);
	assert_null(strstr(r.out, id));
	assert_null(strstr(r.out, "derived from"));
	h_result_free(&r);
	expect(h, "board-chair", ARGS("get", der), 0);
	assert_true(inbox_has(h, "board-chair", der));
}

/* An inbox never names a document its reader may not read. */
static void
test_inbox_never_reveals(void **state)
{
	harness_t *h = *state;
	char id[32];

	ctlp(h, "CTLP inbox", id);
	assert_true(inbox_has(h, "council-lead", id));
	assert_true(inbox_has(h, "council-lead", "CTLP inbox"));
	assert_false(inbox_has(h, "council-officer", id));	/* on the list, NONE */
	assert_false(inbox_has(h, "uni-contact", id));		/* off the list */
	assert_false(inbox_has(h, "district-commander", id));
}

/* Wait (up to 30 s, looking every 20 ms) until file holds text. */
static bool
file_gets(const char *file, const char *text)
{
	for (int i = 0; i < 1500; i++) {
		FILE *f = fopen(file, "r");
		char buf[8192];
		size_t n = 0;

		if (f != NULL) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		buf[n] = '\0';
		if (strstr(buf, text) != NULL)
			return true;
		nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	}
	return false;
}

/* isa inbox --watch blocks and prints entries as they arrive. */
static void
test_inbox_watch(void **state)
{
	harness_t *h = *state;
	char out[512], a[32], b[32];
	int status;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/watch.out", h_dir(h));
	ctlp(h, "CTLP watch one", a);
	if ((pid = fork()) == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execl(getenv("ISA_BIN"), "isa", "inbox", "--watch", "--config",
		    h_client_conf(h, "council-lead"), (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	/* What was there is printed first; then it waits. */
	assert_true(file_gets(out, a));
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	ctlp(h, "CTLP watch two", b);
	assert_true(file_gets(out, b));
	assert_true(file_gets(out, "CTLP watch two"));
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* isad held the watch rather than answering it again and again: a
	 * handful of requests (each on the record), not a busy loop. */
	{
		h_result_t r = isa(h, "board-auditor", ARGS("audit", "--user",
		    "council-lead", "--action", "inbox", "--json"), 0);
		int n = 0;

		for (const char *p = r.out; (p = strchr(p, '\n')) != NULL; p++)
			n++;
		h_result_free(&r);
		assert_true(n >= 2);
		assert_true(n <= 10);
	}
}

/* Retention, with the calendar moved on: review reminders to the
 * originator's approvers, then crypto-shredding past destroy-after, and
 * a new master key so that the destroyed keys' old wraps (in free pages,
 * in backups) open nothing; what is kept reads on. */
static void
test_retention(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], keep[32], before[256], after[256];
	h_result_t r;

	h_need_test_build("ISAD_TEST_NOW");
	snprintf(in, sizeof(in), "%s/kept", h_dir(h));
	du_make_file(in, 3000, 78);
	assert_int_equal(du_put(h, "ctp-analyst", in, "Kept", "OFFICIAL",
	    "agency:ctpse", NULL, keep, NULL), 0);

	snprintf(in, sizeof(in), "%s/retained", h_dir(h));
	du_make_file(in, 5000, 77);
	assert_int_equal(du_put(h, "board-admin", in, "Retained profile",
	    "OFFICIAL-SENSITIVE", "agency:hcc", ARGS("--originator", "ctpse",
	    "--review-by", "2030-06-01", "--destroy-after", "2030-12-31"), id,
	    NULL), 0);
	assert_false(inbox_has(h, "ctp-analyst", "review due"));
	/* 2 June 2030: due for review, not yet for destruction. */
	assert_int_equal(h_stop(h), 0);
	setenv("ISAD_TEST_NOW", "1906632000", 1);
	h_start(h);
	r = isa(h, "ctp-analyst", ARGS("inbox"), 0);
	assert_non_null(strstr(r.out, "review due"));
	assert_non_null(strstr(r.out, id));
	h_result_free(&r);
	assert_false(inbox_has(h, "council-lead", "review due"));
	expect(h, "council-lead", ARGS("get", id), 0);
	/* 2 January 2031: destroyed, its audit trail kept. */
	assert_int_equal(h_stop(h), 0);
	du_master_key_id(h, before, sizeof(before));
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	h_start(h);
	unsetenv("ISAD_TEST_NOW");
	assert_true(h_wait_log(h, "data keys rewrapped under a new master "
	    "key, the old one wiped"));
	du_master_key_id(h, after, sizeof(after));
	assert_string_not_equal(before, after);
	expect(h, "ctp-analyst", ARGS("get", keep), 0);
	r = isa(h, "council-lead", ARGS("get", id), 3);
	assert_non_null(strstr(r.err, "destroyed"));
	h_result_free(&r);
	r = isa(h, "uni-contact", ARGS("get", id), 3);
	assert_null(strstr(r.err, "destroyed"));
	h_result_free(&r);
	r = isa(h, "council-lead", ARGS("ls"), 0);
	assert_null(strstr(r.out, id));
	h_result_free(&r);
	r = isa(h, "board-auditor", ARGS("audit", "--doc", id), 0);
	assert_non_null(strstr(r.out, "destroy"));
	assert_non_null(strstr(r.out, "put"));
	h_result_free(&r);
	r = isa(h, "board-auditor", ARGS("audit", "--action", "rekey"), 0);
	assert_non_null(strstr(r.out, "rekey"));
	h_result_free(&r);
	/* The new key is the one on disk: a restart reads on. */
	assert_int_equal(h_stop(h), 0);
	h_start(h);
	expect(h, "ctp-analyst", ARGS("get", keep), 0);
	/* the content is gone: the same bytes may be stored again */
	assert_int_equal(du_put(h, "ctp-analyst", in, "Again", "OFFICIAL",
	    "agency:ctpse", NULL, id, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_author_grants),
		cmocka_unit_test(test_request_approve),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_share_refusals),
		cmocka_unit_test(test_recall),
		cmocka_unit_test(test_derivative),
		cmocka_unit_test(test_inbox_never_reveals),
		cmocka_unit_test(test_inbox_watch),
		cmocka_unit_test(test_retention),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
