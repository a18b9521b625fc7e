/* crypto.c: at-rest cryptography: libgcrypt set-up, document data keys (DEKs), sealed chunks and fields. */
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <gcrypt.h>

#include "common/be64.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/kek.h"

#define GCRYPT_NEED	"1.8.0"		/* AES key wrap, GCM, scrypt, MACs */
#define NONCE_LEN	12
#define CHUNK_PREFIX	0x00000000U	/* first 4 nonce bytes of chunks */
#define FIELD_PREFIX	0xffffffffU	/* ... and of fields */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = ISA_ERR_CRYPTO;

/*
 * libgcrypt mlocks its pool only as far as RLIMIT_MEMLOCK lets it, and then
 * says so in a line of its own, which we turn off to say it once here.  A
 * heuristic (root usually holds CAP_IPC_LOCK; other locked memory counts
 * against the limit), good enough to tell an operator what to raise.
 */
static void
secmem_warn_unlocked(void)
{
	struct rlimit rl;

	if (geteuid() == 0 || getrlimit(RLIMIT_MEMLOCK, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= CRYPTO_SECMEM_SIZE)
		return;
	log_warnx("secure memory may not be locked: RLIMIT_MEMLOCK is %llu "
	    "bytes, below the %d needed, so keys may reach swap; raise it "
	    "(LimitMEMLOCK= in the systemd unit)",
	    (unsigned long long)rl.rlim_cur, CRYPTO_SECMEM_SIZE);
}

static void
init_once_fn(void)
{
	/*
	 * The system RNG (the kernel's getrandom(), which OpenSSL and
	 * libsodium use too) rather than libgcrypt's own pool: that pool
	 * gathers a "fast poll" (getrusage and friends, under a process-wide
	 * lock) on every cipher handle opened, two a read, which cost more
	 * than the AES itself.  Must come before gcry_check_version.
	 */
	gcry_control(GCRYCTL_SET_PREFERRED_RNG_TYPE, GCRY_RNG_TYPE_SYSTEM);
	if (gcry_check_version(GCRYPT_NEED) == NULL) {
		log_warnx("libgcrypt %s is too old: isad needs %s or later",
		    gcry_check_version(NULL), GCRYPT_NEED);
		return;
	}
	/* Someone else in the process set it up: use it as it is. */
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		init_rc = 0;
		return;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
	if (gcry_control(GCRYCTL_INIT_SECMEM, CRYPTO_SECMEM_SIZE, 0) != 0) {
		log_warnx("libgcrypt: cannot set up secure memory");
		return;
	}
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	secmem_warn_unlocked();
	init_rc = 0;
}

int
crypto_init(void)
{
	if (pthread_once(&init_once, init_once_fn) != 0)
		return ISA_ERR_CRYPTO;
	return init_rc;
}

int
crypto_random(void *buf, size_t len)
{
	if (crypto_init() != 0) {
		isa_wipe(buf, len);
		return ISA_ERR_CRYPTO;
	}
	gcry_randomize(buf, len, GCRY_STRONG_RANDOM);
	return 0;
}

/* ---- DEKs ---- */

int
crypto_dek_make(const uint8_t *key, bool random, crypto_dek_t **out)
{
	crypto_dek_t *d;
	int rc;

	*out = NULL;
	if ((rc = crypto_init()) != 0)
		return rc;
	if ((d = gcry_calloc_secure(1, sizeof(*d))) == NULL)
		return ISA_ERR_NOMEM;
	if (key != NULL)
		memcpy(d->key, key, CRYPTO_KEY_LEN);
	else if (random)
		gcry_randomize(d->key, CRYPTO_KEY_LEN, GCRY_STRONG_RANDOM);
	*out = d;
	return 0;
}

int
crypto_dek_new(crypto_dek_t **out)
{
	return crypto_dek_make(NULL, true, out);
}

void
crypto_dek_free(crypto_dek_t *dek)
{
	if (dek == NULL)
		return;
	gcry_cipher_close(dek->gcm);
	isa_wipe(dek, sizeof(*dek));
	gcry_free(dek);
}

/* ---- Chunks and fields: AES-256-GCM ---- */

/*
 * Sealing: in is len bytes, out receives len + tag.  Opening: in is len
 * bytes + tag, out receives len bytes, wiped unless the tag verifies.  out
 * may be in.  h holds the key; its IV and state are set here.
 */
static gcry_error_t
gcm_run(gcry_cipher_hd_t h, bool seal, const uint8_t nonce[NONCE_LEN],
    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
    uint8_t *out)
{
	gcry_error_t e;

	if ((e = gcry_cipher_setiv(h, nonce, NONCE_LEN)) != 0 ||
	    (e = gcry_cipher_authenticate(h, aad, aadlen)) != 0 ||
	    (e = gcry_cipher_final(h)) != 0)
		return e;
	if (len > 0) {
		/* libgcrypt's in-place form is in = NULL. */
		const uint8_t *src = in == out ? NULL : in;
		size_t srclen = in == out ? 0 : len;

		e = seal ? gcry_cipher_encrypt(h, out, len, src, srclen) :
		    gcry_cipher_decrypt(h, out, len, src, srclen);
		if (e != 0)
			return e;
	}
	return seal ? gcry_cipher_gettag(h, out + len, CRYPTO_TAG_LEN) :
	    gcry_cipher_checktag(h, in + len, CRYPTO_TAG_LEN);
}

static gcry_error_t
gcm_open(const uint8_t key[CRYPTO_KEY_LEN], gcry_cipher_hd_t *h)
{
	gcry_error_t e;

	*h = NULL;
	if ((e = gcry_cipher_open(h, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM,
	    GCRY_CIPHER_SECURE)) != 0)
		return e;
	if ((e = gcry_cipher_setkey(*h, key, CRYPTO_KEY_LEN)) != 0) {
		gcry_cipher_close(*h);
		*h = NULL;
	}
	return e;
}

static int
gcm_result(gcry_error_t e, bool seal, size_t len, uint8_t *out)
{
	if (e == 0)
		return 0;
	isa_wipe(out, seal ? len + CRYPTO_TAG_LEN : len);
	return gcry_err_code(e) == GPG_ERR_ENOMEM ? ISA_ERR_NOMEM :
	    ISA_ERR_CRYPTO;
}

/*
 * One GCM operation under dek.  Its cipher handle is opened with the key
 * on first use and kept (reset, not reopened, for every later chunk or
 * field): opening one costs more than sealing a 4 KiB chunk.  A handle
 * that failed is closed, so the next use starts clean.
 */
static int
gcm(crypto_dek_t *dek, bool seal, const uint8_t nonce[NONCE_LEN],
    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
    uint8_t *out)
{
	gcry_error_t e;

	if (dek->gcm == NULL)
		e = gcm_open(dek->key, &dek->gcm);
	else
		e = gcry_cipher_reset(dek->gcm);
	if (e == 0 && (e = gcm_run(dek->gcm, seal, nonce, aad, aadlen, in,
	    len, out)) != 0) {
		gcry_cipher_close(dek->gcm);
		dek->gcm = NULL;
	}
	return gcm_result(e, seal, len, out);
}

/* nonce = prefix (4 bytes) || n; AAD = docid || n, then final unless it
 * is -1 (fields). */
static int
seal_or_open(crypto_dek_t *dek, bool seal, uint32_t prefix,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t n, int final,
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[NONCE_LEN], aad[CRYPTO_DOCID_LEN + 8 + 1];
	size_t aadlen = CRYPTO_DOCID_LEN + 8;

	if (!seal) {
		if (len < CRYPTO_TAG_LEN)
			return ISA_ERR_CRYPTO;
		len -= CRYPTO_TAG_LEN;
	}
	if (len > CRYPTO_SEAL_MAX)
		return ISA_ERR_RANGE;
	for (int i = 0; i < 4; i++)
		nonce[i] = (uint8_t)(prefix >> (24 - 8 * i));
	be64_put(nonce + 4, n);
	memcpy(aad, docid, CRYPTO_DOCID_LEN);
	be64_put(aad + CRYPTO_DOCID_LEN, n);
	if (final >= 0)
		aad[aadlen++] = (uint8_t)final;
	return gcm(dek, seal, nonce, aad, aadlen, in, len, out);
}

int
crypto_chunk_seal(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t index, bool final,
    const uint8_t *in, size_t len, uint8_t *out)
{
	return seal_or_open(dek, true, CHUNK_PREFIX, docid, index, final, in,
	    len, out);
}

int
crypto_chunk_open(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t index, bool final,
    const uint8_t *in, size_t len, uint8_t *out)
{
	return seal_or_open(dek, false, CHUNK_PREFIX, docid, index, final, in,
	    len, out);
}

int
crypto_field_seal(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t field,
    const uint8_t *in, size_t len, uint8_t *out)
{
	return seal_or_open(dek, true, FIELD_PREFIX, docid, field, -1, in,
	    len, out);
}

int
crypto_field_open(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t field,
    const uint8_t *in, size_t len, uint8_t *out)
{
	return seal_or_open(dek, false, FIELD_PREFIX, docid, field, -1, in,
	    len, out);
}

#ifdef ISA_TEST_BUILD
int
crypto_test_gcm_seal(const uint8_t key[CRYPTO_KEY_LEN], const uint8_t iv[12],
    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
    uint8_t *out)
{
	int rc;

	if ((rc = crypto_init()) != 0)
		return rc;
	gcry_cipher_hd_t h;
	gcry_error_t e;

	if (len > CRYPTO_SEAL_MAX)
		return ISA_ERR_RANGE;
	if ((e = gcm_open(key, &h)) == 0) {
		e = gcm_run(h, true, iv, aad, aadlen, in, len, out);
		gcry_cipher_close(h);
	}
	return gcm_result(e, true, len, out);
}
#endif
