/* test_attack_identity.c: a replaced key loses its open connection (records name the key used); a flood of refused handshakes adds few records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "harness.h"
#include "proto/envelope.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_user(h, "analyst", "ctpse", "SC", NULL);
	h_start(h);
	*state = h;
	return 0;
}

/* The same, with requests run in isad's main loop: replies then leave in
 * the order the requests came, so a reply to a later request proves an
 * inbox watch before it is held. */
static int
setup_inline(void **state)
{
	int rc;

	setenv("ISA_TEST_WORKERS", "0", 1);
	rc = setup(state);
	unsetenv("ISA_TEST_WORKERS");
	return rc;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

/* Send one request envelope (body set by the caller) with request id id. */
static void
send_req(void *s, Isa__Envelope *req, uint64_t id)
{
	uint8_t *buf;
	size_t len;

	req->request_id = id;
	assert_int_equal(envelope_encode(req, &buf, &len), 0);
	assert_int_equal(h_send(s, buf, len, 0), 0);
	free(buf);
}

/* Wait for one reply and return its status (its request id in *id). */
static Isa__Status
recv_status(void *s, uint64_t *id)
{
	static uint8_t reply[65536];
	Isa__Envelope *resp = NULL;
	char err[256];
	Isa__Status st;
	int n = h_recv(s, reply, sizeof(reply), 15000);

	assert_true(n > 0);
	assert_int_equal(envelope_decode(reply, (size_t)n, ENVELOPE_REPLY,
	    &resp, err, sizeof(err)), 0);
	st = resp->status;
	if (id != NULL)
		*id = resp->request_id;
	envelope_free(resp);
	return st;
}

static Isa__Status
whoami(void *s, uint64_t id)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__WhoAmIRequest body = ISA__WHO_AM_IREQUEST__INIT;
	uint64_t got;
	Isa__Status st;

	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &body;
	send_req(s, &req, id);
	st = recv_status(s, &got);
	assert_int_equal(got, id);
	return st;
}

/*
 * Give user a new key pair: the new secret goes where the user's client
 * reads it, the old pair to DIR/old-USER/, and policy.conf names the new
 * public key (the caller reloads).  The old and new public keys into old
 * and new (41 bytes each).
 */
static void
replace_key(harness_t *h, const char *user, char *old, char *new)
{
	char dir[512], from[700], to[700], *text, *at;
	const char *pub;
	h_result_t r;
	FILE *f;
	long n;

	snprintf(old, 41, "%s", h_user_pub(h, user));
	snprintf(dir, sizeof(dir), "%s/old-%s", h_dir(h), user);
	r = h_run(ARGS(getenv("ISA_BIN"), "keygen", "--out", dir));
	assert_int_equal(r.status, 0);
	pub = h_last_line(r.out);
	assert_int_equal(strlen(pub), 40);
	snprintf(new, 41, "%s", pub);
	/* swap: the user's dir gets the new pair, dir the old one */
	for (int i = 0; i < 2; i++) {
		const char *name = i == 0 ? "user.key" : "user.pub";
		char tmp[720];

		snprintf(from, sizeof(from), "%s/%s", h_user_dir(h, user), name);
		snprintf(to, sizeof(to), "%s/%s", dir, name);
		snprintf(tmp, sizeof(tmp), "%s.swap", to);
		assert_int_equal(rename(to, tmp), 0);
		assert_int_equal(rename(from, to), 0);
		assert_int_equal(rename(tmp, from), 0);
	}
	f = fopen(h_policy_conf(h), "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	at = strstr(text, old);
	assert_non_null(at);
	memcpy(at, pub, 40);
	h_write_file(h_policy_conf(h), text, 0644);
	free(text);
	h_result_free(&r);
}

/* The audit lines of user, as the auditor sees them with --json. */
static char *
audit_of(harness_t *h, const char *user)
{
	h_result_t r = h_isa(h, "auditor", ARGS("audit", "--user", user,
	    "--json"));
	char *out;

	assert_int_equal(r.status, 0);
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* Whether some line of text holds all of a, b and c. */
static bool
has_line(const char *text, const char *a, const char *b, const char *c)
{
	const char *line = text;

	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
		char *l = strndup(line, len);
		bool ok = l != NULL && strstr(l, a) != NULL &&
		    strstr(l, b) != NULL && strstr(l, c) != NULL;

		free(l);
		if (ok)
			return true;
		line = end != NULL ? end + 1 : NULL;
	}
	return false;
}

/*
 * A reload gives a user a new key: the connection opened with the old one
 * is refused (UNAUTHENTICATED) from its next message on, and every record
 * names the key the connection actually used.
 */
static void
test_replaced_key_cuts_open_connection(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	void *s = h_dealer(h, ctx, "analyst");
	char old[41], pub[41], want[80], *log;
	h_result_t r;

	assert_int_equal(whoami(s, 1), ISA__STATUS__OK);
	replace_key(h, "analyst", old, pub);
	h_reload(h);
	assert_int_equal(whoami(s, 2), ISA__STATUS__UNAUTHENTICATED);
	assert_int_equal(whoami(s, 3), ISA__STATUS__UNAUTHENTICATED);
	zmq_close(s);
	zmq_ctx_term(ctx);
	/* the user's client, with the new key, is served */
	r = h_isa(h, "analyst", ARGS("whoami"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);

	log = audit_of(h, "analyst");
	snprintf(want, sizeof(want), "\"key\":\"%s\"", old);
	assert_true(has_line(log, want, "\"decision\":\"permit\"",
	    "\"request\":1}"));
	assert_true(has_line(log, want, "\"decision\":\"deny\"",
	    "\"request\":2}"));
	assert_true(has_line(log, want, "\"reason\":\"unauthenticated\"",
	    "\"request\":3}"));
	/* the CLI's request names the new key */
	snprintf(want, sizeof(want), "\"key\":\"%s\"", pub);
	assert_true(has_line(log, want, "\"action\":\"whoami\"",
	    "\"decision\":\"permit\""));
	assert_false(has_line(log, want, "\"decision\":\"deny\"", ""));
	free(log);
	log = h_isad_log(h);
	assert_non_null(strstr(log, "its key replaced since it connected"));
	free(log);
}

/*
 * An inbox watch held when a reload replaces its user's key is answered
 * UNAUTHENTICATED at once, with a record naming the old key.
 */
static void
test_replaced_key_closes_held_watch(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	void *s = h_dealer(h, ctx, "analyst");
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__InboxQuery q = ISA__INBOX_QUERY__INIT;
	char old[41], pub[41], want[80], *log;
	uint64_t id;

	q.wait_ms = 50000;
	req.body_case = ISA__ENVELOPE__BODY_INBOX;
	req.inbox = &q;
	send_req(s, &req, 7);
	/* answered after the watch: the watch is held now */
	assert_int_equal(whoami(s, 8), ISA__STATUS__OK);
	replace_key(h, "analyst", old, pub);
	h_reload(h);
	assert_int_equal(recv_status(s, &id), ISA__STATUS__UNAUTHENTICATED);
	assert_int_equal(id, 7);
	zmq_close(s);
	zmq_ctx_term(ctx);
	log = audit_of(h, "analyst");
	snprintf(want, sizeof(want), "\"key\":\"%s\"", old);
	assert_true(has_line(log, want, "\"decision\":\"deny\"",
	    "\"request\":7}"));
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_replaced_key_cuts_open_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replaced_key_closes_held_watch, setup_inline,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
