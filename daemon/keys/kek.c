/* kek.c: the key holder: the master key (KEK), its master.key file, and wrapping data keys under it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gcrypt.h>

#include "common/err.h"
#include "common/secfile.h"
#include "common/wipe.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/kek.h"

#define KEK_ID_LABEL	"isa kek id"
#define SALT_LEN	16
#define CHECK_LEN	8
#define FILE_MAX	512		/* a master key file is ~200 bytes */
#define SCRYPT_R	8		/* gcry_kdf_derive's scrypt fixes r */
#define SCRYPT_N_MAX	(1UL << 20)	/* 1 GiB of scrypt memory */
#define SCRYPT_P_MAX	16
#define MAGIC		"isa-master-key "

/* Lives in libgcrypt's secure memory only, and only in this file. */
struct crypto_kek {
	uint8_t key[CRYPTO_KEY_LEN];
	uint8_t id[CRYPTO_KEK_ID_LEN];	/* not secret: kept to save work */
};

static unsigned long scrypt_n = CRYPTO_SCRYPT_N;

static int
gcry_rc(gcry_error_t e)
{
	if (e == 0)
		return 0;
	return gcry_err_code(e) == GPG_ERR_ENOMEM ? ISA_ERR_NOMEM :
	    ISA_ERR_CRYPTO;
}

/* AES key wrap (RFC 3394) of in under key; on error out is wiped. */
static int
aeswrap(const uint8_t key[CRYPTO_KEY_LEN], bool wrap, const uint8_t *in,
    size_t inlen, uint8_t *out, size_t outlen)
{
	gcry_cipher_hd_t h = NULL;
	gcry_error_t e;

	if ((e = gcry_cipher_open(&h, GCRY_CIPHER_AES256,
	    GCRY_CIPHER_MODE_AESWRAP, GCRY_CIPHER_SECURE)) != 0 ||
	    (e = gcry_cipher_setkey(h, key, CRYPTO_KEY_LEN)) != 0)
		goto out;
	if (wrap)
		e = gcry_cipher_encrypt(h, out, outlen, in, inlen);
	else
		e = gcry_cipher_decrypt(h, out, outlen, in, inlen);
out:
	gcry_cipher_close(h);
	if (e == 0)
		return 0;
	isa_wipe(out, outlen);
	return gcry_rc(e);
}

/* The first n bytes of HMAC-SHA256(key, msg) or, key NULL, of
 * SHA-256(msg), libgcrypt's state in secure memory (msg may hold the KEK). */
static int
digest(const uint8_t *key, const void *msg, size_t msglen, uint8_t *out,
    size_t n)
{
	uint8_t full[32];
	size_t fl = sizeof(full);
	gcry_error_t e;

	if (key != NULL) {
		gcry_mac_hd_t h = NULL;

		if ((e = gcry_mac_open(&h, GCRY_MAC_HMAC_SHA256,
		    GCRY_MAC_FLAG_SECURE, NULL)) == 0 &&
		    (e = gcry_mac_setkey(h, key, CRYPTO_KEY_LEN)) == 0 &&
		    (e = gcry_mac_write(h, msg, msglen)) == 0)
			e = gcry_mac_read(h, full, &fl);
		gcry_mac_close(h);
	} else {
		gcry_md_hd_t h = NULL;

		if ((e = gcry_md_open(&h, GCRY_MD_SHA256,
		    GCRY_MD_FLAG_SECURE)) == 0) {
			gcry_md_write(h, msg, msglen);
			memcpy(full, gcry_md_read(h, GCRY_MD_SHA256), fl);
		}
		gcry_md_close(h);
	}
	if (e == 0)
		memcpy(out, full, n);
	isa_wipe(full, sizeof(full));
	return gcry_rc(e);
}

