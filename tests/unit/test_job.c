/* test_job.c: a request's job (daemon/ctx/job.c): its memory, its reply, and whether it passes the writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/ctx/job.h"

static int
no_change(store_txn_t *txn, writer_op_t *op)
{
	(void)txn;
	(void)op;
	return 0;
}

/* job_strndup: at most n bytes, fewer up to a NUL, always terminated;
 * the source need not be. */
static void
test_strndup_bounded(void **state)
{
	job_t *j = job_new("r", 1);
	const char raw[] = { 'a', 'b', 'c', 'd' };	/* no NUL */
	const char two[] = { 't', 'o', '\0', 'm', 'k' };

	(void)state;
	assert_non_null(j);
	assert_string_equal(job_strndup(j, raw, sizeof(raw)), "abcd");
	assert_string_equal(job_strndup(j, raw, 2), "ab");
	assert_string_equal(job_strndup(j, raw, 0), "");
	assert_string_equal(job_strndup(j, two, sizeof(two)), "to");
	assert_string_equal(job_strndup(j, two + 3, 2), "mk");
	job_free(j);
}

/* A new job writes its audit record; one that does not, only when its
 * handler left a change. */
static void
test_writer_when_audited_or_changing(void **state)
{
	job_t *j = job_new("rid", 3);

	(void)state;
	assert_non_null(j);
	assert_memory_equal(j->rid, "rid", 3);
	assert_int_equal(j->rid_len, 3);
	assert_true(j->audit.write);
	assert_true(job_needs_writer(j));
	j->audit.write = false;
	assert_false(job_needs_writer(j));
	j->change = no_change;
	assert_true(job_needs_writer(j));
	job_free(j);
	assert_null(job_new("x", JOB_RID_MAX + 1));
}

/* An error reply: status, sentence, no body. */
static void
test_error_reply(void **state)
{
	job_t *j = job_new("r", 1);

	(void)state;
	assert_non_null(j);
	assert_false(job_failed(j));
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_PONG;
	assert_false(job_failed(j));
	job_error(j, ISA__STATUS__NOT_FOUND, "no such %s", "thing");
	assert_true(job_failed(j));
	assert_int_equal(j->resp.status, ISA__STATUS__NOT_FOUND);
	assert_string_equal(j->resp.message, "no such thing");
	assert_int_equal(j->resp.body_case, ISA__ENVELOPE__BODY__NOT_SET);
	job_free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strndup_bounded),
		cmocka_unit_test(test_writer_when_audited_or_changing),
		cmocka_unit_test(test_error_reply),
	};

	job_free(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
