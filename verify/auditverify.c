/* auditverify.c: offline verification of an audit export against the public key (and a kept checkpoint). */
#define _GNU_SOURCE	/* getline */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "verify/auditbatch.h"
#include "verify/auditfmt.h"
#include "verify/auditverify.h"
#include "proto/checkpoint.h"
#include "verify/jsonflat.h"
#include "proto/merkle.h"

/* Read and check line 1; on success *cp holds the export's checkpoint. */
static int
verify_header(const char *line, EVP_PKEY *key, checkpoint_t *cp,
    int *format, char *err, size_t errlen)
{
	jsonflat_field_t f[JSONFLAT_MAX];
	const char *fmt, *note;
	char perr[256];
	size_t n;
	int rc = ISA_ERR_PARSE;

	/* Exports written before /2 (request as a number) verify too. */
	if (jsonflat_parse(line, f, &n) != 0 || n != 2 ||
	    (fmt = jsonflat_get(f, n, "format")) == NULL ||
	    (strcmp(fmt, AUDITFMT_FORMAT) != 0 &&
	    strcmp(fmt, AUDITFMT_FORMAT_V1) != 0) ||
	    (note = jsonflat_get(f, n, "checkpoint")) == NULL) {
		snprintf(err, errlen, "line 1 is not an %s (or %s) header: "
		    "this is not an isa audit export", AUDITFMT_FORMAT,
		    AUDITFMT_FORMAT_V1);
		goto out;
	}
	*format = strcmp(fmt, AUDITFMT_FORMAT_V1) == 0 ? AUDITFMT_V1 :
	    AUDITFMT_V2;
	if (checkpoint_parse(note, strlen(note), cp, perr, sizeof(perr)) != 0) {
		snprintf(err, errlen, "line 1: the checkpoint is malformed: %s",
		    perr);
		goto out;
	}
	if (checkpoint_verify(cp, key) != 0) {
		snprintf(err, errlen, "line 1: the checkpoint is not signed by "
		    "this key (or was altered)");
		checkpoint_clear(cp);
		rc = ISA_ERR_CRYPTO;
		goto out;
	}
	rc = 0;
out:
	jsonflat_free(f, n);
	return rc;
}

/* Whether range, now the size of the checkpoint the auditor kept, has its
 * root; err says what that means when not. */
static bool
kept_root_matches(const merkle_compact_t *range, const checkpoint_t *old,
    char *err, size_t errlen)
{
	uint8_t root[MERKLE_HASH_LEN];

	if (merkle_compact_root(range, root) == 0 &&
	    memcmp(root, old->root, sizeof(root)) == 0)
		return true;
	snprintf(err, errlen, "records 0 to %llu do not hash to the root of "
	    "the checkpoint you kept: the log was rewritten or rolled back "
	    "since", (unsigned long long)old->size - 1);
	return false;
}

int
auditverify_export(FILE *f, EVP_PKEY *key, const char *since,
    size_t since_len, uint64_t *records, uint64_t *since_size, char *err,
    size_t errlen)
{
	checkpoint_t cp = { 0 }, old = { 0 };
	merkle_compact_t range;
	uint8_t root[MERKLE_HASH_LEN];
	char *line = NULL, perr[256];
	size_t cap = 0;
	ssize_t got;
	uint64_t seq = 0;
	auditbatch_t *batch;
	int format;
	int rc = ISA_ERR_PARSE;

	*records = *since_size = 0;
	merkle_compact_init(&range);
	if ((batch = auditbatch_new(0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return ISA_ERR_NOMEM;
	}
	if (since != NULL) {
		if (checkpoint_parse(since, since_len, &old, perr,
		    sizeof(perr)) != 0) {
			snprintf(err, errlen, "the checkpoint you kept is "
			    "malformed: %s", perr);
			goto out;
		}
		if (checkpoint_verify(&old, key) != 0) {
			snprintf(err, errlen, "the checkpoint you kept is not "
			    "signed by this key");
			rc = ISA_ERR_CRYPTO;
			goto out;
		}
		*since_size = old.size;
	}
	if ((got = getline(&line, &cap, f)) <= 0) {
		snprintf(err, errlen, "the export is empty");
		goto out;
	}
	if (line[got - 1] == '\n')
		line[got - 1] = '\0';
	if ((rc = verify_header(line, key, &cp, &format, err, errlen)) != 0)
		goto out;
	auditbatch_set_format(batch, format);
	rc = ISA_ERR_CRYPTO;
	if (since != NULL && strcmp(old.origin, cp.origin) != 0) {
		snprintf(err, errlen, "the checkpoint you kept is for log "
		    "\"%s\"; this export is of \"%s\"", old.origin, cp.origin);
		goto out;
	}
	for (;;) {
		size_t n, good;
		bool cut;
		int bad;

		if ((rc = auditbatch_run(batch, f, seq, &n, &cut)) != 0) {
			snprintf(err, errlen, rc == ISA_ERR_IO ? "cannot read "
			    "the export" : "out of memory");
			goto out;
		}
		good = auditbatch_good(batch, &bad, err, errlen);
		rc = ISA_ERR_CRYPTO;
		/* Leaf by leaf only where the kept checkpoint's size falls
		 * inside the batch or a bad line ends it. */
		if (good == n && !(since != NULL && old.size > seq &&
		    old.size < seq + n)) {
			if (auditbatch_merge(batch, &range) != 0)
				goto cannot_hash;
			seq += n;
			if (since != NULL && n > 0 && seq == old.size &&
			    !kept_root_matches(&range, &old, err, errlen))
				goto out;
		} else
			for (size_t i = 0; i < good; i++) {
				if (merkle_compact_append(&range,
				    auditbatch_leaf(batch, i)) != 0)
					goto cannot_hash;
				seq++;
				if (since != NULL && seq == old.size &&
				    !kept_root_matches(&range, &old, err,
				    errlen))
					goto out;
			}
		if (good < n) {
			rc = bad;
			goto out;
		}
		if (cut) {
			snprintf(err, errlen, "record %llu: the last line is cut "
			    "short", (unsigned long long)seq);
			goto out;
		}
		if (n == 0)
			break;
	}
	if (since != NULL && seq < old.size) {
		snprintf(err, errlen, "the export holds %llu records but the "
		    "checkpoint you kept covers %llu: records were removed or "
		    "the log was rolled back", (unsigned long long)seq,
		    (unsigned long long)old.size);
		goto out;
	}
	if (seq != cp.size) {
		snprintf(err, errlen, "the export holds %llu records but its "
		    "checkpoint covers %llu: records were %s",
		    (unsigned long long)seq, (unsigned long long)cp.size,
		    seq < cp.size ? "removed" : "added");
		goto out;
	}
	if (merkle_compact_root(&range, root) != 0 ||
	    memcmp(root, cp.root, sizeof(root)) != 0) {
		snprintf(err, errlen, "the records do not hash to the "
		    "checkpoint's root: a record was edited, replaced or "
		    "reordered together with its fields");
		goto out;
	}
	*records = seq;
	rc = 0;
	goto out;
cannot_hash:
	snprintf(err, errlen, "cannot hash the records (OpenSSL failed)");
out:
	free(line);
	auditbatch_free(batch);
	checkpoint_clear(&cp);
	checkpoint_clear(&old);
	return rc;
}