/* A new KEK holding key, or random bytes when key is NULL. */
static int
kek_make(const uint8_t *key, crypto_kek_t **out)
{
	crypto_kek_t *k;
	int rc;

	*out = NULL;
	if ((rc = crypto_init()) != 0)
		return rc;
	if ((k = gcry_calloc_secure(1, sizeof(*k))) == NULL)
		return ISA_ERR_NOMEM;
	/*
	 * GCRY_STRONG_RANDOM, as for DEKs: libgcrypt's CSPRNG seeded by the
	 * kernel's getrandom(), as OpenSSL and libsodium make long-term keys.
	 * VERY_STRONG would also start libgcrypt 1.10's jitter entropy
	 * collector, whose 128 KiB allocation LeakSanitizer reports as lost
	 * at the exit of every sanitizer-built `isad init` and `isad rekey`.
	 */
	if (key != NULL)
		memcpy(k->key, key, CRYPTO_KEY_LEN);
	else
		gcry_randomize(k->key, CRYPTO_KEY_LEN, GCRY_STRONG_RANDOM);
	if ((rc = digest(k->key, KEK_ID_LABEL, strlen(KEK_ID_LABEL), k->id,
	    CRYPTO_KEK_ID_LEN)) != 0) {
		crypto_kek_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

int
crypto_kek_generate(crypto_kek_t **out)
{
	return kek_make(NULL, out);
}

void
crypto_kek_id(const crypto_kek_t *kek, uint8_t out[CRYPTO_KEK_ID_LEN])
{
	memcpy(out, kek->id, CRYPTO_KEK_ID_LEN);
}

void
crypto_kek_free(crypto_kek_t *kek)
{
	if (kek == NULL)
		return;
	isa_wipe(kek, sizeof(*kek));
	gcry_free(kek);
}

/* ---- Wrapping DEKs ---- */

int
crypto_dek_wrap(const crypto_kek_t *kek, const crypto_dek_t *dek,
    uint8_t out[CRYPTO_WRAPPED_LEN])
{
	return aeswrap(kek->key, true, dek->key, CRYPTO_KEY_LEN, out,
	    CRYPTO_WRAPPED_LEN);
}

int
crypto_dek_unwrap(const crypto_kek_t *kek,
    const uint8_t in[CRYPTO_WRAPPED_LEN], crypto_dek_t **out)
{
	crypto_dek_t *d;
	int rc;

	*out = NULL;
	if ((rc = crypto_dek_make(NULL, false, &d)) != 0)
		return rc;
	if ((rc = aeswrap(kek->key, false, in, CRYPTO_WRAPPED_LEN, d->key,
	    CRYPTO_KEY_LEN)) != 0) {
		crypto_dek_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int
crypto_dek_rewrap(const crypto_kek_t *old_kek, const crypto_kek_t *new_kek,
    const uint8_t in[CRYPTO_WRAPPED_LEN], uint8_t out[CRYPTO_WRAPPED_LEN])
{
	crypto_dek_t *d = NULL;
	uint8_t wrapped[CRYPTO_WRAPPED_LEN];
	int rc;

	if ((rc = crypto_dek_unwrap(old_kek, in, &d)) != 0 ||
	    (rc = crypto_dek_wrap(new_kek, d, wrapped)) != 0)
		goto out;
	memcpy(out, wrapped, CRYPTO_WRAPPED_LEN);
out:
	if (rc != 0 && out != in)
		isa_wipe(out, CRYPTO_WRAPPED_LEN);
	isa_wipe(wrapped, sizeof(wrapped));
	crypto_dek_free(d);
	return rc;
}

/* ---- Hex, without branches or table lookups on key bytes ---- */

static void
hex_put(char *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned hi = src[i] >> 4, lo = src[i] & 0xf;

		dst[2 * i] = (char)(87U + hi + (((hi - 10U) >> 8) & ~38U));
		dst[2 * i + 1] = (char)(87U + lo + (((lo - 10U) >> 8) & ~38U));
	}
}

/* The value of lowercase hex digit c, or -1. */
static int
hex_digit(unsigned char c)
{
	int num = (c >= '0') & (c <= '9'), alpha = (c >= 'a') & (c <= 'f');

	return ((c - '0') & -num) | ((c - 'a' + 10) & -alpha) |
	    -!(num | alpha);
}

/* Decode exactly 2n lowercase hex digits; -1 if any is not one. */
static int
hex_get(uint8_t *dst, const char *src, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)src[2 * i]);
		int lo = hex_digit((unsigned char)src[2 * i + 1]);

		bad |= hi | lo;
		dst[i] = (uint8_t)(((unsigned)hi << 4) | ((unsigned)lo & 0xf));
	}
	return bad < 0 ? -1 : 0;
}

/* ---- Writing the master key file ---- */

/* Append text, or "name HEX\n", to the file image buf (FILE_MAX). */
static void
put_text(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	memcpy(buf + *len, s, n);
	*len += n;
}

static void
put_field(char *buf, size_t *len, const char *name, const uint8_t *v,
    size_t n)
{
	put_text(buf, len, name);
	put_text(buf, len, " ");
	hex_put(buf + *len, v, n);
	*len += 2 * n;
	put_text(buf, len, "\n");
}

