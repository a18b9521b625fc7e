/* auditverify.c: offline verification of an audit export against the public key (and a kept checkpoint). */
#define _GNU_SOURCE	/* getline */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "proto/auditfmt.h"
#include "proto/auditverify.h"
#include "proto/checkpoint.h"
#include "proto/isa.pb-c.h"
#include "proto/merkle.h"

#define JFIELDS_MAX 24

/* One member of a flat JSON object: a string (unescaped) or a number. */
typedef struct {
	char key[32];
	char *val;
} jfield_t;

static void
jfree(jfield_t *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].val);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON string at *p (after its opening quote) into a new string. */
static char *
jstring(const char **p)
{
	const char *s = *p;
	size_t cap = strlen(s) + 1, n = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	for (; *s != '"'; s++) {
		unsigned v = 0;

		if (*s == '\0' || (unsigned char)*s < 0x20)
			goto bad;
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case '"': case '\\': case '/': out[n++] = *s; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'u':
			for (int i = 1; i <= 4; i++) {
				int h = hexval(s[i]);

				if (h < 0)
					goto bad;
				v = v << 4 | (unsigned)h;
			}
			s += 4;
			/* Only what auditfmt writes: control characters. */
			if (v >= 0x80 || v == 0)
				goto bad;
			out[n++] = (char)v;
			break;
		default:
			goto bad;
		}
	}
	out[n] = '\0';
	*p = s + 1;
	return out;
bad:
	free(out);
	return NULL;
}

/* Parse a whole line as one flat object; 0 or ISA_ERR_PARSE. */
static int
jobject(const char *line, jfield_t *f, size_t *n)
{
	const char *p = line;

	*n = 0;
	if (*p++ != '{')
		return ISA_ERR_PARSE;
	while (*p != '}') {
		const char *k;
		size_t kl;

		if (*n == JFIELDS_MAX || (*n > 0 && *p++ != ',') || *p++ != '"')
			goto bad;
		k = p;
		while (*p != '"' && *p != '\0' && *p != '\\')
			p++;
		kl = (size_t)(p - k);
		if (*p++ != '"' || kl == 0 || kl >= sizeof(f[0].key) ||
		    *p++ != ':')
			goto bad;
		memcpy(f[*n].key, k, kl);
		f[*n].key[kl] = '\0';
		if (*p == '"') {
			p++;
			if ((f[*n].val = jstring(&p)) == NULL)
				goto bad;
		} else {
			const char *d = p;

			while (*p >= '0' && *p <= '9')
				p++;
			if (p == d || p - d > 20 || (d[0] == '0' && p - d > 1))
				goto bad;
			if ((f[*n].val = strndup(d, (size_t)(p - d))) == NULL)
				goto bad;
		}
		(*n)++;
	}
	if (p[1] != '\0')
		goto bad;
	return 0;
bad:
	jfree(f, *n);
	*n = 0;
	return ISA_ERR_PARSE;
}

static const char *
jget(const jfield_t *f, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return f[i].val;
	return NULL;
}

/*
 * Base64 (with padding), the n bytes at s, into a new buffer.  OpenSSL
 * refuses characters outside the alphabet; what it lets through (blanks at
 * the ends, stray bits in the last character) cannot pass the caller's
 * check that the line is exactly what the decoded bytes encode to.
 */
static uint8_t *
unbase64(const char *s, size_t n, size_t *len)
{
	size_t pad = 0;
	uint8_t *out;
	int got;

	if (n == 0 || n % 4 != 0)
		return NULL;
	pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
	if (memchr(s, '=', n - pad) != NULL || (out = malloc(n / 4 * 3)) == NULL)
		return NULL;
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (got < 0 || (size_t)got != n / 4 * 3) {
		free(out);
		return NULL;
	}
	*len = (size_t)got - pad;
	return out;
}

