/* test_audit.c: every access on the record, verifiable offline; tampering and rollback caught; fail closed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "docs_util.h"
#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MAX_LINES 4096

static int
setup(void **state)
{
	harness_t *h = h_new();

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

/* Export as the auditor into DIR/name; returns its path (static). */
static const char *
export(harness_t *h, const char *name)
{
	static char path[512];
	h_result_t r;

	snprintf(path, sizeof(path), "%s/%s", h_dir(h), name);
	r = h_isa(h, "auditor", ARGS("audit", "export", "-o", path, "--force"));
	if (r.status != 0)
		fail_msg("export: %s", r.err);
	h_result_free(&r);
	return path;
}

static h_result_t
verify(harness_t *h, const char *file, const char *since)
{
	char key[512];

	snprintf(key, sizeof(key), "%s/audit.pub.pem", h_data_dir(h));
	if (since != NULL)
		return h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", file,
		    "--key", key, "--since", since));
	return h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", file, "--key",
	    key));
}

/* The lines of a file, each malloc'd. */
static size_t
read_lines(const char *path, char **lines)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;

	assert_non_null(f);
	while (n < MAX_LINES && getline(&line, &cap, f) > 0) {
		lines[n++] = line;
		line = NULL;
		cap = 0;
	}
	free(line);
	fclose(f);
	return n;
}

static void
write_lines(const char *path, char **lines, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputs(lines[i], f);
	fclose(f);
}

static size_t
count_matching(char **lines, size_t n, const char *a, const char *b)
{
	size_t k = 0;

	for (size_t i = 1; i < n; i++)
		k += strstr(lines[i], a) != NULL &&
		    (b == NULL || strstr(lines[i], b) != NULL);
	return k;
}

static void
free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
}

static void
test_every_access_recorded(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], fake[32];
	char *lines[MAX_LINES];
	size_t n;
	h_result_t r;

	snprintf(in, sizeof(in), "%s/doc", h_dir(h));
	du_make_file(in, 300000, 1);
	assert_int_equal(du_put(h, "ctp-analyst", in, "Profile",
	    "OFFICIAL-SENSITIVE", "agency:ctpse", NULL, id, NULL), 0);
	for (int i = 0; i < 3; i++) {
		r = h_isa(h, "council-lead", ARGS("whoami"));
		h_result_free(&r);
	}
	r = h_isa(h, "ctp-analyst", ARGS("get", id));	/* permit */
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	r = h_isa(h, "council-lead", ARGS("get", id));	/* off list */
	assert_int_equal(r.status, 3);
	h_result_free(&r);
	strcpy(fake, id);
	fake[1] = fake[1] == 'A' ? 'B' : 'A';
	r = h_isa(h, "council-lead", ARGS("info", fake));	/* no such id */
	h_result_free(&r);
	r = h_isa(h, "council-lead", ARGS("audit"));	/* not an auditor */
	assert_int_equal(r.status, 4);
	h_result_free(&r);

	n = read_lines(export(h, "all.jsonl"), lines);
	assert_true(n > 1);
	assert_non_null(strstr(lines[0], "\"format\":\"isa-audit-export/2\""));
	/* exactly one record per access, whatever the messages */
	assert_int_equal(count_matching(lines, n, "\"actor\":\"council-lead\"",
	    "\"action\":\"whoami\""), 3);
	assert_int_equal(count_matching(lines, n, "\"actor\":\"ctp-analyst\"",
	    "\"action\":\"put\""), 1);
	assert_int_equal(count_matching(lines, n, "\"actor\":\"ctp-analyst\"",
	    "\"action\":\"get\""), 1);
	assert_int_equal(count_matching(lines, n, "\"actor\":\"council-lead\"",
	    "\"decision\":\"not_found\""), 2);
	assert_int_equal(count_matching(lines, n, "\"action\":\"audit.query\"",
	    "\"decision\":\"deny\""), 1);
	assert_int_equal(count_matching(lines, n, "\"action\":\"start\"",
	    "\"config_sha256\":"), 1);
	/* the refused get names the id and, since it exists, its marking */
	assert_int_equal(count_matching(lines, n, id,
	    "\"marking\":\"OFFICIAL-SENSITIVE RECIPIENTS ONLY\""), 3);
	/* never a title */
	assert_int_equal(count_matching(lines, n, "Profile", NULL), 0);
	free_lines(lines, n);
	r = verify(h, export(h, "all.jsonl"), NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "verified:"));
	h_result_free(&r);
}

