/* test_auditexport.c: the client library's audit requests and pull-style export (client/auditreq.h, client/auditexport.h) as isa ui uses them: the CLI's lines over several pages, the CLI's refusal, isad gone mid-way, the date check's sentences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "client/auditexport.h"
#include "client/auditreq.h"
#include "client/cli.h"
#include "client/conf.h"
#include "client/conn.h"
#include "conn_util.h"
#include "harness.h"
#include "proto/envelope.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Pages of at most 4 KiB (isad's budget is max_message / 2), so a few
 * dozen records take several; 150 whoamis make them. */
static int
setup(void **state)
{
	harness_t *h = h_new_conf("limits = { max_message = 8192; "
	    "chunk = 4096; };");
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__WhoAmIRequest w = ISA__WHO_AM_IREQUEST__INIT;
	char err[512];
	tconn_t t;

	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_start(h);
	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &w;
	t_connect(h, "council-lead", &t);
	for (int i = 0; i < 150; i++) {
		if (isa_conn_call(t.c, &req, &r, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		envelope_free(r);
	}
	t_close(&t);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

/*
 * Pull x to its end or failure into *all (malloc'd, NUL-terminated),
 * counting the calls that handed out lines.  Returns the exit code.
 */
static int
t_drain(isa_auditexport_t *x, char **all, size_t *pieces, char *err,
    size_t errlen)
{
	const char *text;
	size_t n, len = 0;
	bool done = false;
	int code;

	*all = calloc(1, 1);
	*pieces = 0;
	while ((code = isa_auditexport_next(x, &text, &n, &done, err,
	    errlen)) == EXIT_OK && !done) {
		assert_true(n > 0);
		assert_int_equal(text[n - 1], '\n');
		assert_non_null(*all = realloc(*all, len + n + 1));
		memcpy(*all + len, text, n);
		len += n;
		(*all)[len] = '\0';
		(*pieces)++;
	}
	if (code != EXIT_OK) {
		assert_null(text);
		assert_int_equal(n, 0);
		assert_false(done);
	}
	return code;
}

/* The lines after line 1 of an export, and how many. */
static const char *
records_of(const char *export, size_t *lines)
{
	const char *p = strchr(export, '\n');

	assert_non_null(p);
	*lines = 0;
	for (const char *q = p + 1; *q != '\0'; q++)
		*lines += *q == '\n';
	return p + 1;
}

/* Line 1 first, then every record in several pages; the CLI's export
 * (taken after, so longer by the records since) begins with the same
 * record lines; `isa audit verify` takes ours. */
static void
test_lines_as_the_cli_writes(void **state)
{
	harness_t *h = *state;
	char err[ISA_AUDITREQ_ERRLEN], path[512], key[512], *ours, *theirs;
	const char *ro, *rt;
	size_t pieces, n_ours, n_theirs;
	isa_auditexport_t *x;
	h_result_t r;
	tconn_t t;
	FILE *f;

	t_connect(h, "auditor", &t);
	assert_int_equal(isa_auditexport_begin(t.c, &x, err, sizeof(err)),
	    EXIT_OK);
	assert_true(isa_auditexport_size(x) > 150);
	assert_int_equal(t_drain(x, &ours, &pieces, err, sizeof(err)),
	    EXIT_OK);
	assert_true(pieces >= 4);	/* line 1 and at least 3 pages */
	assert_int_equal(strncmp(ours, "{\"format\":\"isa-audit-export/2\","
	    "\"checkpoint\":\"", 44), 0);
	ro = records_of(ours, &n_ours);
	assert_int_equal(n_ours, isa_auditexport_size(x));
	/* Done stays done. */
	{
		const char *text;
		size_t n;
		bool done;

		assert_int_equal(isa_auditexport_next(x, &text, &n, &done, err,
		    sizeof(err)), EXIT_OK);
		assert_true(done);
	}
	isa_auditexport_end(x);
	t_close(&t);

	snprintf(path, sizeof(path), "%s/cli.jsonl", h_dir(h));
	r = h_isa(h, "auditor", ARGS("audit", "export", "-o", path));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(theirs = calloc(1, 1 << 20));
	assert_true(fread(theirs, 1, (1 << 20) - 1, f) > 0);
	fclose(f);
	rt = records_of(theirs, &n_theirs);
	assert_true(n_theirs > n_ours);
	assert_int_equal(strncmp(ro, rt, strlen(ro)), 0);

	snprintf(path, sizeof(path), "%s/lib.jsonl", h_dir(h));
	h_write_file(path, ours, 0600);
	snprintf(key, sizeof(key), "%s/audit.pub.pem", h_data_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", path, "--key",
	    key));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "signed checkpoint and tree root "
	    "match"));
	h_result_free(&r);
	free(ours);
	free(theirs);
}

