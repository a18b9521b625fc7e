/* kekref.h: the master key in use, shared by the workers and swapped by a rekey while they run. */
#ifndef ISA_DAEMON_KEKREF_H
#define ISA_DAEMON_KEKREF_H

#include <stdint.h>

#include "daemon/keys/crypto.h"

typedef struct kekref kekref_t;

/* A holder for kek, which it owns from now on.  NULL when out of memory
 * (kek is then freed). */
kekref_t *kekref_new(crypto_kek_t *kek);

/* Free the holder and wipe its key.  NULL accepted. */
void kekref_free(kekref_t *r);

/*
 * Unwrap a stored data key.  kek_id (CRYPTO_KEK_ID_LEN bytes, or NULL)
 * is the id the record says it was wrapped under: when it is not the key
 * in use (a rekey committed after the record was read) this returns
 * ISA_ERR_BUSY, and the caller may read the record again.  Otherwise as
 * crypto_dek_unwrap.
 */
__attribute__((warn_unused_result))
int kekref_unwrap(kekref_t *r, const uint8_t *kek_id,
    const uint8_t in[CRYPTO_WRAPPED_LEN], crypto_dek_t **out);

/* Wrap dek under the key in use; its id into kek_id.  As crypto_dek_wrap. */
__attribute__((warn_unused_result))
int kekref_wrap(kekref_t *r, const crypto_dek_t *dek,
    uint8_t out[CRYPTO_WRAPPED_LEN], uint8_t kek_id[CRYPTO_KEK_ID_LEN]);

/* The id of the key in use. */
void kekref_id(kekref_t *r, uint8_t out[CRYPTO_KEK_ID_LEN]);

/*
 * The key in use, for the one thread that may swap it (the writer's): valid
 * until that thread calls kekref_swap.
 */
const crypto_kek_t *kekref_current(kekref_t *r);

/* Put next in use (the holder owns it) and wipe the old key, once no
 * wrap or unwrap is using it. */
void kekref_swap(kekref_t *r, crypto_kek_t *next);

#endif
