/* test_auditverify.c: offline verify of exports larger than a batch: every thread's chunk, mapped and piped, kept checkpoints inside and at batch edges. */
#define _GNU_SOURCE	/* popen */
#include <openssl/evp.h>
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
#include "verify/auditbatch.h"
#include "verify/auditfmt.h"
#include "verify/auditverify.h"
#include "daemon/keys/signkey.h"
#include "proto/checkpoint.h"
#include "proto/isa.pb-c.h"
#include "proto/merkle.h"

#define CHECK(e) do {							\
	int rc_ = (e);							\
	if (rc_ != 0)							\
		fail_msg("%s:%d: %s: %s", __FILE__, __LINE__, #e,	\
		    isa_strerror(rc_));					\
} while (0)

/* Two batches and a part: every batch edge and many chunks are crossed. */
#define N (2 * AUDITBATCH_LINES + 3000)
#define ORIGIN "test.example/isa"

static EVP_PKEY *key;		/* the auditor's */
static signkey_t *signkey;	/* isad's */
static checkpoint_signer_t signer;
static char **lines;			/* the N record lines, no newline */
static uint8_t (*roots)[MERKLE_HASH_LEN];	/* root of the first n, n <= N */
static char path[] = "/tmp/isa-test-verify-XXXXXX";

/* Record i as isad would write it, and its leaf hash. */
static char *
record_line(uint64_t i, uint8_t leaf[MERKLE_HASH_LEN])
{
	Isa__AuditRecord r = ISA__AUDIT_RECORD__INIT;
	uint8_t buf[512], sha[32];
	char actor[32], doc[32], *line = NULL;
	size_t len;

	for (int k = 0; k < 32; k++)
		sha[k] = (uint8_t)(i * 7 + k);
	snprintf(actor, sizeof(actor), "user%03u", (unsigned)(i % 97));
	snprintf(doc, sizeof(doc), "D%010u", (unsigned)(i % 1000));
	r.seq = i;
	r.time_ms = 1795000000000 + (int64_t)i * 37;
	r.actor = actor;
	r.agency = "council";
	r.action = i % 3 ? "get" : "info";
	r.doc = doc;
	r.marking = "OFFICIAL-SENSITIVE";
	r.decision = i % 5 ? "permit" : "deny";
	r.reason = i % 5 ? "ok" : "not_on_list";
	r.sha256.data = sha;
	r.sha256.len = sizeof(sha);
	if (i % 11 == 0) {	/* a tally of refused handshakes */
		r.count = i + 2;
		r.keys = i % 7 + 1;
	}
	len = isa__audit_record__pack(&r, buf);
	CHECK(merkle_hash_leaf(buf, len, leaf));
	CHECK(auditfmt_json(buf, len, true, &line));
	return line;
}

static int
setup(void **state)
{
	merkle_compact_t range;
	uint8_t leaf[MERKLE_HASH_LEN];
	int fd;

	(void)state;
	CHECK(signkey_generate(&signkey));
	CHECK(signkey_signer(signkey, &signer));
	CHECK(signkey_public(signkey, &key));
	lines = calloc(N, sizeof(*lines));
	roots = calloc(N + 1, MERKLE_HASH_LEN);
	assert_non_null(lines);
	assert_non_null(roots);
	merkle_compact_init(&range);
	for (uint64_t i = 0; i < N; i++) {
		CHECK(merkle_compact_root(&range, roots[i]));
		lines[i] = record_line(i, leaf);
		CHECK(merkle_compact_append(&range, leaf));
	}
	CHECK(merkle_compact_root(&range, roots[N]));
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++)
		free(lines[i]);
	free(lines);
	free(roots);
	checkpoint_key_free(key);
	signkey_free(signkey);
	unlink(path);
	return 0;
}

/* The signed note for the first n records of this log. */
static char *
note_for(uint64_t n)
{
	char *note = NULL;

	CHECK(checkpoint_sign(&signer, ORIGIN, n, roots[n], &note));
	return note;
}

/* Write the export to path: record `edit` (when < N) replaced by other,
 * and without the last newline when cut. */
static void
write_export(uint64_t edit, const char *other, bool cut)
{
	char *note = note_for(N), *head = NULL;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	CHECK(auditfmt_header(note, &head));
	fprintf(f, "%s\n", head);
	for (uint64_t i = 0; i < N; i++)
		fprintf(f, "%s%s", i == edit ? other : lines[i],
		    cut && i == N - 1 ? "" : "\n");
	assert_int_equal(fclose(f), 0);
	free(head);
	free(note);
}

/* Verify path, mapped (a file) or piped (read as a stream). */
static int
verify(bool piped, const char *since, uint64_t *records, char *err,
    size_t errlen)
{
	char cmd[128];
	uint64_t since_size;
	FILE *f;
	int rc;

	snprintf(cmd, sizeof(cmd), "cat %s", path);
	f = piped ? popen(cmd, "r") : fopen(path, "r");
	assert_non_null(f);
	rc = auditverify_export(f, key, since, since ? strlen(since) : 0,
	    records, &since_size, err, errlen);
	if (piped)
		pclose(f);
	else
		fclose(f);
	return rc;
}

