/* test_cli.c: isa's command-line conventions (DESIGN §10): getopt_long, --help, --version, --json parsed by jansson, dates, client.conf. */
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
#include <jansson.h>

#include "docs_util.h"
#include "harness.h"
#include "raw.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Every subcommand, as typed (audit's three as "audit X"). */
static const char *const commands[][2] = {
	{ "keygen", NULL }, { "whoami", NULL }, { "put", NULL },
	{ "get", NULL }, { "ls", NULL }, { "info", NULL }, { "share", NULL },
	{ "requests", NULL }, { "approve", NULL }, { "refuse", NULL },
	{ "recall", NULL }, { "inbox", NULL }, { "directory", NULL },
	{ "audit", NULL },
	{ "audit", "checkpoint" }, { "audit", "export" },
	{ "audit", "verify" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "reader", "hcc", "SC", NULL);
	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
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

static h_result_t
isa(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != want)
		fail_msg("isa %s as %s: exit %d, not %d: %s", args[0],
		    user ? user : "-", r.status, want, r.err);
	return r;
}

/* Each line of out parsed by jansson as one JSON object; their count. */
static size_t
json_lines(const char *out, json_t **last)
{
	const char *p = out;
	size_t n = 0;

	if (last != NULL)
		*last = NULL;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		json_error_t e;
		json_t *v;

		if (nl == NULL)
			fail_msg("JSON output does not end its line: %s", p);
		v = json_loadb(p, (size_t)(nl - p), 0, &e);
		if (v == NULL || !json_is_object(v))
			fail_msg("not a JSON object (%s): %.*s", e.text,
			    (int)(nl - p), p);
		if (last != NULL) {
			json_decref(*last);
			*last = v;
		} else
			json_decref(v);
		n++;
		p = nl + 1;
	}
	return n;
}

static const char *
jget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("JSON member \"%s\" is not a string", key);
	return json_string_value(v);
}

/* One line of put's --json: its id into id. */
static void
put_json(harness_t *h, const char *user, const char *const *args, char *id)
{
	h_result_t r = isa(h, user, args, 0);
	json_t *o;

	assert_int_equal(json_lines(r.out, &o), 1);
	snprintf(id, 32, "%s", jget(o, "id"));
	assert_int_equal(strlen(id), 26);
	assert_true(json_is_integer(json_object_get(o, "size")));
	json_decref(o);
	h_result_free(&r);
}

static void
test_version(void **state)
{
	h_result_t r;

	(void)state;
	r = h_run(ARGS(getenv("ISA_BIN"), "--version"));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "isa " ISA_VERSION "\n");
	h_result_free(&r);
	r = h_run(ARGS(getenv("ISAD_BIN"), "--version"));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "isad " ISA_VERSION "\n");
	h_result_free(&r);
}

/* -h and --help on every subcommand: usage on stdout, nothing on stderr,
 * exit 0, and nothing done (no client.conf is needed). */
static void
test_help_everywhere(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCOMMANDS; i++)
		for (int k = 0; k < 2; k++) {
			const char *flag = k ? "-h" : "--help";
			char want[64];
			h_result_t r = commands[i][1] != NULL ?
			    h_run(ARGS(getenv("ISA_BIN"), commands[i][0],
			    commands[i][1], flag)) :
			    h_run(ARGS(getenv("ISA_BIN"), commands[i][0], flag));

			snprintf(want, sizeof(want), "usage: isa %s",
			    commands[i][0]);
			if (r.status != 0 || strncmp(r.out, want,
			    strlen(want)) != 0 || r.err[0] != '\0')
				fail_msg("isa %s %s %s: exit %d, out \"%s\", "
				    "err \"%s\"", commands[i][0],
				    commands[i][1] ? commands[i][1] : "", flag,
				    r.status, r.out, r.err);
			h_result_free(&r);
		}
}

/* An unknown option: named in one line, usage after it, exit 2, on
 * every subcommand; likewise an option that needs a value given none. */
static void
test_unknown_option_everywhere(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		h_result_t r = commands[i][1] != NULL ?
		    h_run(ARGS(getenv("ISA_BIN"), commands[i][0],
		    commands[i][1], "--frobnicate=1")) :
		    h_run(ARGS(getenv("ISA_BIN"), commands[i][0],
		    "--frobnicate=1"));
		const char *nl = strchr(r.err, '\n');

		if (r.status != 2 || r.out[0] != '\0' || nl == NULL ||
		    strstr(r.err, "unknown option \"--frobnicate\"") == NULL ||
		    strstr(r.err, "unknown option \"--frobnicate\"") > nl ||
		    strncmp(nl + 1, "usage: isa ", 11) != 0)
			fail_msg("isa %s %s --frobnicate=1: exit %d, err \"%s\"",
			    commands[i][0], commands[i][1] ?
			    commands[i][1] : "", r.status, r.err);
		h_result_free(&r);
	}
}