/* A page's record as --json shows it: the CLI's first line. */
static void
test_record_json_as_the_cli(void **state)
{
	harness_t *h = *state;
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	char err[ISA_AUDITREQ_ERRLEN], *line;
	Isa__Envelope *r;
	h_result_t cli;
	json_t *v;
	tconn_t t;

	t_connect(h, "auditor", &t);
	q.limit = 1;
	assert_int_equal(isa_auditreq_page(t.c, &q, &r, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(r->audit_records->n_records, 1);
	assert_true(r->audit_records->more);
	assert_int_equal(r->audit_records->next, 1);
	assert_non_null(v = isa_auditreq_json(r->audit_records->records[0].data,
	    r->audit_records->records[0].len));
	assert_non_null(line = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII));
	json_decref(v);
	/* Not a record: NULL. */
	assert_null(isa_auditreq_json((const uint8_t *)"\xff\xff", 2));
	envelope_free(r);
	t_close(&t);
	cli = h_isa(h, "auditor", ARGS("audit", "--json"));
	assert_int_equal(cli.status, 0);
	assert_int_equal(strncmp(cli.out, line, strlen(line)), 0);
	assert_int_equal(cli.out[strlen(line)], '\n');
	h_result_free(&cli);
	free(line);
}

/* Not an auditor: isad's refusal, as `isa audit export` prints it, for the
 * export, a page and a checkpoint alike. */
static void
test_refused_as_the_cli(void **state)
{
	harness_t *h = *state;
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	char err[ISA_AUDITREQ_ERRLEN], path[512];
	isa_auditexport_t *x = (void *)1;
	Isa__Envelope *r = (void *)1;
	h_result_t cli;
	tconn_t t;

	snprintf(path, sizeof(path), "%s/no.jsonl", h_dir(h));
	cli = h_isa(h, "council-lead", ARGS("audit", "export", "-o", path));
	assert_int_equal(cli.status, EXIT_DENIED);
	t_connect(h, "council-lead", &t);
	assert_int_equal(isa_auditexport_begin(t.c, &x, err, sizeof(err)),
	    EXIT_DENIED);
	assert_null(x);
	assert_int_equal(strncmp(err, "denied: ", 8), 0);
	assert_string_equal(h_last_line(cli.err) + strlen("isa: "), err);
	assert_int_equal(isa_auditreq_page(t.c, &q, &r, err, sizeof(err)),
	    EXIT_DENIED);
	assert_null(r);
	assert_int_equal(isa_auditreq_checkpoint(t.c, false, &r, err,
	    sizeof(err)), EXIT_DENIED);
	assert_string_equal(h_last_line(cli.err) + strlen("isa: "), err);
	h_result_free(&cli);
	t_close(&t);
}

/* The filters' dates, checked before isad is asked, with the CLI's
 * sentence. */
static void
test_dates(void **state)
{
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	char err[ISA_AUDITREQ_ERRLEN];

	(void)state;
	q.since = "2026-02-28";
	q.until = "2026-03-01T09:00:00Z";
	assert_int_equal(isa_auditreq_dates(&q, err, sizeof(err)), EXIT_OK);
	q.until = "2026-02-30";
	assert_int_equal(isa_auditreq_dates(&q, err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "audit: --until \"2026-02-30\" is not a "
	    "real date or time: YYYY-MM-DD or RFC 3339, e.g. "
	    "2026-02-28T09:00:00Z");
	q.since = "yesterday";
	assert_int_equal(isa_auditreq_dates(&q, err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "--since \"yesterday\""));
}

/* isad gone mid-way: EXIT_UNREACHABLE with the connection's sentence,
 * and the same again; nothing more handed out.  Last: isad restarts. */
static void
test_isad_gone_midway(void **state)
{
	harness_t *h = *state;
	char err[ISA_AUDITREQ_ERRLEN], again[ISA_AUDITREQ_ERRLEN], *all;
	const char *text;
	size_t n, pieces;
	bool done;
	isa_auditexport_t *x;
	tconn_t t;

	t_connect(h, "auditor", &t);
	assert_int_equal(isa_auditexport_begin(t.c, &x, err, sizeof(err)),
	    EXIT_OK);
	assert_int_equal(isa_auditexport_next(x, &text, &n, &done, err,
	    sizeof(err)), EXIT_OK);	/* line 1 */
	h_kill9(h);
	assert_int_equal(t_drain(x, &all, &pieces, err, sizeof(err)),
	    EXIT_UNREACHABLE);
	assert_int_equal(pieces, 0);
	assert_true(err[0] != '\0');
	assert_int_equal(isa_auditexport_next(x, &text, &n, &done, again,
	    sizeof(again)), EXIT_UNREACHABLE);
	assert_string_equal(again, err);
	free(all);
	isa_auditexport_end(x);
	t_close(&t);
	h_start(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_as_the_cli_writes),
		cmocka_unit_test(test_record_json_as_the_cli),
		cmocka_unit_test(test_refused_as_the_cli),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_isad_gone_midway),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
