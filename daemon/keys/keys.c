/* keys.c: isad's key holder: the master key and the audit signing key live here; others ask it to wrap, unwrap and sign. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "daemon/keys/kek.h"
#include "daemon/keys/keys.h"
#include "daemon/keys/signkey.h"

struct keys {
	pthread_rwlock_t lock;	/* read: a wrap or unwrap; write: a swap */
	crypto_kek_t *kek;	/* the master key in use */
	uint8_t id[KEYS_KEK_ID_LEN];
	crypto_kek_t *next;	/* a rekey's new key (its thread only) */
	signkey_t *sign;	/* the audit signing key, or NULL */
};

int
keys_master_create(const char *path, const char *pass, size_t passlen,
    char *err, size_t errlen)
{
	return crypto_kek_create(path, pass, passlen, NULL, err, errlen);
}

int
keys_master_id(const char *path, uint8_t id[KEYS_KEK_ID_LEN], char *err,
    size_t errlen)
{
	return crypto_kek_file_id(path, id, err, errlen);
}

int
keys_signing_create(const char *priv, const char *pub, bool *secure,
    const char **failed)
{
	signkey_t *k = NULL;
	bool locked;
	int rc, saved;

	*failed = NULL;
	*secure = signkey_heap_init(&locked) == 0;
	if ((rc = signkey_generate(&k)) != 0)
		return rc;
	if ((rc = signkey_write(k, priv)) != 0)
		*failed = priv;
	else if ((rc = signkey_write_public(k, pub)) != 0) {
		*failed = pub;
		saved = errno;
		unlink(priv);
		errno = saved;
	}
	signkey_free(k);
	return rc;
}

int
keys_open(const char *path, const char *pass, size_t passlen, keys_t **out,
    char *err, size_t errlen)
{
	crypto_kek_t *kek = NULL;
	keys_t *k;
	int rc;

	*out = NULL;
	if ((rc = crypto_kek_load(path, pass, passlen, &kek, err, errlen)) != 0)
		return rc;
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    pthread_rwlock_init(&k->lock, NULL) != 0) {
		free(k);
		crypto_kek_free(kek);
		snprintf(err, errlen, "%s", isa_strerror(ISA_ERR_NOMEM));
		return ISA_ERR_NOMEM;
	}
	k->kek = kek;
	crypto_kek_id(kek, k->id);
	*out = k;
	return 0;
}

int
keys_signing_load(keys_t *k, const char *path, bool *locked, char *err,
    size_t errlen)
{
	signkey_t *s = NULL;
	int rc;

	*locked = false;
	if (signkey_heap_init(locked) != 0)
		*locked = false;
	if ((rc = signkey_read(path, &s, err, errlen)) != 0)
		return rc;
	signkey_free(k->sign);
	k->sign = s;
	return 0;
}

void
keys_close(keys_t *k)
{
	if (k == NULL)
		return;
	crypto_kek_free(k->kek);
	crypto_kek_free(k->next);
	signkey_free(k->sign);
	pthread_rwlock_destroy(&k->lock);
	free(k);
}

void
keys_kek_id(keys_t *k, uint8_t out[KEYS_KEK_ID_LEN])
{
	pthread_rwlock_rdlock(&k->lock);
	memcpy(out, k->id, sizeof(k->id));
	pthread_rwlock_unlock(&k->lock);
}

int
keys_wrap_dek(keys_t *k, const crypto_dek_t *dek,
    uint8_t out[KEYS_WRAPPED_LEN], uint8_t kek_id[KEYS_KEK_ID_LEN])
{
	int rc;

	pthread_rwlock_rdlock(&k->lock);
	rc = crypto_dek_wrap(k->kek, dek, out);
	memcpy(kek_id, k->id, sizeof(k->id));
	pthread_rwlock_unlock(&k->lock);
	return rc;
}

int
keys_unwrap_dek(keys_t *k, const uint8_t *kek_id,
    const uint8_t in[KEYS_WRAPPED_LEN], crypto_dek_t **out)
{
	int rc;

	*out = NULL;
	pthread_rwlock_rdlock(&k->lock);
	if (kek_id != NULL && memcmp(kek_id, k->id, sizeof(k->id)) != 0)
		rc = ISA_ERR_BUSY;
	else
		rc = crypto_dek_unwrap(k->kek, in, out);
	pthread_rwlock_unlock(&k->lock);
	return rc;
}

int
keys_sign_checkpoint(keys_t *k, const char *origin, uint64_t size,
    const uint8_t root[MERKLE_HASH_LEN], char **note)
{
	checkpoint_signer_t signer;
	int rc;

	*note = NULL;
	if (k->sign == NULL)
		return ISA_ERR_INVAL;
	if ((rc = signkey_signer(k->sign, &signer)) != 0)
		return rc;
	return checkpoint_sign(&signer, origin, size, root, note);
}

int
keys_rekey_new(keys_t *k, const char *path, const char *pass, size_t passlen,
    char *err, size_t errlen)
{
	crypto_kek_t *next = NULL;
	int rc;

	keys_rekey_drop(k);
	if ((rc = crypto_kek_generate(&next)) != 0) {
		snprintf(err, errlen, "%s", isa_strerror(rc));
		return rc;
	}
	if ((rc = crypto_kek_save(next, path, pass, passlen, err, errlen))
	    != 0) {
		crypto_kek_free(next);
		return rc;
	}
	k->next = next;
	return 0;
}

int
keys_rekey_load(keys_t *k, const char *path, const char *pass,
    size_t passlen, char *err, size_t errlen)
{
	keys_rekey_drop(k);
	return crypto_kek_load(path, pass, passlen, &k->next, err, errlen);
}

void
keys_rekey_id(keys_t *k, uint8_t out[KEYS_KEK_ID_LEN])
{
	if (k->next == NULL)
		memset(out, 0, KEYS_KEK_ID_LEN);
	else
		crypto_kek_id(k->next, out);
}

int
keys_rekey_rewrap(keys_t *k, const uint8_t in[KEYS_WRAPPED_LEN],
    uint8_t out[KEYS_WRAPPED_LEN])
{
	int rc;

	if (k->next == NULL)
		return ISA_ERR_INVAL;
	/* Only this thread swaps the key in use; the lock is for form. */
	pthread_rwlock_rdlock(&k->lock);
	rc = crypto_dek_rewrap(k->kek, k->next, in, out);
	pthread_rwlock_unlock(&k->lock);
	return rc;
}

void
keys_rekey_commit(keys_t *k)
{
	crypto_kek_t *old;

	if (k->next == NULL)
		return;
	pthread_rwlock_wrlock(&k->lock);
	old = k->kek;
	k->kek = k->next;
	k->next = NULL;
	crypto_kek_id(k->kek, k->id);
	pthread_rwlock_unlock(&k->lock);
	crypto_kek_free(old);
}

void
keys_rekey_drop(keys_t *k)
{
	crypto_kek_free(k->next);
	k->next = NULL;
}
