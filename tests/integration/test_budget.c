/* test_budget.c: content in transit under back-pressure: honest transfers wait rather than fail, and one user who does not read slows only themselves. */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "docs_util.h"
#include "harness.h"
#include "raw.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define PUTS 5
#define EVE_WAITS "for eve: the most allowed (limits.content_queued_per_user)"

/* Wait what isad asked (ms): the protocol's own pause, not a guess. */
static void
wait_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static harness_t *
deploy(const char *conf)
{
	harness_t *h = h_new_conf(conf);

	h_user(h, "alice", "ctpse", "SC", NULL);
	h_user(h, "bob", "ctpse", "SC", NULL);
	h_user(h, "carol", "ctpse", "SC", NULL);
	h_user(h, "eve", "ctpse", "SC", NULL);
	h_start(h);
	return h;
}

/* What a forked isa run leaves for the parent. */
typedef struct {
	int status;
	char id[32];
	char err[512];
} outcome_t;

/*
 * Finding 1's budget, regression: honest transfers that contend for
 * limits.content_queued must wait, never fail.  Five `isa put` of 16
 * chunks each at once (two users twice) with room for four chunks in all
 * and one per user, then five `isa get` of them at once: all succeed, with
 * the bytes put.  Before back-pressure, a chunk past the budget ended its
 * transfer (UNAVAILABLE).
 */
