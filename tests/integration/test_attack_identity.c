/* test_attack_identity.c: a replaced key loses its open connection (records name the key used); a flood of refused handshakes adds few records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* A window of 3 s: isad inherits the test build's knob. */
static int
setup_window(void **state)
{
	int rc;

	setenv("ISAD_TEST_HANDSHAKE_WINDOW_MS", "3000", 1);
	rc = setup(state);
	unsetenv("ISAD_TEST_HANDSHAKE_WINDOW_MS");
	return rc;
}

/* A ceiling of 5 refused-handshake records a minute. */
static int
setup_ceiling(void **state)
{
	harness_t *h = h_new_conf("limits = { max_message = 1048576; "
	    "chunk = 262144; handshake_records = 5; };");

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

		snprintf(from, sizeof(from), "%s/%s", h_user_dir(h, user),
		    name);
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
 * n handshakes from source address src (NULL: any), each with a fresh key
 * nobody enrolled, each waited for until isad has refused it (the
 * client's HANDSHAKE_FAILED_AUTH event), none retried.
 */
static void
refused_handshakes(harness_t *h, void *ctx, const char *src, int n)
{
	static unsigned seq;
	char ep[128];

	if (src != NULL)
		snprintf(ep, sizeof(ep), "tcp://%s:0;127.0.0.1:%d", src,
		    h_port(h));
	else
		snprintf(ep, sizeof(ep), "%s", h_endpoint(h));
	for (int done = 0; done < n;) {
		void *s[16], *mon[16];
		int batch = n - done < 16 ? n - done : 16;

		for (int i = 0; i < batch; i++) {
			char pub[41], sec[41], mep[64];
			int linger = 0, never = -1;

			assert_int_equal(zmq_curve_keypair(pub, sec), 0);
			s[i] = zmq_socket(ctx, ZMQ_DEALER);
			snprintf(mep, sizeof(mep), "inproc://mon-%u", seq++);
			assert_non_null(s[i]);
			assert_int_equal(zmq_socket_monitor(s[i], mep,
			    ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
			    ZMQ_EVENT_HANDSHAKE_SUCCEEDED), 0);
			mon[i] = zmq_socket(ctx, ZMQ_PAIR);
			assert_int_equal(zmq_connect(mon[i], mep), 0);
			assert_int_equal(zmq_setsockopt(s[i],
			    ZMQ_CURVE_SERVERKEY, h_server_key(h), 40), 0);
			assert_int_equal(zmq_setsockopt(s[i],
			    ZMQ_CURVE_PUBLICKEY, pub, 40), 0);
			assert_int_equal(zmq_setsockopt(s[i],
			    ZMQ_CURVE_SECRETKEY, sec, 40), 0);
			assert_int_equal(zmq_setsockopt(s[i], ZMQ_LINGER,
			    &linger, sizeof(linger)), 0);
			assert_int_equal(zmq_setsockopt(s[i],
			    ZMQ_RECONNECT_IVL, &never, sizeof(never)), 0);
			assert_int_equal(zmq_connect(s[i], ep), 0);
		}
		for (int i = 0; i < batch; i++) {
			uint8_t ev[6];
			char addr[256];
			uint16_t event;

			assert_true(h_recv(mon[i], ev, sizeof(ev), 15000) ==
			    (int)sizeof(ev));
			(void)h_recv(mon[i], addr, sizeof(addr), 1000);
			memcpy(&event, ev, sizeof(event));
			assert_int_equal(event,
			    ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
			zmq_close(s[i]);
			zmq_close(mon[i]);
		}
		done += batch;
	}
}

/* The handshake records as the auditor sees them (--json), how many in
 * *n, and the sum of their counts in *sum. */
static char *
handshakes(harness_t *h, int *n, uint64_t *sum)
{
	h_result_t r = h_isa(h, "auditor", ARGS("audit", "--action",
	    "handshake", "--json"));
	char *out;

	assert_int_equal(r.status, 0);
	*n = 0;
	*sum = 0;
	for (const char *l = r.out; (l = strstr(l, "\"action\":\"handshake\""))
	    != NULL; l++) {
		const char *c = strstr(l, "\"count\":"), *e = strchr(l, '\n');

		(*n)++;
		if (c != NULL && (e == NULL || c < e))
			*sum += strtoull(c + 8, NULL, 10);
	}
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* Wait (up to 30 s) until isad's log holds text k times. */
static void
wait_log_count(harness_t *h, const char *text, int k)
{
	for (int tries = 0; tries < 300; tries++) {
		char *log = h_isad_log(h);
		int seen = 0;

		for (const char *at = log; (at = strstr(at, text)) != NULL;
		    at++)
			seen++;
		free(log);
		if (seen >= k)
			return;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	fail_msg("isad's log never held \"%s\" %d times", text, k);
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
	    "\"request\":\"1\"}"));
	assert_true(has_line(log, want, "\"decision\":\"deny\"",
	    "\"request\":\"2\"}"));
	assert_true(has_line(log, want, "\"reason\":\"key_replaced\"",
	    "\"request\":\"2\"}"));
	/* The next refusal of that user in the minute is counted, not a
	 * record of its own (test_stale_connection_counted). */
	assert_false(has_line(log, "\"request\":\"3\"}", "", ""));
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
	    "\"request\":\"7\"}"));
	free(log);
}

/*
 * 300 handshakes from one address, each with a fresh key, add two
 * records: the first, and one that counts the other 299 attempts and
 * their 299 distinct keys (written as the window ends, here as isad
 * stops); the counts add up to the attempts.
 */
static void
test_flood_of_fresh_keys_adds_two_records(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	uint64_t sum;
	char *out;
	int n;

	refused_handshakes(h, ctx, NULL, 300);
	zmq_ctx_term(ctx);
	assert_int_equal(h_stop(h), 0);
	h_start(h);
	out = handshakes(h, &n, &sum);
	assert_int_equal(n, 2);
	assert_int_equal(sum, 300);
	assert_non_null(strstr(out, "\"target\":\"127.0.0.1\","));
	assert_non_null(strstr(out, "\"count\":1}"));
	assert_non_null(strstr(out, "\"reason\":\"not_enrolled\","
	    "\"count\":299,\"keys\":299}"));
	free(out);
}

/*
 * With a window of 3 s (a test build's knob), each window of a flood adds
 * its first record at once and one record counting the rest when it ends.
 */
static void
test_each_window_adds_first_and_tally(void **state)
{
	harness_t *h = *state;
	void *ctx;
	uint64_t sum;
	char *out;
	int n;

	h_need_test_build("ISAD_TEST_HANDSHAKE_WINDOW_MS");
	ctx = zmq_ctx_new();
	for (int w = 1; w <= 2; w++) {
		refused_handshakes(h, ctx, NULL, 10);
		wait_log_count(h, "refused handshakes from 127.0.0.1: 9 more "
		    "in the window, 9 distinct keys\n", w);
	}
	zmq_ctx_term(ctx);
	out = handshakes(h, &n, &sum);
	assert_int_equal(n, 4);
	assert_int_equal(sum, 20);
	free(out);
}

/*
 * With a ceiling of 5 records a minute, two addresses are recorded each
 * with a first record and a tally; refusals from further addresses are
 * only counted, into one record with the target "*".  Every attempt is
 * counted, and the CSV and an export carry the key counts, verified.
 */
static void
test_ceiling_bounds_records_from_many_addresses(void **state)
{
	harness_t *h = *state;
	static const struct { const char *src; int n; } from[] = {
		{ "127.0.0.2", 3 }, { "127.0.0.3", 2 }, { "127.0.0.4", 4 },
		{ "127.0.0.5", 1 },
	};
	void *ctx = zmq_ctx_new();
	char path[512], key[512];
	uint64_t sum;
	h_result_t r;
	char *out;
	int n;

	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++)
		refused_handshakes(h, ctx, from[i].src, from[i].n);
	zmq_ctx_term(ctx);
	assert_int_equal(h_stop(h), 0);
	h_start(h);
	out = handshakes(h, &n, &sum);
	assert_int_equal(n, 5);
	assert_int_equal(sum, 10);
	assert_non_null(strstr(out, "\"target\":\"127.0.0.2\",\"decision\":"
	    "\"deny\",\"reason\":\"not_enrolled\",\"count\":2,\"keys\":2}"));
	assert_non_null(strstr(out, "\"target\":\"*\",\"decision\":"
	    "\"deny\",\"reason\":\"not_enrolled\",\"count\":5,\"keys\":5}"));
	assert_null(strstr(out, "127.0.0.4"));
	free(out);

	r = h_isa(h, "auditor", ARGS("audit", "--action", "handshake",
	    "--csv"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, ",count,keys\n"));
	assert_non_null(strstr(r.out, ",5,5\n"));
	h_result_free(&r);
	snprintf(path, sizeof(path), "%s/flood.jsonl", h_dir(h));
	r = h_isa(h, "auditor", ARGS("audit", "export", "-o", path));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	snprintf(key, sizeof(key), "%s/audit.pub.pem", h_data_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", path, "--key",
	    key));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
}

