/* keys.h: isad's key holder: the master key and the audit signing key live here; others ask it to wrap, unwrap and sign. */
#ifndef ISA_DAEMON_KEYS_H
#define ISA_DAEMON_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/keys/crypto.h"
#include "proto/merkle.h"

#pragma GCC visibility push(default)

/*
 * The key holder, after OpenSMTPD's ca.c (DESIGN §9, STYLE 4 and 26).  Two
 * long-lived secrets live in a keys_t and nowhere else: the master key
 * (KEK, libgcrypt's secure memory; kek.c) and the audit signing key
 * (Ed25519, OpenSSL's secure heap; signkey.c).  No function here returns
 * either: callers hand in what is to be wrapped, unwrapped, rewrapped or
 * signed and get the result back.  What crosses this interface is plain
 * bytes and values (a wrapped data key, a key id, a tree size and root, a
 * note), so that the holder can become its own process by turning each
 * call into a request and a reply, without changing its callers.
 *
 * Sealing and opening.  A document's data key (DEK) is unwrapped here into
 * an opaque crypto_dek_t, and content and fields are sealed and opened
 * with it through crypto.h (crypto_chunk_seal/open, crypto_field_seal/
 * open), which never show its bytes either.  DEKs are the one kind of key
 * the holder hands out, per document and per request, as kek.h says; the
 * master key and the signing key are never handed out.
 *
 * Threads.  keys_wrap_dek, keys_unwrap_dek, keys_kek_id and
 * keys_sign_checkpoint may be called by any thread at once.  The rekey
 * calls (keys_rekey_*) belong to one thread at a time (the writer's, or
 * `isad rekey`); keys_rekey_commit swaps the master key in use while the
 * others run.
 */

#define KEYS_KEK_ID_LEN		CRYPTO_KEK_ID_LEN	/* a master key's id */
#define KEYS_WRAPPED_LEN	CRYPTO_WRAPPED_LEN	/* a wrapped DEK */

typedef struct keys keys_t;

/* ---- `isad init`: the key files ---- */

/*
 * A new master key file at path (format in crypto.h), wrapped by pass
 * (passlen bytes; the caller wipes it) when pass is not NULL.  Returns as
 * crypto_kek_create, with one line in err; the key is wiped before this
 * returns.
 */
__attribute__((warn_unused_result))
int keys_master_create(const char *path, const char *pass, size_t passlen,
    char *err, size_t errlen);

/*
 * A new audit signing key: its private half written to priv (0600), its
 * public half to pub (0644, for auditors), born in OpenSSL's secure heap
 * where possible: *secure says whether that heap could be set up.  On
 * error nothing is left at priv or pub, and *failed says what failed: NULL
 * (the key could not be made) or the path that could not be written
 * (errno kept).  Returns 0 or ISA_ERR_*.
 */
__attribute__((warn_unused_result))
int keys_signing_create(const char *priv, const char *pub, bool *secure,
    const char **failed);

/* The id the master key file at path records, its key not unwrapped (for
 * `isad backup`).  Returns as crypto_kek_file_id, with one line in err. */
__attribute__((warn_unused_result))
int keys_master_id(const char *path, uint8_t id[KEYS_KEK_ID_LEN], char *err,
    size_t errlen);

/* ---- Serving: the holder ---- */

/*
 * A holder for the master key in the file at path, unwrapped with pass
 * (passlen bytes, NULL when the file has none; the caller wipes it), in
 * *out (free with keys_close).  It has no signing key until
 * keys_signing_load.  Returns as crypto_kek_load, with one line in err;
 * ISA_ERR_NOMEM; *out is NULL on error.
 */
__attribute__((warn_unused_result))
int keys_open(const char *path, const char *pass, size_t passlen,
    keys_t **out, char *err, size_t errlen);

/*
 * Load the audit signing key from its private key file at path into k,
 * setting up OpenSSL's secure heap first (call before threads start).
 * *locked says whether that heap is locked in memory.  Returns 0, or
 * ISA_ERR_* as signkey_read with one line in err.
 */
__attribute__((warn_unused_result))
int keys_signing_load(keys_t *k, const char *path, bool *locked, char *err,
    size_t errlen);

/* Wipe and free both keys and the holder (and a rekey's new key, if one is
 * pending).  NULL accepted. */
