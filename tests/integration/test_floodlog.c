/* test_floodlog.c: isad's log under floods of refused handshakes of every kind, and of bad requests from an enrolled user: a bounded number of lines, whatever the flood is made of. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "harness.h"
#include "proto/keyfile.h"
#include "raw.h"

#define FLOOD 48	/* handshakes in each burst */
#define BATCH 16	/* of them at once */
#define CEILING_CONF "limits = { max_message = 1048576; chunk = 262144; " \
	"handshake_records = 5; };"

/* What a burst's handshakes offer. */
typedef enum {
	FRESH,		/* a fresh key each, nobody's */
	SAME,		/* one key nobody enrolled, over and over */
	DISABLED,	/* the key of "gone", a disabled user */
	WRONG_SERVER,	/* a fresh key, and a server key not isad's */
	PLAIN,		/* no security mechanism, against isad's CURVE */
} kind_t;

static int
setup(void **state)
{
	harness_t *h = h_new_conf(CEILING_CONF);

	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_user(h, "gone", "hcc", "SC", "enabled = false;");
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

/* The client's keys for kind into pub and sec (41 bytes each). */
static void
client_keys(harness_t *h, kind_t kind, char *pub, char *sec)
{
	static char same_pub[41], same_sec[41];
	char path[600], err[256];

	if (kind == SAME) {
		if (same_pub[0] == '\0')
			assert_int_equal(zmq_curve_keypair(same_pub, same_sec),
			    0);
		memcpy(pub, same_pub, 41);
		memcpy(sec, same_sec, 41);
	} else if (kind == DISABLED) {
		snprintf(path, sizeof(path), "%s/user.key",
		    h_user_dir(h, "gone"));
		assert_int_equal(keyfile_read(path, pub, sec, err,
		    sizeof(err)), 0);
	} else
		assert_int_equal(zmq_curve_keypair(pub, sec), 0);
}

/*
 * n handshakes of kind from source address src (NULL: any), each waited
 * for until it has failed on the client's side (refused by ZAP, or the
 * connection dropped before it), none retried.
 */
static void
burst(harness_t *h, void *ctx, kind_t kind, const char *src, int n)
{
	static unsigned seq;
	char ep[128];

	if (src != NULL)
		snprintf(ep, sizeof(ep), "tcp://%s:0;127.0.0.1:%d", src,
		    h_port(h));
	else
		snprintf(ep, sizeof(ep), "%s", h_endpoint(h));
	for (int done = 0; done < n; done += BATCH) {
		void *s[BATCH], *mon[BATCH];
		int batch = n - done < BATCH ? n - done : BATCH;

		for (int i = 0; i < batch; i++) {
			char pub[41], sec[41], other[41], scratch[41];
			char mep[64];
			int linger = 0, never = -1;

			s[i] = zmq_socket(ctx, ZMQ_DEALER);
			assert_non_null(s[i]);
			snprintf(mep, sizeof(mep), "inproc://flood-%u", seq++);
			assert_int_equal(zmq_socket_monitor(s[i], mep,
			    ZMQ_EVENT_ALL), 0);
			mon[i] = zmq_socket(ctx, ZMQ_PAIR);
			assert_int_equal(zmq_connect(mon[i], mep), 0);
			if (kind != PLAIN) {
				client_keys(h, kind, pub, sec);
				if (kind == WRONG_SERVER)
					assert_int_equal(zmq_curve_keypair(
					    other, scratch), 0);
				assert_int_equal(zmq_setsockopt(s[i],
				    ZMQ_CURVE_SERVERKEY, kind == WRONG_SERVER ?
				    other : h_server_key(h), 40), 0);
				assert_int_equal(zmq_setsockopt(s[i],
				    ZMQ_CURVE_PUBLICKEY, pub, 40), 0);
				assert_int_equal(zmq_setsockopt(s[i],
				    ZMQ_CURVE_SECRETKEY, sec, 40), 0);
			}
			assert_int_equal(zmq_setsockopt(s[i], ZMQ_LINGER,
			    &linger, sizeof(linger)), 0);
			assert_int_equal(zmq_setsockopt(s[i],
			    ZMQ_RECONNECT_IVL, &never, sizeof(never)), 0);
			assert_int_equal(zmq_connect(s[i], ep), 0);
		}
		for (int i = 0; i < batch; i++) {
			for (;;) {
				uint8_t ev[6];
				char addr[256];
				uint16_t event;

				assert_true(h_recv(mon[i], ev, sizeof(ev),
				    15000) == (int)sizeof(ev));
				(void)h_recv(mon[i], addr, sizeof(addr), 1000);
				memcpy(&event, ev, sizeof(event));
				assert_int_not_equal(event,
				    ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
				if (kind != WRONG_SERVER && kind != PLAIN) {
					if (event ==
					    ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
						break;
				} else if (event & (ZMQ_EVENT_DISCONNECTED |
				    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
				    ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
					break;
			}
			zmq_socket_monitor(s[i], NULL, 0);
			zmq_close(s[i]);
			zmq_close(mon[i]);
		}
	}
}

/*
 * n raw TCP connections to isad that send bytes (len of them) and wait
 * until isad closes the connection: garbage, or half a greeting and the
 * end of what the client sends.
 */
static void
raw_burst(harness_t *h, const uint8_t *bytes, size_t len, int n)
{
	for (int i = 0; i < n; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		uint8_t buf[256];

		assert_true(fd >= 0);
		sa.sin_port = htons((uint16_t)h_port(h));
		assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr),
		    1);
		assert_int_equal(connect(fd, (struct sockaddr *)&sa,
		    sizeof(sa)), 0);
		/* isad may close as soon as it reads what cannot be ZMTP */
		(void)!write(fd, bytes, len);
		(void)shutdown(fd, SHUT_WR);
		/* isad's greeting, if any, then its end of the connection */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
}

/* isad's lines about refused handshakes since mark: the first from an
 * address ("refused handshake from"), and the counts of the rest. */
static size_t
refusal_lines(harness_t *h, size_t mark)
{
	return h_log_count(h, mark, "refused handshake from ", NULL) +
	    h_log_count(h, mark, "refused handshakes from ", NULL);
}

/*
 * A burst of kind from one address: isad's log gets one line at once (the
 * first refusal, with why) and, as the window ends (here as isad stops),
 * one counting the rest, and nothing else.
 */
static void
one_address(harness_t *h, kind_t kind, const char *why)
{
	void *ctx = zmq_ctx_new();
	size_t mark = h_log_mark(h);
	char tally[128];

	burst(h, ctx, kind, NULL, FLOOD);
	zmq_ctx_term(ctx);
	assert_int_equal(h_log_count(h, mark, "\n", NULL), 1);
	assert_int_equal(h_log_count(h, mark, why, NULL), 1);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(refusal_lines(h, mark), 2);
	snprintf(tally, sizeof(tally), "refused handshakes from 127.0.0.1: "
	    "%d more in the window, %d distinct keys", FLOOD - 1,
	    kind == FRESH ? FLOOD - 1 : 1);
	assert_int_equal(h_log_count(h, mark, tally, NULL), 1);
}

static void
test_fresh_keys(void **state)
{
	one_address(*state, FRESH, "is not enrolled");
}

static void
test_one_unenrolled_key(void **state)
{
	one_address(*state, SAME, "is not enrolled");
}

static void
test_disabled_users_key(void **state)
{
	one_address(*state, DISABLED, "belongs to disabled user gone");
}

/*
 * Handshakes that fail before isad's ZAP handler is asked (a wrong server
 * key, no security mechanism, garbage or half a greeting on the port)
 * write nothing to isad's log.
 */
static void
test_failed_before_zap_write_nothing(void **state)
{
	static const uint8_t half[10] = { 0xff, 0, 0, 0, 0, 0, 0, 0, 1,
	    0x7f };
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	size_t mark = h_log_mark(h);
	uint8_t junk[64];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	burst(h, ctx, WRONG_SERVER, NULL, FLOOD);
	burst(h, ctx, PLAIN, NULL, FLOOD);
	zmq_ctx_term(ctx);
	raw_burst(h, junk, sizeof(junk), FLOOD);
	raw_burst(h, half, sizeof(half), FLOOD);
	assert_int_equal(h_log_count(h, mark, "\n", NULL), 0);
}

/*
 * Fresh keys from 20 source addresses with a ceiling of 5 records a
 * minute: isad's log gets the first from each of the 2 addresses tallied
 * at once, and as the window ends a count for each and one for the
 * addresses past the ceiling: 5 lines, the ceiling, for 60 refusals.
 */
static void
test_many_addresses_past_ceiling(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new();
	size_t mark = h_log_mark(h);

	for (int i = 2; i <= 21; i++) {
		char src[32];

		snprintf(src, sizeof(src), "127.0.0.%d", i);
		burst(h, ctx, FRESH, src, 3);
	}
	zmq_ctx_term(ctx);
	assert_int_equal(h_log_count(h, mark, "\n", NULL), 2);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(refusal_lines(h, mark), 5);
	assert_int_equal(h_log_count(h, mark, "refused handshakes from "
	    "addresses past the ceiling: 54 more in the window, 54 distinct "
	    "keys", NULL), 1);
}

/*
 * A flood while the store cannot commit: the records that fail are said
 * once (not a line each), and when one is written again, how many were
 * not; the refusals are still counted in the log.
 */
static void
test_store_fault_said_once(void **state)
{
	harness_t *h;
	char fault[512];
	size_t mark;
	void *ctx;

	(void)state;
	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	h = h_new_conf(CEILING_CONF);
	snprintf(fault, sizeof(fault), "%s/fault", h_dir(h));
	setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	h_start(h);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	mark = h_log_mark(h);
	h_write_file(fault, "", 0644);
	ctx = zmq_ctx_new();
	for (int i = 2; i <= 11; i++) {
		char src[32];

		snprintf(src, sizeof(src), "127.0.0.%d", i);
		burst(h, ctx, FRESH, src, 3);
	}
	zmq_ctx_term(ctx);
	assert_true(h_wait_log(h, "cannot audit refused handshakes: "));
	unlink(fault);
	/* the window's counts, written as isad stops */
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(h_log_count(h, mark, "cannot audit", NULL), 1);
	assert_int_equal(h_log_count(h, mark, "refused handshakes audited "
	    "again: ", NULL), 1);
	assert_int_equal(refusal_lines(h, mark), 5);
	h_free(h);
}

/*
 * An enrolled user's flood of requests isad cannot decode, and of requests
 * with a field past its bound: one line of each at once, and one line
 * counting the rest when the minute ends (here as isad stops).  Each is
 * still a record of its own.
 */
static void
test_bad_requests_from_a_user(void **state)
{
	harness_t *h = h_new_conf(NULL);
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__ShareRequest share = ISA__SHARE_REQUEST__INIT;
	char reason[2000];
	size_t mark;
	raw_t r;

	(void)state;
	h_user(h, "ctp-analyst", "ctpse", "SC", NULL);
	h_start(h);
	mark = h_log_mark(h);
	r = raw_open(h, "ctp-analyst");
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	share.id = "AAAAAAAAAAAAAAAAAAAAAAAAAA";
	share.to = "agency:hcc";
	share.reason = reason;	/* past limits.max_reason */
	req.body_case = ISA__ENVELOPE__BODY_SHARE;
	req.share = &share;
	for (int i = 0; i < FLOOD; i++) {
		assert_int_equal(h_send(r.s, "\xff\xff\xff", 3, 0), 0);
		assert_non_null(resp = raw_recv(&r, 20000));
		assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
		isa__envelope__free_unpacked(resp, NULL);
		resp = raw_call(&r, &req, NULL, 0);
		assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
		isa__envelope__free_unpacked(resp, NULL);
	}
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(h_log_count(h, mark, "bad request from ctp-analyst",
	    NULL), 1);
	assert_int_equal(h_log_count(h, mark, "malformed request from "
	    "ctp-analyst", NULL), 1);
	assert_int_equal(h_log_count(h, mark, "47 more bad requests from "
	    "ctp-analyst in the last minute", NULL), 1);
	assert_int_equal(h_log_count(h, mark, "47 more malformed requests "
	    "from ctp-analyst in the last minute", NULL), 1);
	h_free(h);
}

/*
 * Uploads a user ends at will (here each with a wrong SHA-256) are logged
 * the same way: the first at once, the rest in one line; each is still
 * a record of its own.
 */
static void
test_abandoned_uploads_from_a_user(void **state)
{
	harness_t *h = h_new_conf(NULL);
	uint8_t transfer[16], sha[32] = { 0 }, chunk[100] = { 0 };
	Isa__Envelope *resp;
	size_t mark;
	raw_t r;

	(void)state;
	h_user(h, "ctp-analyst", "ctpse", "SC", NULL);
	h_start(h);
	mark = h_log_mark(h);
	r = raw_open(h, "ctp-analyst");
	for (int i = 0; i < FLOOD; i++) {
		raw_upload_begin(&r, sizeof(chunk), transfer);
		assert_int_equal(raw_upload_chunk(&r, transfer, 0, chunk,
		    sizeof(chunk)), ISA__STATUS__OK);
		resp = raw_upload_end(&r, transfer, sha);
		assert_int_not_equal(resp->status, ISA__STATUS__OK);
		isa__envelope__free_unpacked(resp, NULL);
	}
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(h_log_count(h, mark, "by ctp-analyst abandoned: its "
	    "chunks are deleted (sha256_mismatch)", NULL), 1);
	assert_int_equal(h_log_count(h, mark, "47 more abandoned uploads "
	    "from ctp-analyst in the last minute", NULL), 1);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_unenrolled_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disabled_users_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_before_zap_write_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_many_addresses_past_ceiling, setup, teardown),
		cmocka_unit_test(test_store_fault_said_once),
		cmocka_unit_test(test_bad_requests_from_a_user),
		cmocka_unit_test(test_abandoned_uploads_from_a_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