static void
test_concurrent_transfers_wait(void **state)
{
	static const char *const users[PUTS] = { "alice", "bob", "carol",
	    "alice", "bob" };
	outcome_t *o = mmap(NULL, sizeof(*o) * PUTS, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char in[PUTS][512], out[PUTS][512];
	pid_t pid[PUTS];
	harness_t *h;

	(void)state;
	assert_true(o != MAP_FAILED);
	h = deploy("limits = { chunk = 262144; content_queued = 1048576; "
	    "content_queued_per_user = 262144; };");
	for (int i = 0; i < PUTS; i++) {
		snprintf(in[i], sizeof(in[i]), "%s/in%d", h_dir(h), i);
		snprintf(out[i], sizeof(out[i]), "%s/out%d", h_dir(h), i);
		du_make_file(in[i], 16 * 262144 - 1000 * (unsigned)i,
		    10 + (unsigned)i);
	}
	for (int i = 0; i < PUTS; i++) {
		if ((pid[i] = fork()) == 0) {
			h_result_t r;

			o[i].status = du_put(h, users[i], in[i], "budget",
			    "OFFICIAL", "agency:ctpse", NULL, o[i].id, &r);
			snprintf(o[i].err, sizeof(o[i].err), "%s", r.err);
			_exit(0);
		}
		assert_true(pid[i] > 0);
	}
	for (int i = 0; i < PUTS; i++)
		assert_int_equal(waitpid(pid[i], NULL, 0), pid[i]);
	for (int i = 0; i < PUTS; i++)
		if (o[i].status != 0)
			fail_msg("put %d: %s", i, o[i].err);
	for (int i = 0; i < PUTS; i++) {
		if ((pid[i] = fork()) == 0) {
			h_result_t r = du_get(h, users[(i + 1) % PUTS],
			    o[i].id, out[i]);

			o[i].status = r.status;
			snprintf(o[i].err, sizeof(o[i].err), "%s", r.err);
			_exit(0);
		}
		assert_true(pid[i] > 0);
	}
	for (int i = 0; i < PUTS; i++)
		assert_int_equal(waitpid(pid[i], NULL, 0), pid[i]);
	for (int i = 0; i < PUTS; i++) {
		if (o[i].status != 0)
			fail_msg("get %d: %s", i, o[i].err);
		assert_int_equal(du_same_file(in[i], out[i]), 1);
	}
	munmap(o, sizeof(*o) * PUTS);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/*
 * Finding 1's budget, review: one user who asks without reading held the
 * whole of limits.content_queued, and everyone else's get and put failed
 * for as long as their connection stayed open.  eve asks for every chunk
 * of six long downloads and sends 80 GetBegin of a one-chunk document,
 * reading nothing; alice's `isa get` and `isa put` still succeed meanwhile.
 */
static void
test_one_user_slows_only_themselves(void **state)
{
	char small[512], big[512], back[512], mine[512], id1[32], id2[32],
	    id3[32];
	uint8_t t[6][16];
	uint64_t chunks = 0;
	Isa__Envelope *e;
	h_result_t r;
	harness_t *h;
	raw_t eve;

	(void)state;
	/* content_queued as by default, 1 MiB chunks; a share that bob's
	 * puts below never reach, so that the first refusal logged is eve's
	 * (before the share, eve's six downloads filled content_queued). */
	h = deploy("limits = { max_message = 2097152; chunk = 1048576; "
	    "content_queued_per_user = 20971520; };");
	snprintf(small, sizeof(small), "%s/small", h_dir(h));
	snprintf(big, sizeof(big), "%s/big", h_dir(h));
	snprintf(mine, sizeof(mine), "%s/mine", h_dir(h));
	snprintf(back, sizeof(back), "%s/back", h_dir(h));
	du_make_file(small, 1048576, 1);
	du_make_file(big, 24 * 1048576, 2);
	du_make_file(mine, 6 * 1048576 + 5, 3);
	if (du_put(h, "bob", small, "s", "OFFICIAL", "agency:ctpse", NULL,
	    id1, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
	if (du_put(h, "bob", big, "b", "OFFICIAL", "agency:ctpse", NULL, id2,
	    &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);

	eve = raw_open_lazy(h, "eve");
	/* Six long downloads, each with every chunk asked for (isad holds
	 * at most 16 of one download's)... */
	for (int k = 0; k < 6; k++) {
		raw_send_get_begin(&eve, id2);
		e = raw_recv_content(&eve, 30000, NULL, 0, NULL);
		assert_non_null(e);
		assert_int_equal(e->status, ISA__STATUS__OK);
		memcpy(t[k], e->get_begin_reply->transfer.data, 16);
		chunks = e->get_begin_reply->chunks;
		isa__envelope__free_unpacked(e, NULL);
	}
	for (int k = 0; k < 6; k++)
		for (uint64_t i = 1; i < chunks; i++)
			raw_send_get_chunk(&eve, t[k], i);
	/* ...and 80 one-chunk downloads; no reply read. */
	for (int i = 0; i < 80; i++)
		raw_send_get_begin(&eve, id1);
	assert_true(h_wait_log(h, EVE_WAITS));

	/* eve's connection still open, nothing read: alice is served. */
	r = du_get(h, "alice", id2, back);
	if (r.status != 0)
		fail_msg("alice's get: %s", r.err);
	h_result_free(&r);
	assert_int_equal(du_same_file(big, back), 1);
	r = du_get(h, "alice", id1, back);
	if (r.status != 0)
		fail_msg("alice's get: %s", r.err);
	h_result_free(&r);
	if (du_put(h, "alice", mine, "m", "OFFICIAL", "agency:ctpse", NULL,
	    id3, &r) != 0)
		fail_msg("alice's put: %s", r.err);
	h_result_free(&r);
	r = du_get(h, "bob", id3, back);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_int_equal(du_same_file(mine, back), 1);
	raw_close(&eve);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/*
 * The retry answer itself: a download whose chunk has no room is answered
 * UNAVAILABLE with retry_ms > 0, the chunks pipelined after it get the
 * same (not BAD_REQUEST "out of order"), and the download stays open: asked
 * again from that chunk, it goes on to the end with the right bytes.
 */
static void
test_retry_answer(void **state)
{
	static uint8_t content[1048576];
	char in[512], id[32];
	uint8_t t[16], digest[SHA256_LEN];
	uint64_t chunks, first_wait = 0, next;
	sha256_t *sha = sha256_new();
	Isa__Envelope *e;
	uint8_t want[SHA256_LEN];
	harness_t *h;
	raw_t r;
	h_result_t hr;
	size_t clen;
	int waits = 0;

	(void)state;
	assert_non_null(sha);
	h = deploy("limits = { max_message = 2097152; chunk = 1048576; "
	    "content_queued = 4194304; content_queued_per_user = 1048576; };");
	snprintf(in, sizeof(in), "%s/doc", h_dir(h));
	du_make_file(in, 20 * 1048576 + 7, 4);
	if (du_put(h, "bob", in, "d", "OFFICIAL", "agency:ctpse", NULL, id,
	    &hr) != 0)
		fail_msg("put: %s", hr.err);
	h_result_free(&hr);

	r = raw_open_lazy(h, "alice");
	raw_send_get_begin(&r, id);
	e = raw_recv_content(&r, 30000, content, sizeof(content), &clen);
	assert_non_null(e);
	assert_int_equal(e->status, ISA__STATUS__OK);
	memcpy(t, e->get_begin_reply->transfer.data, 16);
	chunks = e->get_begin_reply->chunks;
	memcpy(want, e->get_begin_reply->meta->sha256.data, SHA256_LEN);
	isa__envelope__free_unpacked(e, NULL);
	sha256_update(sha, content, clen);
	assert_int_equal(chunks, 21);
	/* Every chunk asked for at once, nothing read meanwhile: one user's
	 * share is one chunk, so some must wait. */
	for (uint64_t i = 1; i < chunks; i++)
		raw_send_get_chunk(&r, t, i);
	next = 1;
	for (uint64_t i = 1; i < chunks; i++) {
		e = raw_recv_content(&r, 30000, content, sizeof(content), &clen);
		assert_non_null(e);
		if (first_wait == 0 && e->status == ISA__STATUS__OK) {
			assert_int_equal(e->get_chunk_reply->index, next);
			sha256_update(sha, content, clen);
			next++;
		} else {
			/* The first refused and every one after it: wait. */
			if (e->status != ISA__STATUS__UNAVAILABLE)
				fail_msg("chunk %llu: %s",
				    (unsigned long long)i, e->message);
			assert_true(e->retry_ms > 0);
			assert_non_null(strstr(e->message, "stays open"));
			if (first_wait == 0)
				first_wait = i;
		}
		isa__envelope__free_unpacked(e, NULL);
	}
	assert_true(first_wait > 0);
	assert_int_equal(first_wait, next);
	/* Still open: asked again from there, one at a time, it goes on. */
	while (next < chunks) {
		raw_send_get_chunk(&r, t, next);
		e = raw_recv_content(&r, 30000, content, sizeof(content), &clen);
		assert_non_null(e);
		if (e->status == ISA__STATUS__UNAVAILABLE && e->retry_ms > 0) {
			wait_ms(e->retry_ms);
			waits++;
		} else {
			if (e->status != ISA__STATUS__OK)
				fail_msg("chunk %llu: %s",
				    (unsigned long long)next, e->message);
			assert_int_equal(e->get_chunk_reply->index, next);
			assert_int_equal(e->get_chunk_reply->final,
			    next + 1 == chunks);
			sha256_update(sha, content, clen);
			next++;
		}
		isa__envelope__free_unpacked(e, NULL);
		assert_true(waits < 10000);
	}
	sha256_final(sha, digest);
	sha256_free(sha);
	assert_memory_equal(digest, want, SHA256_LEN);
	raw_close(&r);
	assert_int_equal(h_stop(h), 0);
	h_free(h);
}

/* limits.content_queued_per_user: at least chunk, at most content_queued. */
static void
test_per_user_limit_checked(void **state)
{
	harness_t *h;
	h_result_t r;

	(void)state;
	h = h_new();
	h_set_conf(h, "limits = { chunk = 1048576; content_queued = 4194304; "
	    "content_queued_per_user = 8388608; };");
	r = h_run(ARGS(getenv("ISAD_BIN"), "check", "--config",
	    h_isad_conf(h)));
	assert_int_not_equal(r.status, 0);
	assert_non_null(strstr(r.err, "content_queued_per_user"));
	h_result_free(&r);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_transfers_wait),
		cmocka_unit_test(test_one_user_slows_only_themselves),
		cmocka_unit_test(test_retry_answer),
		cmocka_unit_test(test_per_user_limit_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
