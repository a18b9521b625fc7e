/* checkpoint.c: signed audit checkpoints (C2SP tlog-checkpoint in a C2SP signed note, Ed25519): format, parsing, public keys, verification. */
#include <inttypes.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "common/err.h"
#include "common/secfile.h"
#include "common/utf8.h"
#include "common/wipe.h"
#include "proto/checkpoint.h"

#define ED25519_KEY_LEN	CHECKPOINT_PUB_LEN
#define ED25519_SIG_LEN	CHECKPOINT_SIG_LEN
#define KEY_ID_LEN	4
#define SIG_BLOB_LEN	(KEY_ID_LEN + ED25519_SIG_LEN)
#define SIG_B64_LEN	92		/* base64 of SIG_BLOB_LEN bytes */
#define ROOT_B64_LEN	44		/* base64 of MERKLE_HASH_LEN bytes */
#define ALG_ED25519	0x01		/* signed-note signature type */

/* U+2014 EM DASH and a space: how every signature line starts. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN	(sizeof(sig_prefix) - 1)

/* Unicode White_Space, as Go's unicode.IsSpace (which note.go uses). */
static bool
is_space(uint32_t c)
{
	switch (c) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	}
	return c >= 0x2000 && c <= 0x200a;
}

/* Note text: UTF-8 with no control character but newline. */
static bool
text_valid(const char *s, size_t n)
{
	uint32_t c;

	for (size_t i = 0; i < n;) {
		int k = utf8_next((const unsigned char *)s + i, n - i, &c);

		if (k < 0 || (c < 0x20 && c != '\n'))
			return false;
		i += (size_t)k;
	}
	return true;
}

static bool
name_valid(const char *s, size_t n)
{
	uint32_t c;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n;) {
		int k = utf8_next((const unsigned char *)s + i, n - i, &c);

		if (k < 0 || c < 0x20 || c == '+' || is_space(c))
			return false;
		i += (size_t)k;
	}
	return true;
}

bool
checkpoint_name_valid(const char *name)
{
	return name != NULL && name_valid(name, strlen(name));
}

static int
raw_public(EVP_PKEY *key, uint8_t pub[ED25519_KEY_LEN])
{
	size_t n = ED25519_KEY_LEN;

	if (key == NULL || !EVP_PKEY_is_a(key, "ED25519"))
		return ISA_ERR_INVAL;
	if (EVP_PKEY_get_raw_public_key(key, pub, &n) != 1 ||
	    n != ED25519_KEY_LEN) {
		ERR_clear_error();
		return ISA_ERR_CRYPTO;
	}
	return 0;
}

