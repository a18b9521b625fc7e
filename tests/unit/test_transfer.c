/* test_transfer.c: the transfer tables: caps per user and in total, tombs of closed transfers, content frames counted until libzmq frees them; their isad.conf limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/ctx/config.h"
#include "daemon/docs/transfer.h"

static job_t *
job_for(const char *user, const char *rid)
{
	job_t *j = job_new(rid, strlen(rid));

	assert_non_null(j);
	snprintf(j->user, sizeof(j->user), "%s", user);
	return j;
}

static void
test_caps(void **state)
{
	transfer_quota_t *q = transfer_quota_new(2, 3);
	transfers_t *t1 = transfers_new(q), *t2 = transfers_new(q);
	job_t *a = job_for("a", "peer-a"), *b = job_for("b", "peer-b");
	transfer_t *x[4];

	(void)state;
	assert_int_equal(transfers_add(t1, TRANSFER_UPLOAD, a, 0, &x[0]), 0);
	assert_int_equal(transfers_add(t2, TRANSFER_DOWNLOAD, a, 1, &x[1]), 0);
	/* a's third, in either table: the per-user cap */
	assert_int_equal(transfers_add(t1, TRANSFER_UPLOAD, a, 0, &x[2]),
	    ISA_ERR_BUSY);
	assert_null(x[2]);
	assert_int_equal(transfers_add(t1, TRANSFER_UPLOAD, b, 0, &x[2]), 0);
	/* the total */
	assert_int_equal(transfers_add(t2, TRANSFER_UPLOAD, b, 1, &x[3]),
	    ISA_ERR_FULL);
	assert_int_equal(transfer_quota_open(q), 3);
	/* an end gives the place back */
	transfers_drop(t2, x[1]);
	assert_int_equal(transfer_quota_open(q), 2);
	assert_int_equal(transfers_add(t2, TRANSFER_UPLOAD, b, 1, &x[3]), 0);
	assert_int_equal(x[3]->id[0], 1);	/* the worker's byte */
	assert_int_equal(transfers_add(t2, TRANSFER_UPLOAD, a, 1, &x[1]),
	    ISA_ERR_FULL);
	/* expiry gives them back too */
	transfers_expire(t1, -1, NULL, NULL);
	assert_int_equal(transfer_quota_open(q), 1);
	transfers_free(t1);
	transfers_free(t2);
	assert_int_equal(transfer_quota_open(q), 0);
	transfer_quota_free(q);
	job_free(a);
	job_free(b);
}

static bool
close_all(transfer_t *x, void *arg)
{
	transfers_t *t = arg;

	transfers_tomb_add(t, x, "access changed");
	return true;
}

static void
test_tombs(void **state)
{
	transfer_quota_t *q = transfer_quota_new(8, 8);
	transfers_t *t = transfers_new(q);
	job_t *a = job_for("a", "peer-a"), *other = job_for("a", "peer-2");
	transfer_t *x;
	uint8_t id[TRANSFER_ID_LEN];
	char why[64];

	(void)state;
	assert_int_equal(transfers_add(t, TRANSFER_DOWNLOAD, a, 0, &x), 0);
	memcpy(id, x->id, sizeof(id));
	transfers_filter(t, close_all, t);
	assert_null(transfers_find(t, id, sizeof(id), TRANSFER_DOWNLOAD, a));
	assert_int_equal(transfer_quota_open(q), 0);
	/* Another peer naming it learns nothing; its own peer hears once. */
	assert_false(transfers_tomb_take(t, id, sizeof(id), other, 60000, why,
	    sizeof(why)));
	assert_true(transfers_tomb_take(t, id, sizeof(id), a, 60000, why,
	    sizeof(why)));
	assert_string_equal(why, "access changed");
	assert_false(transfers_tomb_take(t, id, sizeof(id), a, 60000, why,
	    sizeof(why)));
	/* Bounded: the oldest go first. */
	for (int i = 0; i < TRANSFER_TOMBS + 1; i++) {
		assert_int_equal(transfers_add(t, TRANSFER_DOWNLOAD, a, 0, &x),
		    0);
		if (i == 0)
			memcpy(id, x->id, sizeof(id));
		transfers_filter(t, close_all, t);
	}
	assert_false(transfers_tomb_take(t, id, sizeof(id), a, 60000, why,
	    sizeof(why)));
	transfers_free(t);
	transfer_quota_free(q);
	job_free(a);
	job_free(other);
}

static void
test_frames_counted(void **state)
{
	transfer_quota_t *q = transfer_quota_new(8, 8);
	transfers_t *t = transfers_new(q);
	job_t *a = job_for("a", "peer-a");
	transfer_t *x;
	zmq_msg_t m[3];
	uint8_t *data;
	size_t base = transfers_bytes_queued();

	(void)state;
	assert_int_equal(transfers_add(t, TRANSFER_DOWNLOAD, a, 0, &x), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(transfer_frame_new(x, 1000, &m[i], &data), 0);
		memset(data, i, 1000);
		assert_int_equal(zmq_msg_size(&m[i]), 1000);
	}
	assert_int_equal(transfer_frames_queued(x), 3);
	assert_int_equal(transfers_bytes_queued(), base + 3000);
	zmq_msg_close(&m[0]);
	assert_int_equal(transfer_frames_queued(x), 2);
	/* The transfer may end before libzmq lets its frames go. */
	transfers_drop(t, x);
	assert_int_equal(transfers_bytes_queued(), base + 2000);
	zmq_msg_close(&m[1]);
	zmq_msg_close(&m[2]);
	assert_int_equal(transfers_bytes_queued(), base);
	transfers_free(t);
	transfer_quota_free(q);
	job_free(a);
}

#define BASE "listen = \"tcp://127.0.0.1:7450\";\ndata_dir = \"data\";\n" \
    "policy = \"policy.conf\";\norigin = \"hppb.example.org/isa\";\n"

static int
load(const char *text, isad_config_t *cfg, char *err, size_t errlen)
{
	char path[] = "/tmp/isa-conf-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	fd = isad_config_load(path, cfg, err, errlen);
	unlink(path);
	return fd;
}

static void
test_limits(void **state)
{
	isad_config_t cfg;
	char err[256];

	(void)state;
	assert_int_equal(load(BASE, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.transfers_per_user, 8);
	assert_int_equal(cfg.transfers, 256);
	assert_int_equal(cfg.content_queued, 64 << 20);
	isad_config_free(&cfg);
	assert_int_equal(load(BASE "limits = { transfers_per_user = 2; "
	    "transfers = 5; content_queued = 2097152; };\n", &cfg, err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.transfers_per_user, 2);
	assert_int_equal(cfg.transfers, 5);
	assert_int_equal(cfg.content_queued, 2097152);
	isad_config_free(&cfg);
	assert_int_equal(load(BASE "limits = { transfers = 0; };\n", &cfg, err,
	    sizeof(err)), ISA_ERR_CONFIG);
	assert_non_null(strstr(err, "\"transfers\" must be between"));
	assert_int_equal(load(BASE "limits = { content_queued = 1048576; "
	    "chunk = 2097152; max_message = 4194304; };\n", &cfg, err,
	    sizeof(err)), ISA_ERR_CONFIG);
	assert_non_null(strstr(err, "content_queued must be at least "
	    "limits.chunk"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_tombs),
		cmocka_unit_test(test_frames_counted),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
