/* kek.h: private to daemon/keys: the master key (KEK) and wrapping DEKs under it, for the key holder (keys.c), and the DEK layout crypto.c and kek.c share. */
#ifndef ISA_DAEMON_KEK_H
#define ISA_DAEMON_KEK_H

/*
 * Include this only from daemon/keys/ (and the unit tests of its
 * internals); everyone else uses keys.h and crypto.h.  Nothing declared
 * here is exported from the key holder's library (it is built with hidden
 * visibility), so a call from another layer fails the layer link check.
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

/* ---- The master key (KEK): daemon/keys/ only; others use keys.h ---- */

/*
 * A new random KEK (GCRY_STRONG_RANDOM) in secure memory, in *out,
 * which the caller frees with crypto_kek_free.  For `isad init` (through
 * crypto_kek_create) and `isad rekey`.  Returns 0, ISA_ERR_NOMEM (secure
 * memory exhausted) or ISA_ERR_CRYPTO; *out is NULL on error.
 */
__attribute__((warn_unused_result))
int crypto_kek_generate(crypto_kek_t **out);

/*
 * Write kek to a new file at path, in the format above, created with
 * O_EXCL and mode 0600, fsynced, and its directory fsynced.  pass (passlen
 * bytes, any bytes) wraps the KEK with a key derived by scrypt from it and
 * a new random salt; pass NULL writes the KEK unwrapped.  The caller keeps
 * ownership of pass and wipes it.  For rekey the caller writes a new name,
 * then renames it over the old one and fsyncs the directory.  On error
 * nothing is left at path (a partly written file is removed), and err
 * (errlen bytes, may be NULL) holds one line naming the file.  Returns 0,
 * ISA_ERR_EXISTS (path exists; it is not touched), ISA_ERR_INVAL (pass is
 * not NULL but passlen is 0), ISA_ERR_IO (errno set), ISA_ERR_NOMEM or
 * ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int crypto_kek_save(const crypto_kek_t *kek, const char *path,
    const char *pass, size_t passlen, char *err, size_t errlen);

/*
 * crypto_kek_generate, then crypto_kek_save: the new master key file of
 * `isad init`.  When out is not NULL it receives the new KEK (the caller
 * frees it), e.g. to record its id in the store; else the KEK is freed.
 * Returns what those two return; *out is NULL on error.
 */
__attribute__((warn_unused_result))
int crypto_kek_create(const char *path, const char *pass, size_t passlen,
    crypto_kek_t **out, char *err, size_t errlen);

/*
 * Read the master key file at path into a new KEK in *out, which the caller
 * frees with crypto_kek_free.  pass (passlen bytes) must be given exactly
 * when the file is wrapped by a passphrase; the caller keeps it and wipes
 * it.  On error *out is NULL, everything read is wiped, and err (errlen
 * bytes, may be NULL) holds one line naming the file and what to do.
 * Returns 0, or
 *   ISA_ERR_NOTFOUND  no such file;
 *   ISA_ERR_IO        it cannot be opened or read, or is not a regular file;
 *   ISA_ERR_PERM      it is readable or writable by group or others:
 *                     "FILE: ... (mode 0644); run: chmod 600 FILE";
 *   ISA_ERR_PARSE     it is not a master key file, or is damaged or
 *                     truncated (check or key check value mismatch);
 *   ISA_ERR_SCHEMA    it is a master key file of a later version;
 *   ISA_ERR_INVAL     a passphrase is needed and pass is NULL, or pass was
 *                     given for a file that has none, or passlen is 0;
 *   ISA_ERR_CRYPTO    "wrong passphrase for FILE", or libgcrypt failed;
 *   ISA_ERR_NOMEM     secure memory or memory exhausted.
 */
__attribute__((warn_unused_result))
int crypto_kek_load(const char *path, const char *pass, size_t passlen,
    crypto_kek_t **out, char *err, size_t errlen);

/*
 * The KEK's identifier: the first CRYPTO_KEK_ID_LEN bytes of
 * HMAC-SHA256(KEK, "isa kek id").  Not secret: the store records it beside
 * the DEKs the KEK wrapped, and the master key file holds it as its key
 * check value.  Stable for one KEK across save and load.
 */
void crypto_kek_id(const crypto_kek_t *kek, uint8_t out[CRYPTO_KEK_ID_LEN]);

/*
 * The id a master key file at path records (its key check value), without
 * unwrapping the key: the file is read and its check value verified as
 * crypto_kek_load does, nothing more.  Returns 0 or as crypto_kek_load
 * (less ISA_ERR_INVAL and the passphrase's ISA_ERR_CRYPTO), with one line
 * in err.
 */
__attribute__((warn_unused_result))
int crypto_kek_file_id(const char *path, uint8_t id[CRYPTO_KEK_ID_LEN],
    char *err, size_t errlen);

/* Wipe and free kek.  NULL is accepted. */
void crypto_kek_free(crypto_kek_t *kek);

/*
 * Wrap dek under kek (AES key wrap, RFC 3394) into out: what the store
 * keeps.  Returns 0, ISA_ERR_NOMEM or ISA_ERR_CRYPTO (out is then zeroed).
 */
__attribute__((warn_unused_result))
int crypto_dek_wrap(const crypto_kek_t *kek, const crypto_dek_t *dek,
    uint8_t out[CRYPTO_WRAPPED_LEN]);

/*
 * Unwrap in with kek into a new DEK in *out (freed by the caller with
 * crypto_dek_free).  Returns 0, ISA_ERR_CRYPTO when the wrap's integrity
 * check fails (in is damaged, or was wrapped by another KEK), or
 * ISA_ERR_NOMEM; *out is NULL on error.
 */
__attribute__((warn_unused_result))
int crypto_dek_unwrap(const crypto_kek_t *kek,
    const uint8_t in[CRYPTO_WRAPPED_LEN], crypto_dek_t **out);

/*
 * Rekey: unwrap in with old_kek and wrap the DEK under new_kek into out,
 * without the DEK leaving secure memory.  in and out may be the same
 * buffer.  Returns 0, ISA_ERR_CRYPTO (in did not unwrap under old_kek; out
 * is then zeroed, unless it is in, which is left as it was) or
 * ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int crypto_dek_rewrap(const crypto_kek_t *old_kek, const crypto_kek_t *new_kek,
    const uint8_t in[CRYPTO_WRAPPED_LEN], uint8_t out[CRYPTO_WRAPPED_LEN]);

#ifdef ISA_TEST_BUILD
/* The scrypt N that crypto_kek_save writes from now on (a power of two,
 * 2 to 2^20; 0 restores CRYPTO_SCRYPT_N): cheap keys for fast tests. */
void crypto_test_set_scrypt_n(unsigned long n);
#endif

#endif
