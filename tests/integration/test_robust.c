/* test_robust.c: bad input on the wire: isad answers or drops it, and keeps serving. */
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "harness.h"
#include "proto/envelope.h"

static const char *const whoami[] = { "whoami", NULL };

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "council-lead", "hcc", "BPSS", NULL);
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
assert_still_serving(harness_t *h)
{
	h_result_t r = h_isa(h, "council-lead", whoami);

	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "user:       council-lead"));
	h_result_free(&r);
}

static int
tcp_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void
test_garbage_bytes(void **state)
{
	harness_t *h = *state;
	uint8_t junk[4096];

	for (int round = 0; round < 20; round++) {
		int fd = tcp_connect(h_port(h));

		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)(rand() ^ round);
		if (round == 0)	/* a plausible ZMTP signature, then junk */
			memcpy(junk, "\xff\0\0\0\0\0\0\0\x01\x7f\x03\x00", 12);
		(void)!write(fd, junk, sizeof(junk));
		close(fd);
	}
	assert_still_serving(h);
}

static void
test_half_open_connections(void **state)
{
	harness_t *h = *state;
	int fds[64];

	for (int i = 0; i < 64; i++)
		fds[i] = tcp_connect(h_port(h));
	/* They sit silent while a real client comes and goes. */
	assert_still_serving(h);
	for (int i = 0; i < 64; i++)
		close(fds[i]);
	assert_still_serving(h);
}

/* Send frames on an authenticated connection; return the decoded reply. */
static Isa__Envelope *
raw_call(harness_t *h, const void *a, size_t alen, const void *b, size_t blen)
{
	void *ctx = zmq_ctx_new(), *s = h_dealer(h, ctx, "council-lead");
	static uint8_t reply[65536];
	Isa__Envelope *resp;
	int n;

	assert_int_equal(h_send(s, a, alen, b != NULL), 0);
	if (b != NULL)
		assert_int_equal(h_send(s, b, blen, 0), 0);
	n = h_recv(s, reply, sizeof(reply), 10000);
	assert_true(n >= 0);
	zmq_close(s);
	zmq_ctx_term(ctx);
	/* Error replies carry no body, so unpack plainly. */
	resp = isa__envelope__unpack(NULL, (size_t)n, reply);
	assert_non_null(resp);
	return resp;
}

static void
test_malformed_envelope(void **state)
{
	harness_t *h = *state;
	Isa__Envelope *resp;

	resp = raw_call(h, "\x0a\xff\xff\xff garbage", 12, NULL, 0);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(resp->message, "not a well-formed"));
	isa__envelope__free_unpacked(resp, NULL);
	assert_still_serving(h);
}

static void
test_wrong_protocol_version(void **state)
{
	harness_t *h = *state;
	Isa__Envelope env = ISA__ENVELOPE__INIT, *resp;
	Isa__Ping ping = ISA__PING__INIT;
	uint8_t buf[64];
	size_t n;

	env.version = 99;
	env.body_case = ISA__ENVELOPE__BODY_PING;
	env.ping = &ping;
	n = isa__envelope__pack(&env, buf);
	resp = raw_call(h, buf, n, NULL, 0);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	assert_non_null(strstr(resp->message, "protocol version 99"));
	isa__envelope__free_unpacked(resp, NULL);
}

static void
test_empty_and_extra_frames(void **state)
{
	harness_t *h = *state;
	Isa__Envelope env = ISA__ENVELOPE__INIT, *resp;
	Isa__Ping ping = ISA__PING__INIT;
	uint8_t buf[64];
	size_t n;

	resp = raw_call(h, "", 0, NULL, 0);	/* no body */
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	isa__envelope__free_unpacked(resp, NULL);

	env.version = ISA_PROTOCOL_VERSION;
	env.body_case = ISA__ENVELOPE__BODY_PING;
	env.ping = &ping;
	n = isa__envelope__pack(&env, buf);
	resp = raw_call(h, buf, n, "extra", 5);
	assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
	isa__envelope__free_unpacked(resp, NULL);

	/* A response body sent as a request is refused too. */
	{
		Isa__Pong pong = ISA__PONG__INIT;

		env.body_case = ISA__ENVELOPE__BODY_PONG;
		env.pong = &pong;
		n = isa__envelope__pack(&env, buf);
		resp = raw_call(h, buf, n, NULL, 0);
		assert_int_equal(resp->status, ISA__STATUS__BAD_REQUEST);
		isa__envelope__free_unpacked(resp, NULL);
	}
	assert_still_serving(h);
}

static void
test_oversized_message_dropped(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new(), *s = h_dealer(h, ctx, "council-lead");
	size_t big = 2 * 1024 * 1024;	/* the harness's max_message is 1 MiB */
	uint8_t *buf = calloc(1, big), reply[256];

	assert_non_null(buf);
	assert_int_equal(h_send(s, buf, big, 0), 0);
	/* isad drops the connection without reading it into memory. */
	assert_int_equal(h_recv(s, reply, sizeof(reply), 2000), -1);
	free(buf);
	zmq_close(s);
	zmq_ctx_term(ctx);
	assert_still_serving(h);
}

static void
test_second_isad_on_same_data_dir_refused(void **state)
{
	harness_t *h = *state;
	pid_t pid = h_spawn_isad(h, NULL);
	int st;
	char *log;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	log = h_isad_log(h);
	assert_non_null(strstr(log, "is in use by another isad (pid"));
	free(log);
	assert_still_serving(h);
}

static void
test_sigterm_exits_cleanly(void **state)
{
	harness_t *h = *state;

	assert_still_serving(h);
	assert_int_equal(h_stop(h), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage_bytes),
		cmocka_unit_test(test_half_open_connections),
		cmocka_unit_test(test_malformed_envelope),
		cmocka_unit_test(test_wrong_protocol_version),
		cmocka_unit_test(test_empty_and_extra_frames),
		cmocka_unit_test(test_oversized_message_dropped),
		cmocka_unit_test(test_second_isad_on_same_data_dir_refused),
		cmocka_unit_test(test_sigterm_exits_cleanly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
