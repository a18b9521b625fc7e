/* auditrecord.c: one line of an audit export checked against its own bytes, and its leaf hash. */
#define _GNU_SOURCE	/* strndup */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "common/err.h"
#include "verify/auditfmt.h"
#include "verify/auditrecord.h"
#include "proto/isa.pb-c.h"
#include "verify/jsonflat.h"

#define ARENA_SIZE (64 * 1024)

/* A record's bytes, in a buffer kept from record to record. */
typedef struct {
	uint8_t *data;
	size_t len, cap;
} bytes_t;

/*
 * protobuf-c allocates a record's strings one by one; a million records
 * make that most of the work.  Unpacking takes from one block reused for
 * every record instead (malloc only past its end).
 */
typedef struct {
	_Alignas(16) uint8_t block[ARENA_SIZE];	/* aligned as malloc aligns */
	size_t used;
	size_t spilled;		/* allocations malloc'd past the block */
} arena_t;

static void *
arena_alloc(void *data, size_t n)
{
	arena_t *a = data;

	n = (n + 15) & ~(size_t)15;
	if (n <= sizeof(a->block) - a->used) {
		void *p = a->block + a->used;

		a->used += n;
		return p;
	}
	a->spilled++;
	return malloc(n);
}

static void
arena_free(void *data, void *p)
{
	arena_t *a = data;
	uintptr_t at = (uintptr_t)p, base = (uintptr_t)a->block;

	if (at < base || at >= base + sizeof(a->block))
		free(p);
}

struct auditrecord {
	int format;		/* AUDITFMT_V1 or AUDITFMT_V2: the export's */
	bytes_t bytes;
	arena_t arena;
	ProtobufCAllocator alloc;
};

auditrecord_t *
auditrecord_new(void)
{
	auditrecord_t *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->format = AUDITFMT_CURRENT;
	if (v != NULL)
		v->alloc = (ProtobufCAllocator){ arena_alloc, arena_free,
		    &v->arena };
	return v;
}

void
auditrecord_free(auditrecord_t *v)
{
	if (v == NULL)
		return;
	free(v->bytes.data);
	free(v);
}

/* The base64 of a record, the n bytes at s, into out (grown as needed),
 * only when s is exactly what encoding out gives (base64_decode). */
static bool
unbase64(const char *s, size_t n, bytes_t *out)
{
	if (n == 0 || n % 4 != 0)
		return false;
	if (n / 4 * 3 > out->cap) {
		uint8_t *p = realloc(out->data, n / 4 * 3);

		if (p == NULL)
			return false;
		out->data = p;
		out->cap = n / 4 * 3;
	}
	return base64_decode(s, n, out->data, out->cap, &out->len) == 0;
}

