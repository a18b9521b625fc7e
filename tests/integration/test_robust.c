/* test_robust.c: bad input on the wire: isad answers or drops it, and keeps serving; a SIGTERM under load loses nothing it acknowledged. */
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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "docs_util.h"
#include "harness.h"
#include "proto/envelope.h"

#define TERM_CLIENTS 16	/* clients putting when SIGTERM comes */
#define TERM_ROUNDS 200	/* at most so many puts each */

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

/* The file client i puts in round j, and its size: some of one chunk,
 * some of several (the harness's chunk is 256 KiB). */
static uint64_t
term_file(harness_t *h, int i, int j, char *path, size_t cap)
{
	snprintf(path, cap, "%s/term-%d-%d", h_dir(h), i, j);
	return 500 + (uint64_t)(i * TERM_ROUNDS + j) * 52361 % 600000;
}

/*
 * One client (a child process): put documents one after another until a
 * put fails; each acknowledged id goes to DIR/term-I.acks as it comes, and
 * the failed put's exit status ends the file.  Exits 0.
 */
static void
term_client(harness_t *h, int i)
{
	char path[512], acks[512], id[32];
	FILE *f;

	snprintf(acks, sizeof(acks), "%s/term-%d.acks", h_dir(h), i);
	if ((f = fopen(acks, "w")) == NULL)
		_exit(1);
	for (int j = 0; j < TERM_ROUNDS; j++) {
		uint64_t size = term_file(h, i, j, path, sizeof(path));
		h_result_t r;
		int st;

		du_make_file(path, size, (unsigned)(i * TERM_ROUNDS + j));
		st = du_put(h, "council-lead", path, "Term", "OFFICIAL",
		    "agency:hcc", NULL, id, &r);
		if (st == 0)
			fprintf(f, "%s\n", id);
		else
			fprintf(f, "exit %d: %s", st, r.err);
		fflush(f);
		h_result_free(&r);
		if (st != 0)
			break;
	}
	fclose(f);
	_exit(0);
}

/* How many puts the clients have had acknowledged so far. */
static int
term_acks(harness_t *h)
{
	char path[512], line[512];
	int n = 0;

	for (int i = 0; i < TERM_CLIENTS; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/term-%d.acks", h_dir(h), i);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			n += strncmp(line, "exit ", 5) != 0;
		fclose(f);
	}
	return n;
}

/*
 * SIGTERM while clients put documents: isad exits 0, finishing the
 * commits under way; every put it acknowledged is there after a restart,
 * with its bytes, and every other put was refused cleanly (an exit status
 * of isa's, not a crash or a hang).  None acknowledged and lost.
 */
static void
test_sigterm_exits_cleanly(void **state)
{
	harness_t *h = *state;
	pid_t pids[TERM_CLIENTS];
	int acked = 0, refused = 0, before;

	assert_still_serving(h);
	for (int i = 0; i < TERM_CLIENTS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			term_client(h, i);
	}
	/* SIGTERM once puts are flowing, while more are under way. */
	for (int t = 0; t < 300 && term_acks(h) < TERM_CLIENTS; t++)
		nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	before = term_acks(h);
	assert_int_equal(h_stop(h), 0);
	for (int i = 0; i < TERM_CLIENTS; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	h_start(h);
	for (int i = 0; i < TERM_CLIENTS; i++) {
		char path[512], out[600], line[512];
		FILE *f;
		int j = 0;

		snprintf(path, sizeof(path), "%s/term-%d.acks", h_dir(h), i);
		assert_non_null(f = fopen(path, "r"));
		for (; fgets(line, sizeof(line), f) != NULL; j++) {
			h_result_t r;
			int st;

			if (sscanf(line, "exit %d:", &st) == 1) {
				/* refused: isad gone, or stopping */
				if (st != 5)
					fail_msg("client %d: put %s", i, line);
				refused++;
				break;
			}
			line[strcspn(line, "\n")] = '\0';
			term_file(h, i, j, path, sizeof(path));
			snprintf(out, sizeof(out), "%s.got", path);
			r = du_get(h, "council-lead", line, out);
			if (r.status != 0)
				fail_msg("client %d: put %s acknowledged, then "
				    "lost: %s", i, line, r.err);
			h_result_free(&r);
			assert_true(du_same_file(path, out));
			acked++;
		}
		fclose(f);
	}
	print_message("%d puts acknowledged and there (%d of them after "
	    "SIGTERM was sent), %d refused\n", acked, acked - before, refused);
	assert_true(acked > 0);	/* not a vacuous pass */
	assert_still_serving(h);
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