static void
test_query_filters_and_formats(void **state)
{
	harness_t *h = *state;
	h_result_t r;

	r = h_isa(h, "council-lead", ARGS("whoami"));
	h_result_free(&r);
	r = h_isa(h, "auditor", ARGS("audit", "--user", "council-lead",
	    "--json"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"actor\":\"council-lead\""));
	assert_null(strstr(r.out, "\"actor\":\"auditor\""));
	assert_null(strstr(r.out, "\"leaf\""));
	h_result_free(&r);
	r = h_isa(h, "auditor", ARGS("audit", "--action", "whoami", "--csv"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "seq,time,actor,agency,key,action"));
	assert_non_null(strstr(r.out, ",whoami,"));
	h_result_free(&r);
	r = h_isa(h, "auditor", ARGS("audit", "--since", "2000-01-01",
	    "--until", "2001-01-01", "--json"));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	h_result_free(&r);
	/* Not a date: a usage error, caught by isa before isad is asked. */
	r = h_isa(h, "auditor", ARGS("audit", "--since", "yesterday"));
	assert_int_equal(r.status, 2);
	h_result_free(&r);
}

static void
test_checkpoint_is_a_signed_note(void **state)
{
	harness_t *h = *state;
	h_result_t r = h_isa(h, "auditor", ARGS("audit", "checkpoint"));

	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "test.example.org/isa\n", 21) == 0);
	assert_non_null(strstr(r.out, "\n\n\xe2\x80\x94 test.example.org/isa "));
	h_result_free(&r);
	r = h_isa(h, "council-lead", ARGS("audit", "checkpoint"));
	assert_int_equal(r.status, 4);
	h_result_free(&r);
}

static void
expect_bad(harness_t *h, char **lines, size_t n, const char *name,
    const char *why)
{
	char path[512];
	h_result_t r;

	snprintf(path, sizeof(path), "%s/%s", h_dir(h), name);
	write_lines(path, lines, n);
	r = verify(h, path, NULL);
	if (r.status != 6 || strstr(r.err, why) == NULL)
		fail_msg("%s: exit %d: %s", name, r.status, r.err);
	h_result_free(&r);
}

/* "request" (a client's random 64-bit request id) is a decimal string in
 * export/2 and in audit --json, so jq and JavaScript keep every digit; an
 * export written as /1 (a number) still verifies, each as its header says. */
static void
test_request_ids_and_older_exports(void **state)
{
	harness_t *h = *state;
	char *lines[MAX_LINES], *v1[MAX_LINES], path[512];
	size_t n, with_request = 0;
	h_result_t r;

	r = h_isa(h, "council-lead", ARGS("whoami"));
	h_result_free(&r);
	r = h_isa(h, "auditor", ARGS("audit", "--json"));
	assert_int_equal(r.status, 0);
	for (char *p = r.out; *p != '\0'; p = strchr(p, '\n') + 1) {
		json_t *o = json_loadb(p, (size_t)(strchr(p, '\n') - p), 0,
		    NULL), *q;

		assert_true(json_is_object(o));
		if ((q = json_object_get(o, "request")) != NULL) {
			assert_true(json_is_string(q));
			with_request++;
		}
		json_decref(o);
	}
	assert_true(with_request > 0);
	h_result_free(&r);

	/* the same export as /1 wrote it: header /1, request a number */
	n = read_lines(export(h, "v2.jsonl"), lines);
	for (size_t i = 0; i < n; i++) {
		char *p;

		v1[i] = strdup(lines[i]);
		if (i == 0 && (p = strstr(v1[i], "export/2")) != NULL)
			p[7] = '1';
		if ((p = strstr(v1[i], "\"request\":\"")) != NULL) {
			char *end = strchr(p + 11, '"');

			memmove(p + 10, p + 11, (size_t)(end - p - 11));
			memmove(end - 1, end + 1, strlen(end + 1) + 1);
		}
	}
	write_lines((snprintf(path, sizeof(path), "%s/v1.jsonl", h_dir(h)),
	    path), v1, n);
	r = verify(h, path, NULL);
	if (r.status != 0)
		fail_msg("an export/1 does not verify: %s", r.err);
	h_result_free(&r);
	/* each is read as its header says: /1 lines under a /2 header, and
	 * /2 lines under a /1 header, are relabelled records */
	{
		char *first = v1[0];

		v1[0] = lines[0];
		expect_bad(h, v1, n, "mixed1.jsonl", "relabelled");
		v1[0] = first;
		first = lines[0];
		lines[0] = v1[0];
		expect_bad(h, lines, n, "mixed2.jsonl", "relabelled");
		lines[0] = first;
	}
	free_lines(v1, n);
	free_lines(lines, n);
}