/* Name the first field where two lines differ. */
static void
first_difference(const char *have, const char *want, char *what, size_t cap)
{
	jsonflat_field_t a[JSONFLAT_MAX], b[JSONFLAT_MAX];
	size_t na, nb;

	snprintf(what, cap, "its fields are not written as its bytes give");
	if (jsonflat_parse(have, a, &na) != 0)
		return;
	if (jsonflat_parse(want, b, &nb) != 0) {
		jsonflat_free(a, na);
		return;
	}
	for (size_t i = 0; i < na || i < nb; i++) {
		const char *k = i < nb ? b[i].key : a[i].key;
		const char *va = jsonflat_get(a, na, k), *vb = jsonflat_get(b, nb, k);

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
	jsonflat_free(a, na);
	jsonflat_free(b, nb);
}

/* Whether the n bytes at *p (of the left) are s; past them if so. */
static bool
take(const char **p, size_t *left, const char *s, size_t n)
{
	if (*left < n || memcmp(*p, s, n) != 0)
		return false;
	*p += n;
	*left -= n;
	return true;
}

/*
 * The leaf of a line (len bytes) as it must begin, {"seq":SEQ,"leaf":"
 * BASE64", into out, and in *rest what follows the leaf's closing quote;
 * false when it does not begin so (the slow path then says what is wrong).
 * The rest is checked against the record's own encoding.
 */
static bool
fast_leaf(const char *line, size_t len, const char *num, bytes_t *out,
    const char **rest)
{
	static const char seq[] = "{\"seq\":", leaf[] = ",\"leaf\":\"";
	const char *p = line, *end;

	if (!take(&p, &len, seq, sizeof(seq) - 1) ||
	    !take(&p, &len, num, strlen(num)) ||
	    !take(&p, &len, leaf, sizeof(leaf) - 1) ||
	    (end = memchr(p, '"', len)) == NULL)
		return false;
	*rest = end + 1;
	return unbase64(p, (size_t)(end - p), out);
}

/* The slow path: parse the line to say what is wrong with it. */
static bool
slow_leaf(const char *line, uint64_t seq, const char *num, bytes_t *out,
    char *err, size_t errlen)
{
	jsonflat_field_t f[JSONFLAT_MAX];
	const char *sseq, *sleaf;
	bool ok = false;
	size_t n;

	if (jsonflat_parse(line, f, &n) != 0) {
		snprintf(err, errlen, "record %llu (line %llu) is not a JSON "
		    "object of this format", (unsigned long long)seq,
		    (unsigned long long)seq + 2);
		return false;
	}
	if ((sseq = jsonflat_get(f, n, "seq")) == NULL || strcmp(sseq, num) != 0)
		snprintf(err, errlen, "record %llu (line %llu) has seq %s: "
		    "records were removed, inserted or reordered",
		    (unsigned long long)seq, (unsigned long long)seq + 2,
		    sseq ? sseq : "(none)");
	else if ((sleaf = jsonflat_get(f, n, "leaf")) == NULL ||
	    !(ok = unbase64(sleaf, strlen(sleaf), out)))
		snprintf(err, errlen, "record %llu: its leaf is not the bytes "
		    "of an audit record", (unsigned long long)seq);
	jsonflat_free(f, n);
	return ok;
}

/* Say why the line (len bytes), whose leaf unpacked as r, is not as
 * written: moved, or which field differs from what r's bytes give. */
static int
say_wrong(const Isa__AuditRecord *r, const bytes_t *b, const char *line,
    size_t len, uint64_t seq, int format, char *err, size_t errlen)
{
	char *text, *want = NULL, what[256];

	if (r->seq != seq) {
		snprintf(err, errlen, "record %llu: its bytes say it is record "
		    "%llu: records were moved", (unsigned long long)seq,
		    (unsigned long long)r->seq);
		return ISA_ERR_CRYPTO;
	}
	if ((text = strndup(line, len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return ISA_ERR_NOMEM;
	}
	if (auditfmt_json_record(r, b->data, b->len, true, format, &want) != 0)
		snprintf(what, sizeof(what), "its fields are not written as "
		    "its bytes give");
	else
		first_difference(text, want, what, sizeof(what));
	snprintf(err, errlen, "record %llu: %s: the record was relabelled",
	    (unsigned long long)seq, what);
	free(want);
	free(text);
	return ISA_ERR_CRYPTO;
}

/* The slow path: a line that does not begin as written cannot be as
 * written; parse it to say what is wrong with it. */
static int
say_why(auditrecord_t *v, const char *line, size_t len, uint64_t seq,
    const char *num, char *err, size_t errlen)
{
	char *text = strndup(line, len);
	Isa__AuditRecord *r;
	int rc = ISA_ERR_CRYPTO;

	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return ISA_ERR_NOMEM;
	}
	if (slow_leaf(text, seq, num, &v->bytes, err, errlen)) {
		r = isa__audit_record__unpack(NULL, v->bytes.len,
		    v->bytes.data);
		if (r == NULL)
			snprintf(err, errlen, "record %llu: its leaf is not the "
			    "bytes of an audit record", (unsigned long long)seq);
		else {
			rc = say_wrong(r, &v->bytes, line, len, seq,
			    v->format, err, errlen);
			isa__audit_record__free_unpacked(r, NULL);
		}
	}
	free(text);
	return rc;
}

void
auditrecord_set_format(auditrecord_t *v, int format)
{
	v->format = format;
}

int
auditrecord_check(auditrecord_t *v, const char *line, size_t len,
    uint64_t seq, uint8_t leaf[MERKLE_HASH_LEN], char *err, size_t errlen)
{
	Isa__AuditRecord *r;
	const char *rest = NULL;
	char num[AUDITFMT_DECIMAL_LEN];
	int rc = ISA_ERR_CRYPTO;

	auditfmt_decimal(seq, num);
	if (!fast_leaf(line, len, num, &v->bytes, &rest))
		return say_why(v, line, len, seq, num, err, errlen);
	v->arena.used = v->arena.spilled = 0;
	r = isa__audit_record__unpack(&v->alloc, v->bytes.len, v->bytes.data);
	if (r == NULL) {
		snprintf(err, errlen, "record %llu: its leaf is not the bytes "
		    "of an audit record", (unsigned long long)seq);
		return ISA_ERR_CRYPTO;
	}
	if (r->seq != seq || !auditfmt_json_fields_match(r, rest,
	    len - (size_t)(rest - line), v->format))
		rc = say_wrong(r, &v->bytes, line, len, seq, v->format, err,
		    errlen);
	else if (merkle_hash_leaf(v->bytes.data, v->bytes.len, leaf) == 0)
		rc = 0;
	else
		snprintf(err, errlen, "record %llu: cannot hash it (OpenSSL "
		    "failed)", (unsigned long long)seq);
	/* Freeing walks every field; with nothing outside the block,
	 * starting the block again next time is enough. */
	if (v->arena.spilled > 0)
		isa__audit_record__free_unpacked(r, &v->alloc);
	return rc;
}
