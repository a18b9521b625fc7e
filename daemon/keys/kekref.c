/* kekref.c: the master key in use, shared by the workers and swapped by a rekey while they run. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "daemon/keys/kekref.h"

struct kekref {
	pthread_rwlock_t lock;	/* read: a wrap or unwrap; write: a swap */
	crypto_kek_t *kek;
	uint8_t id[CRYPTO_KEK_ID_LEN];
};

kekref_t *
kekref_new(crypto_kek_t *kek)
{
	kekref_t *r = calloc(1, sizeof(*r));

	if (r == NULL || pthread_rwlock_init(&r->lock, NULL) != 0) {
		free(r);
		crypto_kek_free(kek);
		return NULL;
	}
	r->kek = kek;
	crypto_kek_id(kek, r->id);
	return r;
}

void
kekref_free(kekref_t *r)
{
	if (r == NULL)
		return;
	crypto_kek_free(r->kek);
	pthread_rwlock_destroy(&r->lock);
	free(r);
}

int
kekref_unwrap(kekref_t *r, const uint8_t *kek_id,
    const uint8_t in[CRYPTO_WRAPPED_LEN], crypto_dek_t **out)
{
	int rc;

	*out = NULL;
	pthread_rwlock_rdlock(&r->lock);
	if (kek_id != NULL && memcmp(kek_id, r->id, sizeof(r->id)) != 0)
		rc = ISA_ERR_BUSY;
	else
		rc = crypto_dek_unwrap(r->kek, in, out);
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int
kekref_wrap(kekref_t *r, const crypto_dek_t *dek,
    uint8_t out[CRYPTO_WRAPPED_LEN], uint8_t kek_id[CRYPTO_KEK_ID_LEN])
{
	int rc;

	pthread_rwlock_rdlock(&r->lock);
	rc = crypto_dek_wrap(r->kek, dek, out);
	memcpy(kek_id, r->id, sizeof(r->id));
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

void
kekref_id(kekref_t *r, uint8_t out[CRYPTO_KEK_ID_LEN])
{
	pthread_rwlock_rdlock(&r->lock);
	memcpy(out, r->id, sizeof(r->id));
	pthread_rwlock_unlock(&r->lock);
}

const crypto_kek_t *
kekref_current(kekref_t *r)
{
	return r->kek;
}

void
kekref_swap(kekref_t *r, crypto_kek_t *next)
{
	crypto_kek_t *old;

	pthread_rwlock_wrlock(&r->lock);
	old = r->kek;
	r->kek = next;
	crypto_kek_id(next, r->id);
	pthread_rwlock_unlock(&r->lock);
	crypto_kek_free(old);
}