/* How many lines of text hold a. */
static int
count_lines(const char *text, const char *a)
{
	int n = 0;

	for (const char *l = text; l != NULL && *l != '\0';) {
		const char *end = strchr(l, '\n');
		char *line = strndup(l, end != NULL ? (size_t)(end - l) :
		    strlen(l));

		assert_non_null(line);
		n += strstr(line, a) != NULL;
		free(line);
		l = end != NULL ? end + 1 : NULL;
	}
	return n;
}

/*
 * A connection that outlives its user (disabled by a reload) cannot flood
 * the audit log: its first refused request is a record, the rest of the
 * minute's are counted into one more, written when the minute ends or
 * isad stops.
 */
static void
test_stale_connection_counted(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	void *s = h_dealer(h, ctx, "analyst");
	char *log;

	assert_int_equal(whoami(s, 1), ISA__STATUS__OK);
	h_user_update(h, "analyst", "ctpse", "SC", "enabled = false;");
	h_write_policy(h);
	h_reload(h);
	for (uint64_t id = 2; id <= 301; id++)
		assert_int_equal(whoami(s, id), ISA__STATUS__UNAUTHENTICATED);
	zmq_close(s);
	zmq_ctx_term(ctx);
	log = audit_of(h, "analyst");
	assert_int_equal(count_lines(log, "\"decision\":\"deny\""), 1);
	assert_true(has_line(log, "\"reason\":\"disabled\"",
	    "\"action\":\"whoami\"", "\"request\":\"2\"}"));
	free(log);
	/* Stopping writes the count; the next isad serves it. */
	assert_int_equal(h_stop(h), 0);
	h_start(h);
	log = audit_of(h, "analyst");
	assert_int_equal(count_lines(log, "\"decision\":\"deny\""), 2);
	assert_true(has_line(log, "\"action\":\"request\"",
	    "\"reason\":\"disabled\"", "\"count\":299"));
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
		cmocka_unit_test_setup_teardown(
		    test_stale_connection_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_flood_of_fresh_keys_adds_two_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_each_window_adds_first_and_tally, setup_window,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_ceiling_bounds_records_from_many_addresses,
		    setup_ceiling, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