/* SHA-256(name || 0x0A || 0x01 || pub)[:4] */
static int
key_id(const char *name, size_t nlen, const uint8_t pub[ED25519_KEY_LEN],
    uint8_t id[KEY_ID_LEN])
{
	static const uint8_t sep[2] = { '\n', ALG_ED25519 };
	uint8_t d[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = ISA_ERR_CRYPTO;

	if (ctx == NULL)
		return ISA_ERR_NOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, name, nlen) == 1 &&
	    EVP_DigestUpdate(ctx, sep, sizeof(sep)) == 1 &&
	    EVP_DigestUpdate(ctx, pub, ED25519_KEY_LEN) == 1 &&
	    EVP_DigestFinal_ex(ctx, d, NULL) == 1) {
		memcpy(id, d, KEY_ID_LEN);
		rc = 0;
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
checkpoint_key_id(const char *name, EVP_PKEY *key, uint32_t *id)
{
	uint8_t pub[ED25519_KEY_LEN], b[KEY_ID_LEN];
	int rc;

	if (!checkpoint_name_valid(name))
		return ISA_ERR_INVAL;
	if ((rc = raw_public(key, pub)) != 0 ||
	    (rc = key_id(name, strlen(name), pub, b)) != 0)
		return rc;
	*id = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

static int
ed25519_verify(EVP_PKEY *key, const void *msg, size_t len,
    const uint8_t sig[ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = ISA_ERR_CRYPTO;

	if (ctx == NULL)
		return ISA_ERR_NOMEM;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, ED25519_SIG_LEN, msg, len) == 1)
		rc = 0;
	else
		ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
checkpoint_note_sign(const checkpoint_signer_t *signer, const char *name,
    const char *text, size_t len, char **note_out)
{
	uint8_t blob[SIG_BLOB_LEN];
	char b64[SIG_B64_LEN + 1], *note, *p;
	size_t nlen, total;
	int rc;

	*note_out = NULL;
	if (signer == NULL || signer->sign == NULL ||
	    !checkpoint_name_valid(name) || text == NULL || len == 0 ||
	    text[len - 1] != '\n' || !text_valid(text, len))
		return ISA_ERR_INVAL;
	nlen = strlen(name);
	if (len > CHECKPOINT_NOTE_MAX || nlen > CHECKPOINT_NOTE_MAX)
		return ISA_ERR_RANGE;
	/* text, blank line, "— name sig\n" */
	total = len + 1 + SIG_PREFIX_LEN + nlen + 1 + SIG_B64_LEN + 1;
	if (total > CHECKPOINT_NOTE_MAX)
		return ISA_ERR_RANGE;
	if ((rc = key_id(name, nlen, signer->pub, blob)) != 0 ||
	    (rc = signer->sign(signer->arg, text, len, blob + KEY_ID_LEN)) != 0)
		return rc;
	(void)base64_encode(blob, SIG_BLOB_LEN, b64);
	if ((note = malloc(total + 1)) == NULL)
		return ISA_ERR_NOMEM;
	p = note;
	memcpy(p, text, len), p += len;
	*p++ = '\n';
	memcpy(p, sig_prefix, SIG_PREFIX_LEN), p += SIG_PREFIX_LEN;
	memcpy(p, name, nlen), p += nlen;
	*p++ = ' ';
	memcpy(p, b64, SIG_B64_LEN), p += SIG_B64_LEN;
	*p++ = '\n';
	*p = '\0';
	*note_out = note;
	return 0;
}

/*
 * Check that note is a well-formed signed note; *text_len receives the
 * length of its text.  With name and key, also check the signatures of
 * that key (see checkpoint_note_verify); without, only the syntax.  *why
 * says what is malformed.
 */
static int
note_open(const char *note, size_t len, const char *name, EVP_PKEY *key,
    size_t *text_len, const char **why)
{
	uint8_t pub[ED25519_KEY_LEN], want[KEY_ID_LEN];
	size_t p, s, nsigs = 0, name_len = 0;
	bool found = false, bad = false;
	int rc;

	*text_len = 0;
	if (key != NULL) {
		if (!checkpoint_name_valid(name))
			return ISA_ERR_INVAL;
		name_len = strlen(name);
		if ((rc = raw_public(key, pub)) != 0 ||
		    (rc = key_id(name, name_len, pub, want)) != 0)
			return rc;
	}
	*why = "it is empty";
	if (len == 0)
		return ISA_ERR_PARSE;
	*why = "it is too long";
	if (len > CHECKPOINT_NOTE_MAX)
		return ISA_ERR_PARSE;
	*why = "its last line does not end with a newline";
	if (note[len - 1] != '\n')
		return ISA_ERR_PARSE;
	*why = "it is not UTF-8 text without control characters (a carriage "
	    "return?)";
	if (!text_valid(note, len))
		return ISA_ERR_PARSE;
	/* The text ends before the last blank line (signed-note "Format"). */
	for (p = len - 1; p > 0 && !(note[p - 1] == '\n' && note[p] == '\n');
	    p--)
		;
	*why = "it has no blank line before its signatures";
	if (p == 0)
		return ISA_ERR_PARSE;
	*text_len = p;
	for (s = p + 1; s < len;) {
		const char *line = note + s, *n, *sp, *b;
		const char *end = memchr(line, '\n', len - s);
		size_t blen, dlen;

		/* "— name base64\n"; note ends in '\n', so end is not NULL. */
		*why = "a signature line does not start with an em dash and a "
		    "space";
		if ((size_t)(end - line) < SIG_PREFIX_LEN ||
		    memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0)
			return ISA_ERR_PARSE;
		n = line + SIG_PREFIX_LEN;
		*why = "a signature line has no valid key name";
		if ((sp = memchr(n, ' ', (size_t)(end - n))) == NULL ||
		    !name_valid(n, (size_t)(sp - n)))
			return ISA_ERR_PARSE;
		b = sp + 1;
		blen = (size_t)(end - b);
		*why = "a signature is not the base64 of a key ID and a "
		    "signature";
		if (base64_check(b, blen, &dlen) != 0 || dlen <= KEY_ID_LEN)
			return ISA_ERR_PARSE;
		*why = "it has too many signatures";
		if (++nsigs > CHECKPOINT_SIGS_MAX)
			return ISA_ERR_PARSE;
		if (key != NULL && (size_t)(sp - n) == name_len &&
		    memcmp(n, name, name_len) == 0) {
			uint8_t blob[SIG_B64_LEN / 4 * 3];
			size_t k;

			/* The first 8 characters hold the key ID (checked
			 * above: they decode). */
			if (base64_decode(b, 8, blob, sizeof(blob), &k) != 0)
				return ISA_ERR_PARSE;
			if (memcmp(blob, want, KEY_ID_LEN) == 0) {
				/* Our key: it must verify. */
				if (dlen != SIG_BLOB_LEN)
					bad = true;
				else {
					if (base64_decode(b, blen, blob,
					    sizeof(blob), &k) == 0 &&
					    ed25519_verify(key, note, p,
					    blob + KEY_ID_LEN) == 0)
						found = true;
					else
						bad = true;
				}
			}
		}
		s = (size_t)(end - note) + 1;
	}
	*why = "it has no signature lines";
	if (nsigs == 0)
		return ISA_ERR_PARSE;
	*why = "it is not signed by this key";
	if (key != NULL && bad) {
		*why = "a signature by this key does not verify";
		return ISA_ERR_CRYPTO;
	}
	if (key != NULL && !found)
		return ISA_ERR_NOTFOUND;
	*why = NULL;
	return 0;
}

int
checkpoint_note_verify(const char *note, size_t len, const char *name,
    EVP_PKEY *key, size_t *text_len)
{
	const char *why;
	size_t tl;
	int rc;

	if (key == NULL)
		return ISA_ERR_INVAL;
	rc = note_open(note, len, name, key, &tl, &why);
	if (text_len != NULL)
		*text_len = rc == 0 ? tl : 0;
	return rc;
}

int
checkpoint_sign(const checkpoint_signer_t *signer, const char *origin,
    uint64_t size, const uint8_t root[MERKLE_HASH_LEN], char **note_out)
{
	char b64[ROOT_B64_LEN + 1], *body;
	size_t olen, cap;
	int n, rc;

	*note_out = NULL;
	if (signer == NULL || !checkpoint_name_valid(origin))
		return ISA_ERR_INVAL;
	olen = strlen(origin);
	if (olen > CHECKPOINT_NOTE_MAX)
		return ISA_ERR_RANGE;
	/* origin, up to 20 digits, the root, three newlines and a NUL */
	cap = olen + 20 + ROOT_B64_LEN + 4;
	if ((body = malloc(cap)) == NULL)
		return ISA_ERR_NOMEM;
	(void)base64_encode(root, MERKLE_HASH_LEN, b64);
	n = snprintf(body, cap, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
	if (n < 0 || (size_t)n >= cap)
		rc = ISA_ERR_RANGE;	/* cannot happen */
	else
		rc = checkpoint_note_sign(signer, origin, body, (size_t)n,
		    note_out);
	free(body);
	return rc;
}

/* The tree size line: decimal, no leading zero unless "0", within 64 bits. */
static bool
parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static int
parse_fail(char *err, size_t errlen, const char *why)
{
	if (errlen > 0)
		snprintf(err, errlen, "malformed checkpoint: %s", why);
	return ISA_ERR_PARSE;
}

int
checkpoint_parse(const char *note, size_t len, checkpoint_t *out, char *err,
    size_t errlen)
{
	const char *why, *line[3], *end[3], *p;
	uint8_t root[ROOT_B64_LEN / 4 * 3];
	size_t text_len, dlen;
	uint64_t size;
	int rc;

	memset(out, 0, sizeof(*out));
	if (errlen > 0)
		err[0] = '\0';
	if ((rc = note_open(note, len, NULL, NULL, &text_len, &why)) != 0)
		return parse_fail(err, errlen, why);
	/* The text: origin, size, root hash, then extension lines. */
	p = note;
	for (int i = 0; i < 3; i++) {
		line[i] = p;
		end[i] = memchr(p, '\n', text_len - (size_t)(p - note));
		if (end[i] == NULL)
			return parse_fail(err, errlen, "its text has fewer than "
			    "three lines");
		p = end[i] + 1;
	}
	while (p < note + text_len) {
		const char *e = memchr(p, '\n', text_len - (size_t)(p - note));

		/* The text ends in '\n', so e is not NULL. */
		if (e == p)
			return parse_fail(err, errlen, "it has an empty extension "
			    "line");
		p = e + 1;
	}
	if (end[0] == line[0])
		return parse_fail(err, errlen, "its origin line is empty");
	if (!parse_size(line[1], (size_t)(end[1] - line[1]), &size))
		return parse_fail(err, errlen, "its tree size is not a decimal "
		    "number without leading zeros below 2^64");
	if (base64_check(line[2], (size_t)(end[2] - line[2]), &dlen) != 0 ||
	    dlen != MERKLE_HASH_LEN)
		return parse_fail(err, errlen, "its root hash is not the base64 of "
		    "32 bytes");
	if (base64_decode(line[2], ROOT_B64_LEN, root, sizeof(root), &dlen) != 0)
		return parse_fail(err, errlen, "its root hash is not the base64 "
		    "of 32 bytes");	/* cannot happen: checked above */
	out->origin = strndup(line[0], (size_t)(end[0] - line[0]));
	out->note = malloc(len + 1);
	if (out->origin == NULL || out->note == NULL) {
		checkpoint_clear(out);
		if (errlen > 0)
			snprintf(err, errlen, "%s", isa_strerror(ISA_ERR_NOMEM));
		return ISA_ERR_NOMEM;
	}
	memcpy(out->note, note, len);
	out->note[len] = '\0';
	out->note_len = len;
	out->size = size;
	memcpy(out->root, root, MERKLE_HASH_LEN);
	return 0;
}

int
checkpoint_verify(const checkpoint_t *cp, EVP_PKEY *key)
{
	if (cp->note == NULL)
		return ISA_ERR_INVAL;
	/* An origin that cannot be a key name has no line we could verify. */
	if (!checkpoint_name_valid(cp->origin))
		return key != NULL && EVP_PKEY_is_a(key, "ED25519") ?
		    ISA_ERR_NOTFOUND : ISA_ERR_INVAL;
	return checkpoint_note_verify(cp->note, cp->note_len, cp->origin, key,
	    NULL);
}

void
checkpoint_clear(checkpoint_t *cp)
{
	free(cp->origin);
	free(cp->note);
	memset(cp, 0, sizeof(*cp));
}

/* Public keys. */

void
checkpoint_key_free(EVP_PKEY *key)
{
	EVP_PKEY_free(key);
}

/* Never prompt on a terminal for a passphrase: our key files have none. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return -1;
}

int
checkpoint_key_parse_public(const char *pem, size_t len, const char *name,
    EVP_PKEY **out, char *err, size_t errlen)
{
	EVP_PKEY *key = NULL;
	BIO *bio;
	int rc = ISA_ERR_PARSE;

	*out = NULL;
	if (len > CHECKPOINT_KEY_FILE_MAX) {
		snprintf(err, errlen, "%s: too large to be a key file", name);
		return rc;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		rc = ISA_ERR_NOMEM;
		snprintf(err, errlen, "%s: %s", name, isa_strerror(rc));
		return rc;
	}
	key = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	if (key == NULL || !EVP_PKEY_is_a(key, "ED25519"))
		snprintf(err, errlen, "%s: not an Ed25519 public key in PEM",
		    name);
	else {
		*out = key;
		key = NULL;
		rc = 0;
	}
	ERR_clear_error();
	EVP_PKEY_free(key);
	BIO_free(bio);
	return rc;
}

int
checkpoint_key_read_public(const char *path, EVP_PKEY **out, char *err,
    size_t errlen)
{
	char buf[CHECKPOINT_KEY_FILE_MAX + 1];	/* and a NUL */
	size_t len;
	int rc;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	rc = secfile_read(path, "key file", "secret key file", false, buf,
	    sizeof(buf), &len, err, errlen);
	if (rc == 0)
		rc = checkpoint_key_parse_public(buf, len, path, out, err,
		    errlen);
	isa_wipe(buf, sizeof(buf));
	return rc;
}

int
checkpoint_key_vkey(const char *name, EVP_PKEY *key, char **out)
{
	uint8_t raw[1 + ED25519_KEY_LEN];
	char b64[ROOT_B64_LEN + 1];
	uint32_t id;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = checkpoint_key_id(name, key, &id)) != 0 ||
	    (rc = raw_public(key, raw + 1)) != 0)
		return rc;
	raw[0] = ALG_ED25519;
	(void)base64_encode(raw, sizeof(raw), b64);
	n = strlen(name) + 1 + 8 + 1 + strlen(b64) + 1;
	if ((*out = malloc(n)) == NULL)
		return ISA_ERR_NOMEM;
	snprintf(*out, n, "%s+%08" PRIx32 "+%s", name, id, b64);
	return 0;
}