static void
test_tampering_detected(void **state)
{
	harness_t *h = *state;
	char *lines[MAX_LINES], *saved, *p;
	size_t n;

	for (int i = 0; i < 5; i++) {
		h_result_t r = h_isa(h, "council-lead", ARGS("whoami"));

		h_result_free(&r);
	}
	n = read_lines(export(h, "t.jsonl"), lines);
	assert_true(n > 6);

	/* relabelled: a decoded field changed, the bytes not */
	saved = lines[3];
	lines[3] = strdup(saved);
	p = strstr(lines[3], "\"decision\":\"permit\"");
	if (p == NULL)
		p = strstr(lines[3], "\"decision\":\"");
	assert_non_null(p);
	memcpy(p + 12, "deny", 4);
	expect_bad(h, lines, n, "relabel.jsonl", "record 2:");
	free(lines[3]);
	lines[3] = saved;

	/* removed */
	expect_bad(h, lines, 3, "short.jsonl", "records were removed");
	{
		char *rest[MAX_LINES];

		memcpy(rest, lines, sizeof(char *) * n);
		memmove(&rest[2], &rest[3], sizeof(char *) * (n - 3));
		expect_bad(h, rest, n - 1, "removed.jsonl", "record 1 ");
		/* reordered */
		memcpy(rest, lines, sizeof(char *) * n);
		rest[2] = lines[3];
		rest[3] = lines[2];
		expect_bad(h, rest, n, "reordered.jsonl", "record 1 ");
	}
	/* edited bytes whose fields were re-written to match: the tree */
	{
		char *rest[MAX_LINES];
		char *l = strdup(lines[4]), *leaf = strstr(l, "\"leaf\":\"") + 8;

		/* flip one base64 character of the leaf */
		leaf[10] = leaf[10] == 'A' ? 'B' : 'A';
		memcpy(rest, lines, sizeof(char *) * n);
		rest[4] = l;
		expect_bad(h, rest, n, "edited.jsonl", "record 3");
		free(l);
	}
	/* a foreign key */
	{
		h_result_t r;
		char path[512], other[512];

		snprintf(path, sizeof(path), "%s/t.jsonl", h_dir(h));
		snprintf(other, sizeof(other), "%s/other.pem", h_dir(h));
		r = h_run(ARGS("/bin/sh", "-c", "true"));
		h_result_free(&r);
		{
			harness_t *h2 = h_new();

			snprintf(other, sizeof(other), "%s/audit.pub.pem",
			    h_data_dir(h2));
			r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify",
			    path, "--key", other));
			assert_int_equal(r.status, 6);
			assert_non_null(strstr(r.err, "not signed by this key"));
			h_result_free(&r);
			h_free(h2);
		}
	}
	free_lines(lines, n);
}