/* Create path (0600) holding buf; on error nothing is left. */
static int
write_new(const char *path, const char *buf, size_t len, char *err,
    size_t errlen)
{
	int rc, saved;

	if ((rc = secfile_create(path, 0600, buf, len)) == 0)
		return 0;
	saved = errno;
	if (rc == ISA_ERR_EXISTS)
		isa_seterr(err, errlen, "%s: cannot create master key file: it "
		    "exists; refusing to overwrite it", path);
	else
		isa_seterr(err, errlen, "%s: cannot create master key file: %s",
		    path, strerror(saved));
	errno = saved;
	return rc;
}

int
crypto_kek_save(const crypto_kek_t *kek, const char *path, const char *pass,
    size_t passlen, char *err, size_t errlen)
{
	uint8_t salt[SALT_LEN], wrapped[CRYPTO_WRAPPED_LEN], check[CHECK_LEN];
	uint8_t *dk = NULL;
	char *buf = NULL, kdf[64];
	size_t len = 0;
	int rc;

	if ((rc = crypto_init()) != 0)
		goto fail;
	if (pass != NULL && passlen == 0) {
		isa_seterr(err, errlen, "%s: the passphrase is empty", path);
		return ISA_ERR_INVAL;
	}
	rc = ISA_ERR_NOMEM;
	if ((buf = gcry_malloc_secure(FILE_MAX)) == NULL ||
	    (dk = gcry_malloc_secure(CRYPTO_KEY_LEN)) == NULL)
		goto fail;
	put_text(buf, &len, MAGIC "1\n");
	if (pass == NULL) {
		put_text(buf, &len, "kdf none\n");
		put_field(buf, &len, "key", kek->key, CRYPTO_KEY_LEN);
	} else {
		gcry_create_nonce(salt, sizeof(salt));
		if ((rc = gcry_rc(gcry_kdf_derive(pass, passlen,
		    GCRY_KDF_SCRYPT, (int)scrypt_n, salt, sizeof(salt), 1,
		    CRYPTO_KEY_LEN, dk))) != 0 ||
		    (rc = aeswrap(dk, true, kek->key, CRYPTO_KEY_LEN, wrapped,
		    sizeof(wrapped))) != 0)
			goto fail;
		snprintf(kdf, sizeof(kdf), "kdf scrypt N=%lu r=%d p=1\n",
		    scrypt_n, SCRYPT_R);
		put_text(buf, &len, kdf);
		put_field(buf, &len, "salt", salt, sizeof(salt));
		put_field(buf, &len, "wrapped", wrapped, sizeof(wrapped));
	}
	put_field(buf, &len, "id", kek->id, CRYPTO_KEK_ID_LEN);
	if ((rc = digest(NULL, buf, len, check, CHECK_LEN)) != 0)
		goto fail;
	put_field(buf, &len, "check", check, CHECK_LEN);
	rc = write_new(path, buf, len, err, errlen);	/* sets err */
	goto out;
fail:
	isa_seterr(err, errlen, "%s: cannot make the master key file: %s", path,
	    isa_strerror(rc));
out:
	gcry_free(buf);		/* secure memory: wiped as it is freed */
	gcry_free(dk);
	isa_wipe(wrapped, sizeof(wrapped));
	return rc;
}

int
crypto_kek_create(const char *path, const char *pass, size_t passlen,
    crypto_kek_t **out, char *err, size_t errlen)
{
	crypto_kek_t *kek;
	int rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = crypto_kek_generate(&kek)) != 0) {
		isa_seterr(err, errlen, "%s: cannot make a master key: %s", path,
		    isa_strerror(rc));
		return rc;
	}
	if ((rc = crypto_kek_save(kek, path, pass, passlen, err,
	    errlen)) != 0 || out == NULL)
		crypto_kek_free(kek);
	else
		*out = kek;
	return rc;
}

/* ---- Reading the master key file ---- */

/* What a parsed file holds. */
struct kfile {
	unsigned long n, p;		/* scrypt N and p; n 0: kdf none */
	uint8_t salt[SALT_LEN];
	uint8_t wrapped[CRYPTO_WRAPPED_LEN];
	uint8_t *key;			/* kdf none: the caller's secure buffer */
	uint8_t id[CRYPTO_KEK_ID_LEN];
	uint8_t check[CHECK_LEN];
	size_t body;			/* bytes covered by check */
};

