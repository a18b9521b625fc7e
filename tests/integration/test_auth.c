/* test_auth.c: who may connect, and who isad says they are: the ZAP User-Id alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zmq.h>

#include "docs_util.h"
#include "harness.h"
#include "proto/envelope.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const whoami[] = { "whoami", NULL };

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "council-lead", "hcc", "BPSS",
	    "roles = [\"approver\"]; attributes = [\"safeguarding\"];");
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "expired-lead", "police", "SC",
	    "clearance_expires = \"2020-01-31\";");
	h_user(h, "left-agency", "police", "BPSS", "enabled = false;");
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

static void
test_each_user_is_who_their_key_says(void **state)
{
	harness_t *h = *state;
	static const struct { const char *id, *agency, *clearance, *roles; }
	    want[] = {
		{ "board-admin", "hcc (Hampshire County Council)", "SC",
		    "admin" },
		{ "council-lead", "hcc (Hampshire County Council)", "BPSS",
		    "approver" },
		{ "ctp-analyst", "ctpse (Counter Terrorism Policing South "
		    "East)", "SC", "approver" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		h_result_t r = h_isa(h, want[i].id, whoami);
		char line[256];

		assert_int_equal(r.status, 0);
		snprintf(line, sizeof(line), "user:       %s\n", want[i].id);
		assert_non_null(strstr(r.out, line));
		snprintf(line, sizeof(line), "agency:     %s\n", want[i].agency);
		assert_non_null(strstr(r.out, line));
		snprintf(line, sizeof(line), "clearance:  %s\n",
		    want[i].clearance);
		assert_non_null(strstr(r.out, line));
		snprintf(line, sizeof(line), "roles:      %s\n", want[i].roles);
		assert_non_null(strstr(r.out, line));
		h_result_free(&r);
	}
}

static void
test_whoami_json(void **state)
{
	h_result_t r = h_isa(*state, "council-lead", ARGS("whoami", "--json"));

	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"id\":\"council-lead\""));
	assert_non_null(strstr(r.out, "\"agency\":\"hcc\""));
	assert_non_null(strstr(r.out, "\"clearance\":\"BPSS\""));
	assert_non_null(strstr(r.out, "\"roles\":[\"approver\"]"));
	assert_non_null(strstr(r.out, "\"attributes\":[\"safeguarding\"]"));
	assert_int_equal(strchr(r.out, '\n') - r.out + 1, (long)strlen(r.out));
	h_result_free(&r);
}

/* `isa ARGS...` as user: its exit status (its output dropped). */
static int
isa_status(harness_t *h, const char *user, const char *const *args)
{
	h_result_t r = h_isa(h, user, args);
	int status = r.status;

	h_result_free(&r);
	return status;
}

/*
 * An SC clearance past its expiry date counts as NONE, as whoami says and
 * as isad decides: expired-lead (police, SC, expired) is allowed and
 * refused exactly what police-none (police, NONE) is, where police-lead
 * (police, SC, current) is allowed more.
 */
static void
test_expired_clearance_counts_as_none(void **state)
{
	harness_t *h = *state;
	h_result_t r = h_isa(h, "expired-lead", whoami);
	char in[512], open_id[32], os_id[32];
	const char *const *probes[7];
	int want[7], n = 0;

	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out,
	    "clearance:  SC (expired 2020-01-31: counts as NONE)"));
	h_result_free(&r);

	h_user(h, "police-none", "police", "NONE", NULL);
	h_user(h, "police-lead", "police", "SC", NULL);
	h_write_policy(h);
	h_reload(h);
	snprintf(in, sizeof(in), "%s/for-police", h_dir(h));
	du_make_file(in, 2000, 7);
	assert_int_equal(du_put(h, "ctp-analyst", in, "Open", "OFFICIAL",
	    "agency:police", NULL, open_id, NULL), 0);
	assert_int_equal(du_put(h, "ctp-analyst", in, "Sensitive",
	    "OFFICIAL-SENSITIVE", "agency:police", NULL, os_id, NULL), 0);

	/* What NONE may do, and what it may not (4: denied). */
	probes[n] = ARGS("get", open_id, "-o", "-"), want[n++] = 0;
	probes[n] = ARGS("info", open_id), want[n++] = 0;
	probes[n] = ARGS("get", os_id, "-o", "-"), want[n++] = 4;
	probes[n] = ARGS("info", os_id), want[n++] = 4;
	probes[n] = ARGS("put", in, "--title", "Mine", "--class",
	    "OFFICIAL-SENSITIVE", "--to", "agency:police"), want[n++] = 4;
	for (int i = 0; i < n; i++) {
		int none = isa_status(h, "police-none", probes[i]);
		int expired = isa_status(h, "expired-lead", probes[i]);

		if (none != want[i] || expired != none)
			fail_msg("%s %s: NONE exit %d, expired SC exit %d, "
			    "want %d for both", probes[i][0], probes[i][1],
			    none, expired, want[i]);
	}
	/* A current SC is allowed what the expired one is not. */
	assert_int_equal(isa_status(h, "police-lead",
	    ARGS("get", os_id, "-o", "-")), 0);
	/* ls lists what NONE may read, and no more. */
	r = h_isa(h, "expired-lead", ARGS("ls"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, open_id));
	assert_null(strstr(r.out, os_id));
	h_result_free(&r);
	r = h_isa(h, "expired-lead", ARGS("get", os_id, "-o", "-"));
	assert_non_null(strstr(r.err, "clearance"));
	assert_null(strstr(r.out, "Sensitive"));
	h_result_free(&r);
}