/* --opt= with an empty value, where a value is required: a usage error
 * naming the option, before anything is sent. */
static void
test_empty_values(void **state)
{
	const char *const *const cases[] = {
		ARGS("put", "f", "--title=", "--class=OFFICIAL",
		    "--to=agency:hcc"),
		ARGS("share", "ID", "--to=", "--reason=r"),
		ARGS("refuse", "REQ", "--reason="),
		ARGS("get", "ID", "--out="),
		ARGS("ls", "--config="),
		ARGS("audit", "--since="),
		ARGS("audit", "export", "--out="),
		ARGS("audit", "verify", "f", "--key="),
		ARGS("keygen", "--out="),
	};
	harness_t *h = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_result_t r = h_isa(h, NULL, cases[i]);

		if (r.status != 2 || strstr(r.err, "needs a value, not an "
		    "empty one") == NULL)
			fail_msg("isa %s with an empty value: exit %d: %s",
			    cases[i][0], r.status, r.err);
		h_result_free(&r);
	}
}

/* --opt=value and -- (a file whose name begins with a dash), and --json on
 * put, ls and info parsed by a real JSON parser. */
static void
test_opt_equals_dashdash_and_json(void **state)
{
	harness_t *h = *state;
	char conf[600], cwd[4096], id[32];
	h_result_t r;
	json_t *o;
	size_t n;
	bool found = false;

	snprintf(conf, sizeof(conf), "--config=%s", h_client_conf(h, "admin"));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(h_dir(h)), 0);
	du_make_file("-dash", 300, 7);
	put_json(h, NULL, ARGS("put", "--title=Dash note: a=b", "--class",
	    "OFFICIAL", "--to=agency:hcc", "--json", conf, "--", "-dash"), id);
	/* without --, the name is an option nobody knows */
	r = isa(h, NULL, ARGS("put", "--title=x", "--class=OFFICIAL",
	    "--to=agency:hcc", conf, "-dash"), 2);
	assert_non_null(strstr(r.err, "unknown option \"-d\""));
	h_result_free(&r);
	assert_int_equal(chdir(cwd), 0);

	r = isa(h, "reader", ARGS("ls", "--json"), 0);
	n = json_lines(r.out, NULL);
	assert_true(n >= 1);
	/* every line an object with id, marking and title */
	for (const char *p = r.out; *p != '\0'; p = strchr(p, '\n') + 1) {
		json_t *v = json_loadb(p, (size_t)(strchr(p, '\n') - p), 0,
		    NULL);

		assert_non_null(v);
		if (strcmp(jget(v, "id"), id) == 0) {
			assert_string_equal(jget(v, "title"),
			    "Dash note: a=b");
			assert_true(strncmp(jget(v, "marking"), "OFFICIAL",
			    8) == 0);
			found = true;
		}
		json_decref(v);
	}
	assert_true(found);
	h_result_free(&r);

	r = isa(h, "reader", ARGS("info", id, "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_string_equal(jget(o, "filename"), "-dash");
	assert_int_equal(json_integer_value(json_object_get(o, "size")), 300);
	assert_true(json_is_array(json_object_get(o, "to")));
	json_decref(o);
	h_result_free(&r);

	r = isa(h, "reader", ARGS("whoami", "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_string_equal(jget(o, "id"), "reader");
	json_decref(o);
	h_result_free(&r);
}

/* share (a request), requests, approve, refuse, recall, inbox: --json is
 * one object a line, parsed. */
static void
test_json_on_every_command(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], req[64], req2[64];
	h_result_t r;
	json_t *o;

	snprintf(in, sizeof(in), "%s/ctlp", h_dir(h));
	du_make_file(in, 500, 11);
	put_json(h, "admin", ARGS("put", in, "--title", "CTLP", "--class",
	    "OFFICIAL-SENSITIVE", "--to", "agency:police", "--originator",
	    "ctpse", "--onward", "approval", "--json"), id);
	r = isa(h, "police-lead", ARGS("share", id, "--to", "user:reader",
	    "--reason", "joint case", "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_true(json_is_false(json_object_get(o, "granted")));
	snprintf(req, sizeof(req), "%s", jget(o, "request"));
	json_decref(o);
	h_result_free(&r);
	r = isa(h, "police-lead", ARGS("share", id, "--to", "user:auditor",
	    "--reason", "second", "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	snprintf(req2, sizeof(req2), "%s", jget(o, "request"));
	json_decref(o);
	h_result_free(&r);

	r = isa(h, "ctp-analyst", ARGS("requests", "--json"), 0);
	assert_true(json_lines(r.out, NULL) >= 2);
	h_result_free(&r);
	r = isa(h, "ctp-analyst", ARGS("approve", req, "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_string_equal(jget(o, "id"), req);
	assert_string_equal(jget(o, "target"), "user:reader");
	json_decref(o);
	h_result_free(&r);
	r = isa(h, "ctp-analyst", ARGS("refuse", req2, "--reason", "no",
	    "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_string_equal(jget(o, "id"), req2);
	json_decref(o);
	h_result_free(&r);
	r = isa(h, "reader", ARGS("inbox", "--json"), 0);
	assert_true(json_lines(r.out, NULL) >= 1);
	h_result_free(&r);
	r = isa(h, "admin", ARGS("recall", id, "--reason", "withdrawn",
	    "--json"), 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_string_equal(jget(o, "doc"), id);
	assert_true(json_is_true(json_object_get(o, "recalled")));
	json_decref(o);
	h_result_free(&r);
}

/* An impossible date in every place isa takes one: a usage error; and
 * isad refuses one sent past isa. */
static void
test_impossible_dates(void **state)
{
	const char *const *const cases[] = {
		ARGS("put", "f", "--title", "t", "--class", "OFFICIAL", "--to",
		    "agency:hcc", "--review-by", "2026-02-30"),
		ARGS("put", "f", "--title", "t", "--class", "OFFICIAL", "--to",
		    "agency:hcc", "--destroy-after", "2025-02-29"),
		ARGS("put", "f", "--title", "t", "--class", "OFFICIAL", "--to",
		    "agency:hcc", "--embargo-until", "2026-04-31T09:00:00Z"),
		ARGS("put", "f", "--title", "t", "--class", "OFFICIAL", "--to",
		    "agency:hcc", "--review-by", "2026-02-28T09:00:00Z"),
		ARGS("audit", "--since", "2026-02-30"),
		ARGS("audit", "--until", "2026-13-01T00:00:00Z"),
		ARGS("audit", "--since", "2026-06-30T24:00:00Z"),
	};
	harness_t *h = *state;
	raw_t raw;
	Isa__Envelope req = ISA__ENVELOPE__INIT, *rep;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	char *to[] = { "agency:hcc" };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h_result_t r = h_isa(h, "admin", cases[i]);

		if (r.status != 2 || strstr(r.err, "is not a real") == NULL)
			fail_msg("isa %s: impossible date case %zu: exit %d: %s",
			    cases[i][0], i, r.status, r.err);
		h_result_free(&r);
	}
	/* 2028-02-29 is a real date (a leap year): not refused for it */
	{
		char in[512], id[32];

		snprintf(in, sizeof(in), "%s/leap", h_dir(h));
		du_make_file(in, 10, 3);
		put_json(h, "admin", ARGS("put", in, "--title", "leap",
		    "--class", "OFFICIAL", "--to", "agency:hcc", "--review-by",
		    "2028-02-29", "--json"), id);
	}
	/* isad: a put and an audit query with impossible dates, sent raw */
	raw = raw_open(h, "admin");
	m.title = "raw";
	m.classification = "OFFICIAL";
	m.to = to;
	m.n_to = 1;
	m.review_by = "2026-02-30";
	pb.meta = &m;
	pb.size = 1;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	rep = raw_call(&raw, &req, NULL, 0);
	assert_int_equal(rep->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(rep->message, "is not a real date"));
	isa__envelope__free_unpacked(rep, NULL);
	m.review_by = "";
	m.embargo_until = "2026-02-29T10:00:00Z";
	rep = raw_call(&raw, &req, NULL, 0);
	assert_int_equal(rep->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(rep->message, "is not a real time"));
	isa__envelope__free_unpacked(rep, NULL);
	raw_close(&raw);
	raw = raw_open(h, "auditor");
	q.since = "2026-02-30";
	req.body_case = ISA__ENVELOPE__BODY_AUDIT_QUERY;
	req.audit_query = &q;
	rep = raw_call(&raw, &req, NULL, 0);
	assert_int_equal(rep->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(rep->message, "--since"));
	isa__envelope__free_unpacked(rep, NULL);
	raw_close(&raw);
}

/* keygen --out DIR: the key pair and a client.conf skeleton naming it,
 * 0600, server and server_key left (commented) for the operator. */
static void
test_keygen_writes_client_conf(void **state)
{
	harness_t *h = *state;
	char dir[512], conf[600], text[2048];
	struct stat st;
	h_result_t r;
	json_t *o;
	FILE *f;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/newuser", h_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "keygen", "--out", dir, "--json"));
	assert_int_equal(r.status, 0);
	assert_int_equal(json_lines(r.out, &o), 1);
	assert_int_equal(strlen(jget(o, "public_key")), 40);
	snprintf(conf, sizeof(conf), "%s", jget(o, "client_conf"));
	json_decref(o);
	h_result_free(&r);
	assert_int_equal(stat(conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(f = fopen(conf, "r"));
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "key_file = \"user.key\";"));
	assert_non_null(strstr(text, "\n#server = "));
	assert_non_null(strstr(text, "\n#server_key = "));
	/* as it stands it names what is missing */
	r = isa(h, NULL, ARGS("whoami", "--config", conf), 1);
	assert_non_null(strstr(r.err, "\"server\""));
	h_result_free(&r);
	/* never over an existing key, nor an existing client.conf */
	r = isa(h, NULL, ARGS("keygen", "--out", dir), 1);
	h_result_free(&r);
	snprintf(dir, sizeof(dir), "%s/hasconf", h_dir(h));
	mkdir(dir, 0700);
	snprintf(conf, sizeof(conf), "%s/client.conf", dir);
	h_write_file(conf, "server = \"mine\";\n", 0600);
	r = isa(h, NULL, ARGS("keygen", "--out", dir), 1);
	assert_non_null(strstr(r.err, "client.conf already exists"));
	h_result_free(&r);
	snprintf(conf, sizeof(conf), "%s/user.key", dir);
	assert_int_not_equal(stat(conf, &st), 0);
}

/* $XDG_CONFIG_HOME/isa/client.conf when neither --config nor ISA_CONFIG. */
static void
test_xdg_config_home(void **state)
{
	harness_t *h = *state;
	char xdg[512], link[600];
	const char *old = getenv("ISA_CONFIG");
	char *saved = old ? strdup(old) : NULL;
	h_result_t r;

	snprintf(xdg, sizeof(xdg), "%s/xdg", h_dir(h));
	mkdir(xdg, 0700);
	snprintf(link, sizeof(link), "%s/isa", xdg);
	assert_int_equal(symlink(h_user_dir(h, "reader"), link), 0);
	unsetenv("ISA_CONFIG");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	r = h_isa(h, NULL, ARGS("whoami"));
	unsetenv("XDG_CONFIG_HOME");
	if (saved != NULL)
		setenv("ISA_CONFIG", saved, 1);
	free(saved);
	if (r.status != 0 || strstr(r.out, "reader") == NULL)
		fail_msg("whoami through XDG_CONFIG_HOME: %d %s", r.status,
		    r.err);
	h_result_free(&r);
}

/* A non-auditor's isa audit: the refusal alone, no table header. */
static void
test_audit_refusal_alone(void **state)
{
	harness_t *h = *state;
	h_result_t r = isa(h, "reader", ARGS("audit"), 4);

	assert_string_equal(r.out, "");
	h_result_free(&r);
	r = isa(h, "reader", ARGS("audit", "--csv"), 4);
	assert_string_equal(r.out, "");
	h_result_free(&r);
}

/* isa get without -o at a terminal: binary content refused; -o - asks
 * for it.  The terminal is script(1)'s. */
static void
test_get_binary_at_terminal(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], cmd[2048];
	h_result_t r;

	if (access("/usr/bin/script", X_OK) != 0)
		skip();
	snprintf(in, sizeof(in), "%s/binary", h_dir(h));
	du_make_file(in, 4000, 9);
	put_json(h, "admin", ARGS("put", in, "--title", "bin", "--class",
	    "OFFICIAL", "--to", "agency:hcc", "--json"), id);
	snprintf(cmd, sizeof(cmd), "'%s' get %s --config '%s'",
	    getenv("ISA_BIN"), id, h_client_conf(h, "reader"));
	r = h_run(ARGS("/usr/bin/script", "-qec", cmd, "/dev/null"));
	if (r.status != 1 || strstr(r.out, "is not text") == NULL)
		fail_msg("get at a terminal: %d %s %s", r.status, r.out, r.err);
	h_result_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' get %s -o - --config '%s'",
	    getenv("ISA_BIN"), id, h_client_conf(h, "reader"));
	r = h_run(ARGS("/usr/bin/script", "-qec", cmd, "/dev/null"));
	if (r.status != 0)
		fail_msg("get -o - at a terminal: %d %s %s", r.status, r.out,
		    r.err);
	h_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_help_everywhere),
		cmocka_unit_test(test_unknown_option_everywhere),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_opt_equals_dashdash_and_json),
		cmocka_unit_test(test_json_on_every_command),
		cmocka_unit_test(test_impossible_dates),
		cmocka_unit_test(test_keygen_writes_client_conf),
		cmocka_unit_test(test_xdg_config_home),
		cmocka_unit_test(test_audit_refusal_alone),
		cmocka_unit_test(test_get_binary_at_terminal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