int
checkpoint_key_vkey_parse(const char *vkey, char **name, EVP_PKEY **key)
{
	uint8_t raw[ROOT_B64_LEN / 4 * 3];
	const char *plus, *b;
	char *nm = NULL;
	EVP_PKEY *k = NULL;
	uint32_t id = 0, got;
	size_t dlen;
	int rc = ISA_ERR_PARSE;

	*name = NULL;
	*key = NULL;
	/* name+hhhhhhhh+base64(0x01 || key) */
	if ((plus = strchr(vkey, '+')) == NULL ||
	    !name_valid(vkey, (size_t)(plus - vkey)))
		return ISA_ERR_PARSE;
	for (int i = 1; i <= 8; i++) {
		int c = (unsigned char)plus[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return ISA_ERR_PARSE;
		id = id << 4 | (uint32_t)d;
	}
	if (plus[9] != '+')
		return ISA_ERR_PARSE;
	b = plus + 10;
	if (base64_check(b, strlen(b), &dlen) != 0 ||
	    dlen != 1 + ED25519_KEY_LEN ||
	    base64_decode(b, strlen(b), raw, sizeof(raw), &dlen) != 0)
		return ISA_ERR_PARSE;
	if (raw[0] != ALG_ED25519)
		return ISA_ERR_PARSE;
	if ((nm = strndup(vkey, (size_t)(plus - vkey))) == NULL)
		return ISA_ERR_NOMEM;
	if ((k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 1,
	    ED25519_KEY_LEN)) == NULL) {
		ERR_clear_error();
		rc = ISA_ERR_PARSE;
		goto out;
	}
	if ((rc = checkpoint_key_id(nm, k, &got)) != 0)
		goto out;
	if (got != id) {
		rc = ISA_ERR_PARSE;
		goto out;
	}
	*name = nm;
	*key = k;
	return 0;
out:
	free(nm);
	EVP_PKEY_free(k);
	return rc;
}
