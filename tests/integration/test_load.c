/* test_load.c: many requests in a row and many clients at once: every reply right, every document put there to read, isad still up. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "docs_util.h"
#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define SEQUENTIAL 1000
#define CONCURRENT 32
#define DOC_CLIENTS 16	/* clients putting, getting and listing at once */
#define DOC_ROUNDS 3	/* documents each of them puts */

static const char *const whoami[] = { "whoami", NULL };

static int
setup(void **state)
{
	harness_t *h = h_new();
	char id[32];

	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "user-%d", i);
		h_user(h, id, i % 2 ? "hcc" : "police", "BPSS", NULL);
	}
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
test_sequential_whoami(void **state)
{
	harness_t *h = *state;
	char id[32], want[64];

	for (int i = 0; i < SEQUENTIAL; i++) {
		h_result_t r;

		snprintf(id, sizeof(id), "user-%d", i % 4);
		r = h_isa(h, id, whoami);
		if (r.status != 0)
			fail_msg("call %d as %s: exit %d: %s", i, id, r.status,
			    r.err);
		snprintf(want, sizeof(want), "user:       %s\n", id);
		assert_non_null(strstr(r.out, want));
		h_result_free(&r);
	}
}

static void
test_concurrent_clients(void **state)
{
	harness_t *h = *state;
	pid_t pids[CONCURRENT];
	int failures = 0;

	for (int i = 0; i < CONCURRENT; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char id[32], want[64];
			h_result_t r;
			int ok = 1;

			snprintf(id, sizeof(id), "user-%d", i % 4);
			snprintf(want, sizeof(want), "user:       %s\n", id);
			for (int j = 0; j < 5 && ok; j++) {
				r = h_isa(h, id, whoami);
				ok = r.status == 0 && strstr(r.out, want);
				if (!ok)
					fprintf(stderr, "client %d: exit %d: "
					    "%s", i, r.status, r.err);
				h_result_free(&r);
			}
			_exit(ok ? 0 : 1);
		}
	}
	for (int i = 0; i < CONCURRENT; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		failures += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(failures, 0);
}

/* The file client i puts in round j, and its size (some of one chunk,
 * some of several: the harness's chunk is 256 KiB). */
static uint64_t
doc_file(harness_t *h, int i, int j, char *path, size_t cap)
{
	unsigned seed = (unsigned)(i * DOC_ROUNDS + j);

	snprintf(path, cap, "%s/load-%d-%d", h_dir(h), i, j);
	return 1000 + (uint64_t)seed * 40009 % 700000;
}

/*
 * One client (a child process): DOC_ROUNDS times, put a document to
 * itself, get it back and compare, and find it in ls; the ids it was
 * given go to DIR/load-I.ids.  Exits 0 when every reply was right.
 */
static void
doc_client(harness_t *h, int i)
{
	char user[32], to[48], path[512], out[600], ids[512], id[32];
	FILE *f;
	int ok = 1;

	snprintf(user, sizeof(user), "user-%d", i % 4);
	snprintf(to, sizeof(to), "user:%s", user);
	snprintf(ids, sizeof(ids), "%s/load-%d.ids", h_dir(h), i);
	if ((f = fopen(ids, "w")) == NULL)
		_exit(1);
	for (int j = 0; j < DOC_ROUNDS && ok; j++) {
		uint64_t size = doc_file(h, i, j, path, sizeof(path));
		h_result_t r;

		du_make_file(path, size, (unsigned)(i * DOC_ROUNDS + j));
		if (du_put(h, user, path, "Load", "OFFICIAL", to, NULL, id,
		    &r) != 0) {
			fprintf(stderr, "client %d put: exit %d: %s", i,
			    r.status, r.err);
			ok = 0;
		}
		h_result_free(&r);
		if (!ok)
			break;
		fprintf(f, "%s\n", id);
		fflush(f);
		snprintf(out, sizeof(out), "%s.got", path);
		r = du_get(h, user, id, out);
		if (r.status != 0 || !du_same_file(path, out)) {
			fprintf(stderr, "client %d get %s: exit %d: %s", i, id,
			    r.status, r.err);
			ok = 0;
		}
		h_result_free(&r);
		r = h_isa(h, user, ARGS("ls"));
		if (r.status != 0 || strstr(r.out, id) == NULL) {
			fprintf(stderr, "client %d ls: exit %d, %s %s\n", i,
			    r.status, id, r.status == 0 ? "not listed" : r.err);
			ok = 0;
		}
		h_result_free(&r);
	}
	fclose(f);
	_exit(ok ? 0 : 1);
}

/*
 * Clients put, get and list documents at once: each reply is right while
 * they do, and afterwards each user's ls lists exactly the documents put
 * to them, each still reads back the bytes put, and isad still serves.
 */
static void
test_concurrent_documents(void **state)
{
	harness_t *h = *state;
	pid_t pids[DOC_CLIENTS];
	int failures = 0, listed[4] = { 0 }, lines[4] = { 0 };
	h_result_t r;

	for (int i = 0; i < DOC_CLIENTS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			doc_client(h, i);
	}
	for (int i = 0; i < DOC_CLIENTS; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		failures += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(failures, 0);
	for (int i = 0; i < DOC_CLIENTS; i++) {
		char user[32], path[512], out[600], id[64];
		h_result_t ls;
		FILE *f;

		snprintf(user, sizeof(user), "user-%d", i % 4);
		snprintf(path, sizeof(path), "%s/load-%d.ids", h_dir(h), i);
		assert_non_null(f = fopen(path, "r"));
		ls = h_isa(h, user, ARGS("ls"));
		assert_int_equal(ls.status, 0);
		for (int j = 0; j < DOC_ROUNDS; j++) {
			assert_non_null(fgets(id, sizeof(id), f));
			id[strcspn(id, "\n")] = '\0';
			if (strstr(ls.out, id) == NULL)
				fail_msg("%s: %s not listed", user, id);
			listed[i % 4]++;
			doc_file(h, i, j, path, sizeof(path));
			snprintf(out, sizeof(out), "%s.again", path);
			r = du_get(h, user, id, out);
			if (r.status != 0)
				fail_msg("get %s: %s", id, r.err);
			h_result_free(&r);
			assert_true(du_same_file(path, out));
		}
		fclose(f);
		h_result_free(&ls);
	}
	/* Nothing else is listed: each user sees the documents put to it. */
	for (int u = 0; u < 4; u++) {
		char user[32];

		snprintf(user, sizeof(user), "user-%d", u);
		r = h_isa(h, user, ARGS("ls"));
		assert_int_equal(r.status, 0);
		for (const char *p = r.out; (p = strchr(p, '\n')) != NULL; p++)
			lines[u]++;
		h_result_free(&r);
		assert_int_equal(lines[u], listed[u]);
	}
	assert_int_equal(kill(h_isad_pid(h), 0), 0);
	r = h_isa(h, "user-0", whoami);
	assert_int_equal(r.status, 0);
	h_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequential_whoami),
		cmocka_unit_test(test_concurrent_clients),
		cmocka_unit_test(test_concurrent_documents),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
