/* signkey.c: the audit signing key: an Ed25519 private key in OpenSSL's secure heap, made, kept in its file, and signing. */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/secfile.h"
#include "common/wipe.h"
#include "daemon/keys/signkey.h"

#define SECURE_HEAP	65536		/* bytes; a power of two */

struct signkey {
	EVP_PKEY *pkey;		/* Ed25519, with its private half */
};

int
signkey_heap_init(bool *locked)
{
	static int state;	/* what CRYPTO_secure_malloc_init said */
	int r;

	if (CRYPTO_secure_malloc_initialized()) {
		*locked = state != 2;
		return 0;
	}
	/* 2: the heap works but could not be mlocked or kept out of dumps. */
	if ((r = CRYPTO_secure_malloc_init(SECURE_HEAP, 32)) == 0) {
		ERR_clear_error();
		return ISA_ERR_CRYPTO;
	}
	state = r;
	*locked = r == 1;
	return 0;
}

/* A signkey_t around pkey, which it owns from now on (freed on error). */
static int
wrap(EVP_PKEY *pkey, signkey_t **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL) {
		EVP_PKEY_free(pkey);
		return ISA_ERR_NOMEM;
	}
	(*out)->pkey = pkey;
	return 0;
}

int
signkey_generate(signkey_t **out)
{
	EVP_PKEY *pkey;

	*out = NULL;
	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		ERR_clear_error();
		return ISA_ERR_CRYPTO;
	}
	return wrap(pkey, out);
}

void
signkey_free(signkey_t *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

static int
write_key(const signkey_t *k, const char *path, bool private)
{
	BIO *bio;
	char *data;
	long len;
	int rc = ISA_ERR_CRYPTO;

	if (k == NULL)
		return ISA_ERR_INVAL;
	/* A private key's PEM text lives only in the secure heap, which
	 * clears it when the BIO is freed. */
	if ((bio = BIO_new(private ? BIO_s_secmem() : BIO_s_mem())) == NULL)
		goto out;
	if (private ? PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0,
	    NULL, NULL) != 1 : PEM_write_bio_PUBKEY(bio, k->pkey) != 1)
		goto out;
	if ((len = BIO_get_mem_data(bio, &data)) <= 0)
		goto out;
	rc = secfile_create(path, private ? 0600 : 0644, data, (size_t)len);
out:
	if (rc == ISA_ERR_CRYPTO)
		ERR_clear_error();
	BIO_free(bio);
	return rc;
}

int
signkey_write(const signkey_t *k, const char *path)
{
	return write_key(k, path, true);
}

int
signkey_write_public(const signkey_t *k, const char *path)
{
	return write_key(k, path, false);
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
signkey_read(const char *path, signkey_t **out, char *err, size_t errlen)
{
	char buf[CHECKPOINT_KEY_FILE_MAX + 1];	/* and a NUL */
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	rc = secfile_read(path, "key file", "secret key file", true, buf,
	    sizeof(buf), &len, err, errlen);
	if (rc != 0)
		goto out;
	rc = ISA_ERR_PARSE;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		rc = ISA_ERR_NOMEM;
		snprintf(err, errlen, "%s: %s", path, isa_strerror(rc));
		goto out;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	if (pkey == NULL || !EVP_PKEY_is_a(pkey, "ED25519")) {
		snprintf(err, errlen, "%s: not an unencrypted Ed25519 private "
		    "key in PEM", path);
		goto out;
	}
	rc = wrap(pkey, out);
	pkey = NULL;
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, isa_strerror(rc));
out:
	ERR_clear_error();
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	isa_wipe(buf, sizeof(buf));
	return rc;
}

static int
raw_public(const signkey_t *k, uint8_t pub[CHECKPOINT_PUB_LEN])
{
	size_t n = CHECKPOINT_PUB_LEN;

	if (k == NULL)
		return ISA_ERR_INVAL;
	if (EVP_PKEY_get_raw_public_key(k->pkey, pub, &n) != 1 ||
	    n != CHECKPOINT_PUB_LEN) {
		ERR_clear_error();
		return ISA_ERR_CRYPTO;
	}
	return 0;
}

int
signkey_public(const signkey_t *k, EVP_PKEY **out)
{
	uint8_t pub[CHECKPOINT_PUB_LEN];
	int rc;

	*out = NULL;
	if ((rc = raw_public(k, pub)) != 0)
		return rc;
	if ((*out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    sizeof(pub))) == NULL) {
		ERR_clear_error();
		return ISA_ERR_CRYPTO;
	}
	return 0;
}

/* checkpoint_signer_t's sign: Ed25519 over msg with the key at arg. */
static int
sign(void *arg, const void *msg, size_t len, uint8_t sig[CHECKPOINT_SIG_LEN])
{
	const signkey_t *k = arg;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = CHECKPOINT_SIG_LEN;
	int rc = ISA_ERR_CRYPTO;

	if (ctx == NULL)
		return ISA_ERR_NOMEM;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, msg, len) == 1 &&
	    n == CHECKPOINT_SIG_LEN)
		rc = 0;
	else
		ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
signkey_signer(const signkey_t *k, checkpoint_signer_t *out)
{
	int rc;

	if ((rc = raw_public(k, out->pub)) != 0)
		return rc;
	out->sign = sign;
	out->arg = (void *)(uintptr_t)k;
	return 0;
}