static void
test_whole_export_verifies_mapped_and_piped(void **state)
{
	char err[1024] = "";
	uint64_t records = 0;

	(void)state;
	write_export(N, NULL, false);
	for (int piped = 0; piped < 2; piped++) {
		if (verify(piped, NULL, &records, err, sizeof(err)) != 0)
			fail_msg("%s: %s", piped ? "piped" : "mapped", err);
		assert_int_equal(records, N);
	}
}

/* A relabelled record anywhere (first, chunk and batch edges, last) is
 * named, whichever thread checked it. */
static void
test_relabelled_record_is_named_wherever_it_lies(void **state)
{
	static const uint64_t at[] = { 0, 1023, 1024, AUDITBATCH_LINES - 1,
	    AUDITBATCH_LINES, AUDITBATCH_LINES + 5000, N - 1 };
	char err[1024], want[64];
	uint64_t records;

	(void)state;
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		char *other = strdup(lines[at[k]]), *agency;

		assert_non_null(other);
		assert_non_null(agency = strstr(other, "\"council\""));
		agency[1] = 'C';	/* the field, not the bytes */

		write_export(at[k], other, false);
		free(other);
		snprintf(want, sizeof(want), "record %llu:",
		    (unsigned long long)at[k]);
		for (int piped = 0; piped < 2; piped += k % 3 == 0 ? 1 : 2) {
			err[0] = '\0';
			assert_int_equal(verify(piped, NULL, &records, err,
			    sizeof(err)), ISA_ERR_CRYPTO);
			if (strncmp(err, want, strlen(want)) != 0)
				fail_msg("relabelled record %llu: got \"%s\"",
				    (unsigned long long)at[k], err);
		}
	}
}

/* A checkpoint kept at any size, inside a batch or at its edges, shows the
 * log only grew; one of another log at that size does not. */
static void
test_kept_checkpoints_inside_and_at_batch_edges(void **state)
{
	static const uint64_t at[] = { 1, 1024, 5001, AUDITBATCH_LINES,
	    AUDITBATCH_LINES + 1, 2 * AUDITBATCH_LINES, N };
	char err[1024], *note;
	uint64_t records;

	(void)state;
	write_export(N, NULL, false);
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		uint8_t saved[MERKLE_HASH_LEN];

		note = note_for(at[k]);
		if (verify(k % 2, note, &records, err, sizeof(err)) != 0)
			fail_msg("kept checkpoint of %llu: %s",
			    (unsigned long long)at[k], err);
		free(note);
		/* A checkpoint of a log rewritten before at[k]. */
		memcpy(saved, roots[at[k]], sizeof(saved));
		roots[at[k]][0] ^= 1;
		note = note_for(at[k]);
		memcpy(roots[at[k]], saved, sizeof(saved));
		err[0] = '\0';
		assert_int_equal(verify(k % 2, note, &records, err,
		    sizeof(err)), ISA_ERR_CRYPTO);
		assert_non_null(strstr(err, "do not hash to the root of the "
		    "checkpoint you kept"));
		free(note);
	}
}

/* The distinct-key count of a tally is checked like every decoded field:
 * changed or dropped, the record is named. */
static void
test_relabelled_keys_named(void **state)
{
	char err[1024], *other, *at;
	uint64_t records;

	(void)state;
	for (int drop = 0; drop < 2; drop++) {
		assert_non_null(other = strdup(lines[11]));
		assert_non_null(at = strstr(other, ",\"keys\":5}"));
		if (drop)
			memmove(at, at + 9, strlen(at + 9) + 1);
		else
			at[8] = '6';
		write_export(11, other, false);
		free(other);
		err[0] = '\0';
		assert_int_equal(verify(drop, NULL, &records, err,
		    sizeof(err)), ISA_ERR_CRYPTO);
		if (strncmp(err, "record 11:", 10) != 0 ||
		    strstr(err, "keys") == NULL)
			fail_msg("relabelled keys: got \"%s\"", err);
	}
}

static void
test_cut_last_line_is_named(void **state)
{
	char err[1024] = "", want[64];
	uint64_t records;

	(void)state;
	write_export(N, NULL, true);
	snprintf(want, sizeof(want), "record %llu: the last line is cut short",
	    (unsigned long long)N - 1);
	for (int piped = 0; piped < 2; piped++) {
		assert_int_equal(verify(piped, NULL, &records, err,
		    sizeof(err)), ISA_ERR_CRYPTO);
		assert_string_equal(err, want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_export_verifies_mapped_and_piped),
		cmocka_unit_test(test_relabelled_record_is_named_wherever_it_lies),
		cmocka_unit_test(test_kept_checkpoints_inside_and_at_batch_edges),
		cmocka_unit_test(test_relabelled_keys_named),
		cmocka_unit_test(test_cut_last_line_is_named),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