/* Name the first field where two lines differ. */
static void
first_difference(const char *have, const char *want, char *what, size_t cap)
{
	jfield_t a[JFIELDS_MAX], b[JFIELDS_MAX];
	size_t na, nb;

	snprintf(what, cap, "its fields are not written as its bytes give");
	if (jobject(have, a, &na) != 0)
		return;
	if (jobject(want, b, &nb) != 0) {
		jfree(a, na);
		return;
	}
	for (size_t i = 0; i < na || i < nb; i++) {
		const char *k = i < nb ? b[i].key : a[i].key;
		const char *va = jget(a, na, k), *vb = jget(b, nb, k);

		if (va == NULL || vb == NULL || strcmp(va, vb) != 0) {
			snprintf(what, cap, "field \"%.31s\" says \"%.64s\" but its "
			    "bytes say \"%.64s\"", k, va ? va : "(missing)",
			    vb ? vb : "(missing)");
			break;
		}
		if (i < na && i < nb && strcmp(a[i].key, b[i].key) != 0) {
			snprintf(what, cap, "its fields are out of order at "
			    "\"%.31s\"", a[i].key);
			break;
		}
	}
	jfree(a, na);
	jfree(b, nb);
}

/* Read and check line 1; on success *cp holds the export's checkpoint. */
static int
verify_header(const char *line, EVP_PKEY *key, checkpoint_t *cp, char *err,
    size_t errlen)
{
	jfield_t f[JFIELDS_MAX];
	const char *fmt, *note;
	char perr[256];
	size_t n;
	int rc = ISA_ERR_PARSE;

	if (jobject(line, f, &n) != 0 || n != 2 ||
	    (fmt = jget(f, n, "format")) == NULL ||
	    strcmp(fmt, AUDITFMT_FORMAT) != 0 ||
	    (note = jget(f, n, "checkpoint")) == NULL) {
		snprintf(err, errlen, "line 1 is not an %s header: this is not "
		    "an isa audit export", AUDITFMT_FORMAT);
		goto out;
	}
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
	jfree(f, n);
	return rc;
}

/*
 * The leaf of a line as it must begin, {"seq":SEQ,"leaf":"BASE64", into a
 * new buffer; NULL when it does not begin so (the slow path then says
 * what is wrong).  The rest of the line is checked whole against the
 * record's own encoding, so nothing more need be parsed here.
 */
static uint8_t *
fast_leaf(const char *line, const char *num, size_t *len)
{
	static const char seq[] = "{\"seq\":", leaf[] = ",\"leaf\":\"";
	size_t nl = strlen(num);
	const char *p = line, *end;

	if (strncmp(p, seq, sizeof(seq) - 1) != 0)
		return NULL;
	p += sizeof(seq) - 1;
	if (strncmp(p, num, nl) != 0)
		return NULL;
	p += nl;
	if (strncmp(p, leaf, sizeof(leaf) - 1) != 0)
		return NULL;
	p += sizeof(leaf) - 1;
	if ((end = strchr(p, '"')) == NULL)
		return NULL;
	return unbase64(p, (size_t)(end - p), len);
}

/* The slow path: parse the line to say what is wrong with it. */
static uint8_t *
slow_leaf(const char *line, uint64_t seq, const char *num, size_t *len,
    char *err, size_t errlen)
{
	jfield_t f[JFIELDS_MAX];
	const char *sseq, *sleaf;
	uint8_t *bytes = NULL;
	size_t n;

	if (jobject(line, f, &n) != 0) {
		snprintf(err, errlen, "record %llu (line %llu) is not a JSON "
		    "object of this format", (unsigned long long)seq,
		    (unsigned long long)seq + 2);
		return NULL;
	}
	if ((sseq = jget(f, n, "seq")) == NULL || strcmp(sseq, num) != 0)
		snprintf(err, errlen, "record %llu (line %llu) has seq %s: "
		    "records were removed, inserted or reordered",
		    (unsigned long long)seq, (unsigned long long)seq + 2,
		    sseq ? sseq : "(none)");
	else if ((sleaf = jget(f, n, "leaf")) == NULL ||
	    (bytes = unbase64(sleaf, strlen(sleaf), len)) == NULL)
		snprintf(err, errlen, "record %llu: its leaf is not the bytes "
		    "of an audit record", (unsigned long long)seq);
	jfree(f, n);
	return bytes;
}