static void
test_unenrolled_key_refused(void **state)
{
	harness_t *h = *state;
	char dir[600], conf[700], text[512];
	h_result_t r;

	snprintf(dir, sizeof(dir), "%s/stranger", h_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "keygen", "--out", dir));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(conf, sizeof(conf), "%s/client.conf", dir);
	snprintf(text, sizeof(text), "server = \"%s\";\nserver_key = \"%s\";\n"
	    "key_file = \"user.key\";\n", h_endpoint(h), h_server_key(h));
	h_write_file(conf, text, 0644);
	r = h_run(ARGS(getenv("ISA_BIN"), "whoami", "--config", conf));
	assert_int_equal(r.status, 5);
	assert_non_null(strstr(r.err, "isad refused your key"));
	assert_null(strchr(strchr(r.err, '\n') + 1, '\n'));	/* one line */
	h_result_free(&r);
}

static void
test_refusal_logged_with_key_and_address(void **state)
{
	harness_t *h = *state;
	h_result_t r = h_isa(h, "left-agency", whoami);
	char *log, want[128];

	assert_int_equal(r.status, 5);
	assert_non_null(strstr(r.err, "isad refused your key"));
	h_result_free(&r);
	log = h_isad_log(h);
	snprintf(want, sizeof(want), "key %s belongs to disabled user "
	    "left-agency", h_user_pub(h, "left-agency"));
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, "refused handshake from 127.0.0.1"));
	free(log);
}

static void
test_wrong_server_key(void **state)
{
	harness_t *h = *state;
	char conf[700], text[512];
	h_result_t r;

	/* Another key pair's public half stands in for a wrong server key. */
	snprintf(conf, sizeof(conf), "%s/wrong-server.conf",
	    h_user_dir(h, "council-lead"));
	snprintf(text, sizeof(text), "server = \"%s\";\nserver_key = \"%s\";\n"
	    "key_file = \"user.key\";\ntimeout_ms = 3000;\n", h_endpoint(h),
	    h_user_pub(h, "board-admin"));
	h_write_file(conf, text, 0644);
	r = h_run(ARGS(getenv("ISA_BIN"), "whoami", "--config", conf));
	assert_int_equal(r.status, 5);
	assert_non_null(strstr(r.err, "server_key in"));
	h_result_free(&r);
}

/* A user disabled by a reload is refused from the next message on, even on
 * a connection that was accepted before. */
static void
test_reload_disables_user_on_open_connection(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	void *s = h_dealer(h, ctx, "ctp-analyst");
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp = NULL;
	Isa__WhoAmIRequest body = ISA__WHO_AM_IREQUEST__INIT;
	uint8_t *buf, reply[4096];
	size_t len;
	char err[256];
	int n;
	h_result_t r;

	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &body;
	assert_int_equal(envelope_encode(&req, &buf, &len), 0);
	assert_int_equal(h_send(s, buf, len, 0), 0);
	n = h_recv(s, reply, sizeof(reply), 10000);
	assert_true(n > 0);
	assert_int_equal(envelope_decode(reply, (size_t)n, ENVELOPE_REPLY, &resp, err,
	    sizeof(err)), 0);
	assert_int_equal(resp->status, ISA__STATUS__OK);
	assert_string_equal(resp->whoami_reply->id, "ctp-analyst");
	envelope_free(resp);

	h_user_update(h, "ctp-analyst", "ctpse", "SC", "enabled = false;");
	h_write_policy(h);
	h_reload(h);

	assert_int_equal(h_send(s, buf, len, 0), 0);
	n = h_recv(s, reply, sizeof(reply), 10000);
	assert_true(n > 0);
	assert_int_equal(envelope_decode(reply, (size_t)n, ENVELOPE_REPLY, &resp, err,
	    sizeof(err)), 0);
	assert_int_equal(resp->status, ISA__STATUS__UNAUTHENTICATED);
	envelope_free(resp);
	free(buf);
	zmq_close(s);
	zmq_ctx_term(ctx);

	r = h_isa(h, "ctp-analyst", whoami);
	assert_int_equal(r.status, 5);
	h_result_free(&r);
}

static void
test_bad_reload_keeps_old_policy(void **state)
{
	harness_t *h = *state;
	h_result_t r;
	char *log;

	h_write_file(h_policy_conf(h), "agencies = ( { id = \"hcc\"; name = "
	    "\"x\"; } );\nusers = ( oops );\n", 0644);
	h_reload(h);
	log = h_isad_log(h);
	assert_non_null(strstr(log, "policy reload refused, the old policy "
	    "stays:"));
	assert_non_null(strstr(log, "policy.conf:2:"));
	free(log);
	r = h_isa(h, "council-lead", whoami);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
}

static void
test_daemon_down(void **state)
{
	harness_t *h = *state;
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	r = h_isa(h, "council-lead", whoami);
	assert_int_equal(r.status, 5);
	assert_non_null(strstr(r.err, "cannot reach isad at"));
	assert_non_null(strstr(r.err, "is isad running"));
	h_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_each_user_is_who_their_key_says, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whoami_json, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_expired_clearance_counts_as_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unenrolled_key_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_refusal_logged_with_key_and_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_server_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_disables_user_on_open_connection, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_bad_reload_keeps_old_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_down, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