void keys_close(keys_t *k);

/* The id of the master key in use (not secret: the store records it). */
void keys_kek_id(keys_t *k, uint8_t out[KEYS_KEK_ID_LEN]);

/*
 * Wrap dek under the master key in use into out (what the store keeps);
 * that key's id into kek_id.  Returns 0, ISA_ERR_NOMEM or ISA_ERR_CRYPTO
 * (out is then zeroed).
 */
__attribute__((warn_unused_result))
int keys_wrap_dek(keys_t *k, const crypto_dek_t *dek,
    uint8_t out[KEYS_WRAPPED_LEN], uint8_t kek_id[KEYS_KEK_ID_LEN]);

/*
 * Unwrap a stored data key into a new DEK in *out (the caller frees it
 * with crypto_dek_free).  kek_id (KEYS_KEK_ID_LEN bytes, or NULL) is the
 * id the record says it was wrapped under: when it is not the key in use
 * (a rekey committed after the record was read) this returns ISA_ERR_BUSY
 * and the caller may read the record again.  Returns 0, ISA_ERR_BUSY,
 * ISA_ERR_CRYPTO (in is damaged, or was wrapped by another key) or
 * ISA_ERR_NOMEM; *out is NULL on error.
 */
__attribute__((warn_unused_result))
int keys_unwrap_dek(keys_t *k, const uint8_t *kek_id,
    const uint8_t in[KEYS_WRAPPED_LEN], crypto_dek_t **out);

/*
 * Sign the checkpoint (origin, size, root) with the audit signing key:
 * *note becomes a new string the caller frees (see checkpoint_sign).
 * Returns 0, ISA_ERR_INVAL (no signing key loaded, or origin not a valid
 * key name), ISA_ERR_NOMEM or ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int keys_sign_checkpoint(keys_t *k, const char *origin, uint64_t size,
    const uint8_t root[MERKLE_HASH_LEN], char **note);

/* ---- Rekey: a new master key, every DEK rewrapped under it ---- */

/*
 * A rekey, in one thread: keys_rekey_new (or keys_rekey_load, to finish
 * one cut off) holds a new master key beside the one in use;
 * keys_rekey_rewrap moves each wrapped DEK from the one to the other;
 * keys_rekey_commit puts the new key in use and wipes the old, or
 * keys_rekey_drop wipes the new.  One rekey at a time: starting another
 * drops the first.
 */

/*
 * A new random master key, saved to a new file at path (as
 * crypto_kek_save: O_EXCL, 0600, under pass when not NULL), held as the
 * rekey's new key.  Returns 0, or as crypto_kek_save (ISA_ERR_EXISTS: path
 * exists and is untouched), with one line in err.
 */
__attribute__((warn_unused_result))
int keys_rekey_new(keys_t *k, const char *path, const char *pass,
    size_t passlen, char *err, size_t errlen);

/* The master key file at path (a rekey's new file, left by one cut off)
 * held as the rekey's new key.  Returns as crypto_kek_load. */
__attribute__((warn_unused_result))
int keys_rekey_load(keys_t *k, const char *path, const char *pass,
    size_t passlen, char *err, size_t errlen);

/* The id of the rekey's new key.  Zeros when none is held. */
void keys_rekey_id(keys_t *k, uint8_t out[KEYS_KEK_ID_LEN]);

/*
 * Unwrap in with the master key in use and wrap the DEK under the rekey's
 * new key into out, without the DEK leaving secure memory.  in and out may
 * be the same buffer.  Returns 0, ISA_ERR_INVAL (no new key held),
 * ISA_ERR_CRYPTO (in did not unwrap; out is zeroed unless it is in) or
 * ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int keys_rekey_rewrap(keys_t *k, const uint8_t in[KEYS_WRAPPED_LEN],
    uint8_t out[KEYS_WRAPPED_LEN]);

/* Put the rekey's new key in use, once no wrap or unwrap is using the old
 * one, and wipe the old.  Nothing happens when no new key is held. */
void keys_rekey_commit(keys_t *k);

/* Wipe the rekey's new key; the key in use stays.  None held: nothing. */
void keys_rekey_drop(keys_t *k);

#pragma GCC visibility pop

#endif