/* One record line: its leaf hash in leaf, or an error naming it. */
static int
verify_record(const char *line, uint64_t seq, uint8_t leaf[MERKLE_HASH_LEN],
    char *err, size_t errlen)
{
	Isa__AuditRecord *r = NULL;
	uint8_t *bytes;
	char *want = NULL, what[256], num[32];
	size_t len = 0;
	int rc = ISA_ERR_CRYPTO;

	snprintf(num, sizeof(num), "%llu", (unsigned long long)seq);
	if ((bytes = fast_leaf(line, num, &len)) == NULL &&
	    (bytes = slow_leaf(line, seq, num, &len, err, errlen)) == NULL)
		return ISA_ERR_CRYPTO;
	if ((r = isa__audit_record__unpack(NULL, len, bytes)) == NULL) {
		snprintf(err, errlen, "record %llu: its leaf is not the bytes "
		    "of an audit record", (unsigned long long)seq);
		goto out;
	}
	if (r->seq != seq) {
		snprintf(err, errlen, "record %llu: its bytes say it is record "
		    "%llu: records were moved", (unsigned long long)seq,
		    (unsigned long long)r->seq);
		goto out;
	}
	if ((rc = auditfmt_json_record(r, bytes, len, true, &want)) != 0)
		goto out;
	rc = ISA_ERR_CRYPTO;
	if (strcmp(want, line) != 0) {
		first_difference(line, want, what, sizeof(what));
		snprintf(err, errlen, "record %llu: %s: the record was "
		    "relabelled", (unsigned long long)seq, what);
		goto out;
	}
	if (merkle_hash_leaf(bytes, len, leaf) != 0)
		goto out;
	rc = 0;
out:
	if (r != NULL)
		isa__audit_record__free_unpacked(r, NULL);
	free(bytes);
	free(want);
	return rc;
}

int
auditverify_export(FILE *f, EVP_PKEY *key, const char *since,
    size_t since_len, uint64_t *records, uint64_t *since_size, char *err,
    size_t errlen)
{
	checkpoint_t cp = { 0 }, old = { 0 };
	merkle_compact_t range;
	uint8_t leaf[MERKLE_HASH_LEN], root[MERKLE_HASH_LEN];
	char *line = NULL, perr[256];
	size_t cap = 0;
	ssize_t got;
	uint64_t seq = 0;
	int rc = ISA_ERR_PARSE;

	*records = *since_size = 0;
	merkle_compact_init(&range);
	if (since != NULL) {
		if (checkpoint_parse(since, since_len, &old, perr,
		    sizeof(perr)) != 0) {
			snprintf(err, errlen, "the checkpoint you kept is "
			    "malformed: %s", perr);
			return ISA_ERR_PARSE;
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
	if ((rc = verify_header(line, key, &cp, err, errlen)) != 0)
		goto out;
	rc = ISA_ERR_CRYPTO;
	if (since != NULL && strcmp(old.origin, cp.origin) != 0) {
		snprintf(err, errlen, "the checkpoint you kept is for log "
		    "\"%s\"; this export is of \"%s\"", old.origin, cp.origin);
		goto out;
	}
	while ((got = getline(&line, &cap, f)) > 0) {
		if (line[got - 1] != '\n') {
			snprintf(err, errlen, "record %llu: the last line is cut "
			    "short", (unsigned long long)seq);
			goto out;
		}
		line[got - 1] = '\0';
		if (verify_record(line, seq, leaf, err, errlen) != 0 ||
		    merkle_compact_append(&range, leaf) != 0)
			goto out;
		seq++;
		if (since != NULL && seq == old.size &&
		    (merkle_compact_root(&range, root) != 0 ||
		    memcmp(root, old.root, sizeof(root)) != 0)) {
			snprintf(err, errlen, "records 0 to %llu do not hash to "
			    "the root of the checkpoint you kept: the log was "
			    "rewritten or rolled back since", (unsigned long long)
			    old.size - 1);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read the export");
		rc = ISA_ERR_IO;
		goto out;
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
out:
	free(line);
	checkpoint_clear(&cp);
	checkpoint_clear(&old);
	return rc;
}
