/* kek.h: private to the at-rest crypto module: what the key holder (kek.c) and crypto.c share. */
#ifndef ISA_DAEMON_KEK_H
#define ISA_DAEMON_KEK_H

/*
 * Include this only from crypto.c and kek.c; everyone else uses crypto.h.
 * The module is two files: crypto.c (libgcrypt set-up, DEKs, sealing) and
 * kek.c (the master key, its file, and wrapping DEKs under it: the part
 * that becomes the key holder process).  They share only the DEK's layout,
 * which is what a key holder hands out.
 */

#include <stdbool.h>
#include <stdint.h>

#include <gcrypt.h>

#include "daemon/keys/crypto.h"

/* Lives in libgcrypt's secure memory only, as does its cipher handle. */
struct crypto_dek {
	uint8_t key[CRYPTO_KEY_LEN];
	gcry_cipher_hd_t gcm;	/* keyed on first use (crypto.c); or NULL */
};

/*
 * A new DEK in secure memory holding key, or random bytes when key is NULL
 * and random is true, or zeros.  Returns 0, ISA_ERR_NOMEM or
 * ISA_ERR_CRYPTO (crypto_init failed); *out is NULL on error.
 */
__attribute__((warn_unused_result))
int crypto_dek_make(const uint8_t *key, bool random, crypto_dek_t **out);

#endif
