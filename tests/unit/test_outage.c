/* test_outage.c: what a failed commit kept out of the audit log: requests counted by action, user and key, bounded; events kept whole; written first and forgotten only once they commit; kept in a file across a stop. */
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
#include "daemon/audit/audit.h"
#include "daemon/audit/outage.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

static char dir[] = "/tmp/isa-outage-XXXXXX";
static store_t *s;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (mkdtemp(dir) == NULL ||
	    store_open(dir, INT64_C(1) << 30, &s, err, sizeof(err)) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
note(outage_t *o, const char *action, const char *user, int rc, int64_t ms)
{
	audit_entry_t e = { 0 };

	e.action = action;
	e.actor = user;
	e.agency = "hcc";
	e.key = "k";
	e.decision = "permit";	/* what it would have been: not kept */
	e.doc = "SOMEDOCUMENT";
	outage_note(o, &e, rc, ms);
}

/* Write the backlog in one commit; the size of the log before. */
static uint64_t
flush(outage_t *o, int *rc)
{
	store_txn_t *t;
	uint64_t before;

	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(audit_size(t, &before), 0);
	*rc = outage_apply(t, o);
	assert_int_equal(*rc, 0);
	assert_int_equal(store_txn_commit(t), 0);
	return before;
}

static Isa__AuditRecord *
record(uint64_t seq)
{
	store_txn_t *t;
	const void *v;
	size_t vl;
	Isa__AuditRecord *r;

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(records_audit_get(t, seq, &v, &vl), 0);
	assert_int_equal(records_audit_decode(v, vl, &r), 0);
	store_txn_abort(t);
	return r;
}

/* Counted by action and user, in the order first seen; the reason of
 * the failure; the time of the first as target; nothing else kept. */
static void
test_counts_by_action_and_user(void **state)
{
	outage_t *o = outage_new(NULL);
	Isa__AuditRecord *r;
	uint64_t at;
	int rc;

	(void)state;
	assert_non_null(o);
	assert_false(outage_pending(o));
	note(o, "whoami", "ann", ISA_ERR_IO, 1000);
	note(o, "get", "ann", ISA_ERR_DISKFULL, 2000);
	note(o, "whoami", "ann", ISA_ERR_DISKFULL, 3000);
	note(o, "whoami", "bob", ISA_ERR_FULL, 4000);
	assert_true(outage_pending(o));
	at = flush(o, &rc);
	outage_done(o, 0);
	assert_false(outage_pending(o));
	r = record(at);
	assert_string_equal(r->action, "whoami");
	assert_string_equal(r->actor, "ann");
	assert_string_equal(r->agency, "hcc");
	assert_string_equal(r->decision, "error");
	assert_string_equal(r->reason, "disk_full");	/* the latest */
	assert_int_equal(r->count, 2);
	assert_string_equal(r->target, "1970-01-01T00:00:01.000Z");
	assert_string_equal(r->doc, "");
	records_audit_free(r);
	r = record(at + 1);
	assert_string_equal(r->action, "get");
	assert_int_equal(r->count, 1);
	records_audit_free(r);
	r = record(at + 2);
	assert_string_equal(r->actor, "bob");
	assert_string_equal(r->reason, "store_full");
	records_audit_free(r);
	outage_free(o);
}

/* Past OUTAGE_ENTRIES counts, the rest are counted together, with no
 * actor; a commit that fails keeps them all for the next. */
static void
test_bounded_and_kept_until_committed(void **state)
{
	outage_t *o = outage_new(NULL);
	Isa__AuditRecord *r;
	char user[32];
	uint64_t at, size;
	store_txn_t *t;
	int rc;

	(void)state;
	for (int i = 0; i < OUTAGE_ENTRIES + 6; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		note(o, "ls", user, ISA_ERR_IO, 1000 + i);
	}
	note(o, "ls", "user5000", ISA_ERR_IO, 9000);
	outage_done(o, ISA_ERR_IO);	/* that commit failed: kept */
	assert_true(outage_pending(o));
	at = flush(o, &rc);
	outage_done(o, 0);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(audit_size(t, &size), 0);
	store_txn_abort(t);
	assert_int_equal(size - at, OUTAGE_ENTRIES + 1);
	r = record(size - 1);
	assert_string_equal(r->action, "request");
	assert_string_equal(r->actor, "");
	assert_int_equal(r->count, 7);
	records_audit_free(r);
	assert_false(outage_pending(o));
	outage_free(o);
}

/* An event (a reload, say) is kept whole, with its time and hashes, and
 * written before the counts. */
static void
test_events_kept_whole(void **state)
{
	outage_t *o = outage_new(NULL);
	audit_entry_t e = { 0 };
	uint8_t sha[32], csha[32];
	Isa__AuditRecord *r;
	uint64_t at;
	int rc;

	(void)state;
	memset(sha, 0xab, sizeof(sha));
	memset(csha, 0xcd, sizeof(csha));
	note(o, "whoami", "ann", ISA_ERR_IO, 1000);
	e.action = "reload";
	e.decision = "permit";
	e.reason = "ok";
	e.sha256 = sha;
	e.config_sha256 = csha;
	outage_keep(o, &e, ISA_ERR_IO, 5000);
	at = flush(o, &rc);
	outage_done(o, 0);
	r = record(at);
	assert_string_equal(r->action, "reload");
	assert_string_equal(r->decision, "permit");
	assert_int_equal(r->sha256.len, 32);
	assert_memory_equal(r->sha256.data, sha, 32);
	assert_memory_equal(r->config_sha256.data, csha, 32);
	assert_int_equal(r->count, 0);
	records_audit_free(r);
	r = record(at + 1);
	assert_string_equal(r->action, "whoami");
	records_audit_free(r);
	outage_free(o);
}

/* What is held at a stop is kept in the file, taken back by the next
 * outage (as whole records) and written first; the file goes once they
 * commit. */
static void
test_kept_across_a_stop(void **state)
{
	char path[256];
	audit_entry_t e = { 0 };
	Isa__AuditRecord *r;
	outage_t *o;
	uint64_t at;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/" OUTAGE_FILE, dir);
	o = outage_new(path);
	assert_false(outage_pending(o));
	note(o, "put", "ann", ISA_ERR_FULL, 1000);
	note(o, "put", "ann", ISA_ERR_FULL, 2000);
	e.action = "start";
	e.decision = "permit";
	e.reason = "ok";
	outage_keep(o, &e, ISA_ERR_FULL, 3000);
	outage_free(o);		/* the store is full: kept */
	assert_int_equal(access(path, F_OK), 0);
	o = outage_new(path);
	assert_true(outage_pending(o));
	at = flush(o, &rc);
	assert_int_equal(access(path, F_OK), 0);	/* until it commits */
	outage_done(o, 0);
	assert_int_not_equal(access(path, F_OK), 0);
	r = record(at);
	assert_string_equal(r->action, "start");
	records_audit_free(r);
	r = record(at + 1);
	assert_string_equal(r->action, "put");
	assert_string_equal(r->reason, "store_full");
	assert_int_equal(r->count, 2);
	assert_string_equal(r->target, "1970-01-01T00:00:01.000Z");
	records_audit_free(r);
	outage_free(o);
	/* a file cut short: what came before is taken back */
	o = outage_new(path);
	note(o, "ls", "bob", ISA_ERR_IO, 1000);
	outage_keep(o, &e, ISA_ERR_IO, 3000);
	outage_free(o);
	{
		FILE *f = fopen(path, "r+");
		long size;

		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		size = ftell(f);
		fclose(f);
		assert_int_equal(truncate(path, size - 3), 0);
	}
	o = outage_new(path);
	assert_true(outage_pending(o));
	at = flush(o, &rc);
	outage_done(o, 0);
	r = record(at);
	assert_string_equal(r->action, "start");
	records_audit_free(r);
	outage_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_by_action_and_user),
		cmocka_unit_test(test_bounded_and_kept_until_committed),
		cmocka_unit_test(test_events_kept_whole),
		cmocka_unit_test(test_kept_across_a_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