static void
test_refused_handshakes_recorded(void **state)
{
	harness_t *h = *state;
	char dir[512], conf[600], text[512];
	char *lines[MAX_LINES];
	size_t n;
	h_result_t r;

	snprintf(dir, sizeof(dir), "%s/stranger", h_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "keygen", "--out", dir));
	h_result_free(&r);
	snprintf(conf, sizeof(conf), "%s/client.conf", dir);
	snprintf(text, sizeof(text), "server = \"%s\";\nserver_key = \"%s\";\n"
	    "key_file = \"user.key\";\ntimeout_ms = 2000;\n", h_endpoint(h),
	    h_server_key(h));
	h_write_file(conf, text, 0644);
	for (int i = 0; i < 3; i++) {
		r = h_run(ARGS(getenv("ISA_BIN"), "whoami", "--config", conf));
		assert_int_equal(r.status, 5);
		h_result_free(&r);
	}
	/* the repeats are counted into one record when the window ends, or
	 * as isad stops */
	assert_int_equal(h_stop(h), 0);
	h_start(h);
	n = read_lines(export(h, "hs.jsonl"), lines);
	assert_true(count_matching(lines, n, "\"action\":\"handshake\"",
	    "\"reason\":\"not_enrolled\"") >= 2);
	assert_int_equal(count_matching(lines, n, "\"action\":\"handshake\"",
	    "\"count\":1}"), 1);
	assert_true(count_matching(lines, n, "\"action\":\"handshake\"",
	    "\"count\":") == 2);
	free_lines(lines, n);
}

static void
test_rollback_detected(void **state)
{
	harness_t *h = *state;
	char cmd[2048], cp[512];
	h_result_t r;

	for (int i = 0; i < 3; i++) {
		r = h_isa(h, "council-lead", ARGS("whoami"));
		h_result_free(&r);
	}
	assert_int_equal(h_stop(h), 0);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s/backup", h_data_dir(h),
	    h_dir(h));
	assert_int_equal(system(cmd), 0);
	h_start(h);
	for (int i = 0; i < 5; i++) {
		r = h_isa(h, "council-lead", ARGS("whoami"));
		h_result_free(&r);
	}
	r = h_isa(h, "auditor", ARGS("audit", "checkpoint"));
	assert_int_equal(r.status, 0);
	snprintf(cp, sizeof(cp), "%s/kept.checkpoint", h_dir(h));
	h_write_file(cp, r.out, 0644);
	h_result_free(&r);
	/* An honest log verifies against the kept checkpoint. */
	r = verify(h, export(h, "honest.jsonl"), cp);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "only grew"));
	h_result_free(&r);
	/* Roll the data dir back, then let it grow past the kept size. */
	assert_int_equal(h_stop(h), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mv %s/backup %s",
	    h_data_dir(h), h_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	h_start(h);
	for (int i = 0; i < 20; i++) {
		r = h_isa(h, "ctp-analyst", ARGS("whoami"));
		h_result_free(&r);
	}
	r = verify(h, export(h, "rolled.jsonl"), cp);
	assert_int_equal(r.status, 6);
	assert_non_null(strstr(r.err, "rewritten or rolled back"));
	h_result_free(&r);
	/* by itself the rolled-back export is self-consistent */
	r = verify(h, export(h, "rolled.jsonl"), NULL);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
}

/* A secret document stored as ctp-analyst (its id), then the fault file
 * (DIR/fault, path in fault) written with how. */
static void
secret_then_fault(harness_t *h, char id[32], const char *how,
    char fault[512])
{
	char in[512];

	snprintf(in, sizeof(in), "%s/secret", h_dir(h));
	h_write_file(in, "CONTENT-THAT-MUST-NOT-LEAVE", 0644);
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "OFFICIAL",
	    "agency:ctpse", NULL, id, NULL), 0);
	snprintf(fault, 512, "%s/fault", h_dir(h));
	h_write_file(fault, how, 0644);
}

/* With the fault cleared, isad serves the secret again. */
static void
serves_again(harness_t *h, const char *fault, const char *id)
{
	h_result_t r;

	unlink(fault);
	r = h_isa(h, "ctp-analyst", ARGS("get", id));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "CONTENT-THAT-MUST-NOT-LEAVE");
	h_result_free(&r);
}