/* Consume literal s at *p. */
static bool
eat(const char **p, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(*p, s, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Consume a decimal number in 1..max, without leading zeros. */
static bool
eat_num(const char **p, unsigned long max, unsigned long *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '1' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		*v = *v * 10 + (unsigned long)(*s - '0');
		if (*v > max)
			return false;
	}
	*p = s;
	return true;
}

/* Consume "name <2n lowercase hex digits>\n", decoding them into v. */
static bool
eat_field(const char **p, const char *name, uint8_t *v, size_t n)
{
	const char *s = *p;

	if (!eat(&s, name) || !eat(&s, " ") || strnlen(s, 2 * n + 1) <
	    2 * n + 1 || s[2 * n] != '\n' || hex_get(v, s, n) != 0)
		return false;
	*p = s + 2 * n + 1;
	return true;
}

/* Parse the file image buf (len bytes, NUL-terminated) strictly. */
static int
parse(const char *path, const char *buf, size_t len, struct kfile *f,
    char *err, size_t errlen)
{
	const char *p = buf, *want = MAGIC "1";
	unsigned long r, v;
	int line = 1;

	if (strlen(buf) != len || !eat(&p, MAGIC) ||
	    !eat_num(&p, 999999, &v) || !eat(&p, "\n"))
		goto bad;
	if (v != 1) {
		isa_seterr(err, errlen, "%s: master key file version %lu is newer "
		    "than this isad understands", path, v);
		return ISA_ERR_SCHEMA;
	}
	line++;
	want = "kdf none, or kdf scrypt N=<power of 2> r=8 p=<1-16>";
	if (eat(&p, "kdf scrypt N=")) {
		if (!eat_num(&p, SCRYPT_N_MAX, &f->n) || f->n < 2 ||
		    (f->n & (f->n - 1)) != 0 || !eat(&p, " r=") ||
		    !eat_num(&p, SCRYPT_R, &r) || r != SCRYPT_R ||
		    !eat(&p, " p=") || !eat_num(&p, SCRYPT_P_MAX, &f->p) ||
		    !eat(&p, "\n"))
			goto bad;
		line++;
		want = "salt <32 hex digits>";
		if (!eat_field(&p, "salt", f->salt, SALT_LEN))
			goto bad;
		line++;
		want = "wrapped <80 hex digits>";
		if (!eat_field(&p, "wrapped", f->wrapped, CRYPTO_WRAPPED_LEN))
			goto bad;
	} else {
		if (!eat(&p, "kdf none\n"))
			goto bad;
		line++;
		want = "key <64 hex digits>";
		if (!eat_field(&p, "key", f->key, CRYPTO_KEY_LEN))
			goto bad;
	}
	line++;
	want = "id <16 hex digits>";
	if (!eat_field(&p, "id", f->id, CRYPTO_KEK_ID_LEN))
		goto bad;
	line++;
	want = "check <16 hex digits>";
	f->body = (size_t)(p - buf);
	if (!eat_field(&p, "check", f->check, CHECK_LEN))
		goto bad;
	line++;
	want = "the end of the file";
	if (*p != '\0')
		goto bad;
	return 0;
bad:
	isa_seterr(err, errlen, "%s:%d: not a master key file, or a damaged or "
	    "truncated one: expected %s", path, line, want);
	return ISA_ERR_PARSE;
}

/*
 * Read the master key file at path into buf (FILE_MAX bytes, secure
 * memory) and f (whose key the caller has pointed at secure memory), and
 * check its check value: a damaged file is told apart from a wrong
 * passphrase before any key is derived.  Returns 0, or ISA_ERR_* with one
 * line in err.
 */
static int
read_verified(const char *path, char *buf, struct kfile *f, char *err,
    size_t errlen)
{
	uint8_t check[CHECK_LEN];
	size_t len;
	int rc;

	if ((rc = secfile_read(path, "master key file", "master key file", true,
	    buf, FILE_MAX, &len, err, errlen)) != 0 ||
	    (rc = parse(path, buf, len, f, err, errlen)) != 0)
		return rc;
	if ((rc = digest(NULL, buf, f->body, check, CHECK_LEN)) != 0) {
		isa_seterr(err, errlen, "%s: cannot read the master key: %s",
		    path, isa_strerror(rc));
		return rc;
	}
	if (!isa_ct_equal(check, f->check, CHECK_LEN)) {
		isa_seterr(err, errlen, "%s: master key file is damaged (its "
		    "check value does not match); restore it from a backup",
		    path);
		return ISA_ERR_PARSE;
	}
	return 0;
}

int
crypto_kek_load(const char *path, const char *pass, size_t passlen,
    crypto_kek_t **out, char *err, size_t errlen)
{
	struct kfile f;
	uint8_t *key = NULL, *dk = NULL;
	crypto_kek_t *kek = NULL;
	char *buf = NULL;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	if ((rc = crypto_init()) != 0)
		goto fail;
	if (pass != NULL && passlen == 0) {
		isa_seterr(err, errlen, "%s: the passphrase is empty", path);
		return ISA_ERR_INVAL;
	}
	rc = ISA_ERR_NOMEM;
	if ((buf = gcry_malloc_secure(FILE_MAX)) == NULL ||
	    (key = gcry_malloc_secure(CRYPTO_KEY_LEN)) == NULL ||
	    (dk = gcry_malloc_secure(CRYPTO_KEY_LEN)) == NULL)
		goto fail;
	f.key = key;
	if ((rc = read_verified(path, buf, &f, err, errlen)) != 0)
		goto out;
	if ((f.n != 0) != (pass != NULL)) {
		isa_seterr(err, errlen, "%s: master key is %s", path, f.n != 0 ?
		    "protected by a passphrase, and none was given" :
		    "not protected by a passphrase, but one was given");
		rc = ISA_ERR_INVAL;
		goto out;
	}
	if (f.n != 0) {
		if ((rc = gcry_rc(gcry_kdf_derive(pass, passlen,
		    GCRY_KDF_SCRYPT, (int)f.n, f.salt, SALT_LEN, f.p,
		    CRYPTO_KEY_LEN, dk))) != 0)
			goto fail;
		rc = aeswrap(dk, false, f.wrapped, CRYPTO_WRAPPED_LEN, key,
		    CRYPTO_KEY_LEN);
		if (rc == ISA_ERR_CRYPTO) {
			/* check vouched for the file: the passphrase is wrong */
			isa_seterr(err, errlen, "wrong passphrase for %s", path);
			goto out;
		}
		if (rc != 0)
			goto fail;
	}
	if ((rc = kek_make(key, &kek)) != 0)
		goto fail;
	if (!isa_ct_equal(kek->id, f.id, CRYPTO_KEK_ID_LEN)) {
		isa_seterr(err, errlen, "%s: master key file is damaged (the key "
		    "does not match its id); restore it from a backup", path);
		rc = ISA_ERR_PARSE;
		goto out;
	}
	*out = kek;
	kek = NULL;
	goto out;
fail:
	isa_seterr(err, errlen, "%s: cannot read the master key: %s", path,
	    isa_strerror(rc));
out:
	crypto_kek_free(kek);
	gcry_free(buf);		/* secure memory: wiped as it is freed */
	gcry_free(key);
	gcry_free(dk);
	isa_wipe(&f, sizeof(f));
	return rc;
}

int
crypto_kek_file_id(const char *path, uint8_t id[CRYPTO_KEK_ID_LEN], char *err,
    size_t errlen)
{
	struct kfile f;
	uint8_t *key = NULL;
	char *buf = NULL;
	int rc = ISA_ERR_NOMEM;

	memset(&f, 0, sizeof(f));
	memset(id, 0, CRYPTO_KEK_ID_LEN);
	if ((rc = crypto_init()) != 0)
		goto fail;
	rc = ISA_ERR_NOMEM;
	if ((buf = gcry_malloc_secure(FILE_MAX)) == NULL ||
	    (key = gcry_malloc_secure(CRYPTO_KEY_LEN)) == NULL)
		goto fail;
	f.key = key;
	if ((rc = read_verified(path, buf, &f, err, errlen)) != 0)
		goto out;
	memcpy(id, f.id, CRYPTO_KEK_ID_LEN);
	goto out;
fail:
	isa_seterr(err, errlen, "%s: cannot read the master key file: %s", path,
	    isa_strerror(rc));
out:
	gcry_free(buf);		/* secure memory: wiped as it is freed */
	gcry_free(key);
	isa_wipe(&f, sizeof(f));
	return rc;
}

#ifdef ISA_TEST_BUILD
void
crypto_test_set_scrypt_n(unsigned long n)
{
	scrypt_n = n != 0 ? n : CRYPTO_SCRYPT_N;
}
#endif