/* A write fails (the file $fault_env names exists): the request fails with
 * UNAVAILABLE and no content leaves; when the fault clears, service
 * resumes. */
static void
fails_closed(harness_t *h)
{
	char id[32], out[512], fault[512];
	struct stat st;
	h_result_t r;

	secret_then_fault(h, id, "", fault);
	r = h_isa(h, "ctp-analyst", ARGS("get", id));
	assert_int_equal(r.status, 5);
	assert_null(strstr(r.out, "CONTENT"));
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "unavailable"));
	assert_non_null(strstr(r.err, "nothing was changed"));
	h_result_free(&r);
	snprintf(out, sizeof(out), "%s/out", h_dir(h));
	r = h_isa(h, "ctp-analyst", ARGS("get", id, "-o", out));
	assert_int_equal(r.status, 5);
	assert_int_not_equal(stat(out, &st), 0);
	h_result_free(&r);
	assert_true(h_wait_log(h, "the store cannot commit"));
	serves_again(h, fault, id);
}

/* The audit record cannot be written. */
static void
test_fail_closed(void **state)
{
	h_need_test_build("ISAD_TEST_AUDIT_FAULT");
	fails_closed(*state);
}

/* The group commit fails, as when the disk will not sync. */
static void
test_failed_commit_fails_closed(void **state)
{
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	fails_closed(*state);
}

/*
 * The meta page's write fails (LMDB then refuses the store until it is
 * reopened, and the commit may have landed): the request is told isad
 * cannot say whether it was recorded, no content leaves, isad exits 1 for
 * its service manager to restart it, and a restarted isad serves.
 */
static void
test_store_panic_restarts(void **state)
{
	harness_t *h = *state;
	char id[32], fault[512];
	h_result_t r;

	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	secret_then_fault(h, id, "panic", fault);
	r = h_isa(h, "ctp-analyst", ARGS("get", id));
	assert_int_equal(r.status, 5);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "could not confirm whether"));
	h_result_free(&r);
	assert_true(h_wait_log(h, "isad stops: its store must be reopened"));
	assert_int_equal(h_stop(h), 1);
	h_start(h);
	serves_again(h, fault, id);
}

/* The same with no request in flight: a policy reload's record is the
 * commit that fails, and isad still stops at once. */
static void
test_store_panic_unasked(void **state)
{
	harness_t *h = *state;
	char fault[512];

	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	snprintf(fault, sizeof(fault), "%s/fault", h_dir(h));
	h_write_file(fault, "panic", 0644);
	assert_int_equal(kill(h_isad_pid(h), SIGHUP), 0);
	assert_true(h_wait_log(h, "isad stops: its store must be reopened"));
	assert_int_equal(h_stop(h), 1);
	unlink(fault);
}

/* isad started with the fault switch env naming DIR/fault. */
static harness_t *
start_with_fault(const char *env)
{
	harness_t *h = h_new();
	char fault[512];

	snprintf(fault, sizeof(fault), "%s/fault", h_dir(h));
	setenv(env, fault, 1);
	h_user(h, "ctp-analyst", "ctpse", "SC", NULL);
	h_start(h);
	unsetenv(env);
	return h;
}

static int
setup_audit_fault(void **state)
{
	*state = start_with_fault("ISAD_TEST_AUDIT_FAULT");
	return 0;
}

static int
setup_commit_fault(void **state)
{
	*state = start_with_fault("ISAD_TEST_COMMIT_FAULT");
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_access_recorded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_filters_and_formats,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_checkpoint_is_a_signed_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampering_detected,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_request_ids_and_older_exports, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_refused_handshakes_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_detected, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_closed,
		    setup_audit_fault, teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_commit_fails_closed, setup_commit_fault,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_panic_restarts,
		    setup_commit_fault, teardown),
		cmocka_unit_test_setup_teardown(test_store_panic_unasked,
		    setup_commit_fault, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
