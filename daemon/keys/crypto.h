/* crypto.h: at-rest cryptography: the master key (KEK) holder, document data keys (DEKs), sealed chunks and fields. */
#ifndef ISA_DAEMON_CRYPTO_H
#define ISA_DAEMON_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * This module is the only one that uses libgcrypt (DESIGN §3, §8): crypto.c
 * (set-up, DEKs, sealing) and kek.c (the key holder: the master key, its
 * file, wrapping DEKs), which share a private header, kek.h.
 *
 * Keys.  The master key (KEK, 256 bits) wraps each document's data key (DEK,
 * 256 bits) with AES key wrap (RFC 3394).  Both live only in libgcrypt's
 * secure memory (mlocked where the process may lock memory; wiped when
 * freed) and never leave this module: callers hold opaque handles.  The KEK
 * belongs to the key holder (keys.h, OpenSMTPD's ca.c): the crypto_kek_*
 * and crypto_dek_{wrap,unwrap,rewrap} calls below are its internals, called
 * from daemon/keys/ only (and its unit tests); the rest of isad asks keys.h,
 * so that the holder can move into its own process by turning those calls
 * into messages.
 * Handles are read-only after they are made, so one may be used by several
 * threads at once; freeing one while another thread uses it is the
 * caller's bug.
 *
 * Content.  A document's content is a sequence of chunks, each sealed with
 * AES-256-GCM under the document's DEK:
 *
 *   nonce = 00 00 00 00 || index (64 bits, big-endian)
 *   AAD   = document id (16 bytes) || index (8, big-endian) || final (1: 0|1)
 *   out   = ciphertext (as long as the plaintext) || tag (16 bytes)
 *
 * so that chunks cannot be reordered, moved between documents, or cut off
 * after a non-final chunk unnoticed.  The last chunk, and only it, is sealed
 * with final = true; an empty document is one final chunk of 0 bytes.  A
 * reader opens chunk i with final = (i is the last index it expects, from
 * the stored size), so a document cut short fails on its new last chunk.
 *
 * Fields (title, handling instructions, file name, reasons, ...) are sealed
 * under the same DEK with
 *
 *   nonce = ff ff ff ff || field number (64 bits, big-endian)
 *   AAD   = document id (16 bytes) || field number (8, big-endian)
 *
 * The two nonce spaces are disjoint.  GCM fails completely if one nonce
 * seals two different plaintexts under one key, so the caller must seal
 * each chunk index and each field number with one plaintext only, per DEK:
 * a document is immutable, its chunks are written once, in order, and each
 * field has its own number, never reused.  Sealing the same number again
 * with the same plaintext (a retried transaction) is harmless: the output
 * is the same bytes.
 *
 * The master key file (master.key, mode 0600), version 1: ASCII text, every
 * line "NAME VALUE" ended by one LF, in exactly this order, hex lowercase,
 * nothing else (no comments, no blank lines, no CR, no trailing bytes):
 *
 *   isa-master-key 1
 *   kdf none                          or: kdf scrypt N=32768 r=8 p=1
 *                                     then, for scrypt only:
 *                                     salt <32 hex: 16 random bytes>
 *   key <64 hex: the KEK itself>      or: wrapped <80 hex: the KEK wrapped
 *                                         (RFC 3394) by the 256-bit key
 *                                         scrypt derives from the passphrase
 *                                         and salt>
 *   id <16 hex: crypto_kek_id, the key check value>
 *   check <16 hex: the first 8 bytes of SHA-256 over every byte before
 *          this line>
 *
 * `check` tells a damaged file (ISA_ERR_PARSE) from a wrong passphrase
 * (ISA_ERR_CRYPTO) before any key is derived; `id` is recomputed from the
 * recovered KEK, so a key that is not the one written is refused too.
 * scrypt: N a power of two from 2 to 2^20, r = 8 (libgcrypt's scrypt fixes
 * it), p from 1 to 16; written with N = 2^15, r = 8, p = 1 (32 MiB, about
 * 0.1 s).  Without a passphrase the file is the only protection of the KEK:
 * keep it, or the passphrase, apart from backups of the data dir.
 */

#define CRYPTO_KEY_LEN		32	/* a KEK or DEK: AES-256 */
#define CRYPTO_WRAPPED_LEN	40	/* a DEK wrapped by the KEK (RFC 3394) */
#define CRYPTO_TAG_LEN		16	/* GCM tag, after the ciphertext */
#define CRYPTO_DOCID_LEN	16	/* a document id: 128 bits */
#define CRYPTO_KEK_ID_LEN	8	/* crypto_kek_id */
#define CRYPTO_SEAL_MAX		((size_t)1 << 30)  /* longest chunk or field */
#define CRYPTO_SECMEM_SIZE	(1024 * 1024)	/* libgcrypt's secure pool */
#define CRYPTO_SCRYPT_N		32768	/* scrypt cost written by default */

typedef struct crypto_kek crypto_kek_t;
typedef struct crypto_dek crypto_dek_t;

/*
 * Initialise libgcrypt: check its version (1.8 or later), create its secure
 * memory pool (CRYPTO_SECMEM_SIZE bytes, mlocked), and finish its
 * initialisation.  Idempotent and thread-safe: every function below that
 * makes a key calls it, so calling it first is only a way to fail early
 * (isad does, at start-up).  When the process may not lock that much
 * memory (RLIMIT_MEMLOCK, no CAP_IPC_LOCK), the pool still works but may
 * be swapped out: libgcrypt's own warning is turned off
 * (GCRYCTL_DISABLE_SECMEM_WARN) and one line is logged here instead, once,
 * naming the limit; raise LimitMEMLOCK in the systemd unit to silence it.
 * If libgcrypt was already initialised by someone else in the process, it
 * is used as it is.  Returns 0, or ISA_ERR_CRYPTO (the library is too old
 * or its secure memory cannot be set up); the result is remembered.
 */
__attribute__((warn_unused_result))
int crypto_init(void);

/*
 * Fill buf with len bytes from libgcrypt's strong random generator (for
 * document ids and other unguessable identifiers, not for keys: keys are
 * made inside this module).  Returns 0, or ISA_ERR_CRYPTO if crypto_init
 * failed (buf is then zeroed).
 */
__attribute__((warn_unused_result))
int crypto_random(void *buf, size_t len);

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

/* ---- Document data keys (DEKs) ---- */

/*
 * A new random DEK (GCRY_STRONG_RANDOM) in secure memory, in *out, which
 * the caller frees with crypto_dek_free.  Returns 0, ISA_ERR_NOMEM (secure
 * memory exhausted) or ISA_ERR_CRYPTO; *out is NULL on error.
 */
__attribute__((warn_unused_result))
int crypto_dek_new(crypto_dek_t **out);

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

/* Wipe and free dek.  NULL is accepted. */
void crypto_dek_free(crypto_dek_t *dek);

/* ---- Sealing content chunks and fields (AES-256-GCM) ---- */

/*
 * The DEK keeps a keyed cipher handle between calls, so these take it
 * mutable: one thread at a time per DEK (each transfer and each request
 * has its own).
 */

/*
 * Seal chunk number index of document docid: out receives len +
 * CRYPTO_TAG_LEN bytes (ciphertext, then tag).  final is true for the
 * document's last chunk only.  len may be 0 (in may then be NULL).  out
 * may be in (sealing in place, the buffer then holding len + 16 bytes);
 * they must not otherwise overlap.  Returns 0, ISA_ERR_RANGE (len >
 * CRYPTO_SEAL_MAX), ISA_ERR_NOMEM or ISA_ERR_CRYPTO (out is then wiped).
 */
__attribute__((warn_unused_result))
int crypto_chunk_seal(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t index, bool final,
    const uint8_t *in, size_t len, uint8_t *out);

/*
 * Open a chunk sealed by crypto_chunk_seal: in is len bytes, tag included;
 * out receives len - CRYPTO_TAG_LEN bytes of plaintext.  docid, index and
 * final must be what the reader expects (the chunk's place), not values
 * read from beside the chunk.  out may be in; they must not otherwise
 * overlap.  Returns 0, or ISA_ERR_CRYPTO when the tag does not verify
 * (damaged or altered chunk, another document's or position's chunk, or a
 * final flag that does not match) or len < CRYPTO_TAG_LEN: out is then
 * wiped and nothing unauthenticated is returned; ISA_ERR_RANGE (len >
 * CRYPTO_SEAL_MAX + CRYPTO_TAG_LEN) or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int crypto_chunk_open(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t index, bool final,
    const uint8_t *in, size_t len, uint8_t *out);

/*
 * Seal field number field of document docid (title, handling text, file
 * name, a reason...): as crypto_chunk_seal, with the field nonce and AAD
 * described at the top.  Each field number is sealed once per DEK (see
 * above): the caller assigns the numbers and never reuses one.
 */
__attribute__((warn_unused_result))
int crypto_field_seal(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t field,
    const uint8_t *in, size_t len, uint8_t *out);

/* Open a field sealed by crypto_field_seal: as crypto_chunk_open. */
__attribute__((warn_unused_result))
int crypto_field_open(crypto_dek_t *dek,
    const uint8_t docid[CRYPTO_DOCID_LEN], uint64_t field,
    const uint8_t *in, size_t len, uint8_t *out);

#ifdef ISA_TEST_BUILD
/*
 * Test-only entry points (sanitizer builds, which define ISA_TEST_BUILD).
 * Known answers for key wrap and the chunk and field layouts go through
 * the real interface (a master key file and a wrapped DEK made by another
 * implementation); only the NIST GCM vectors need a raw primitive.
 */

/* Raw AES-256-GCM with a 12-byte iv and any AAD, the primitive under
 * crypto_chunk_seal and crypto_field_seal: out is len + 16 bytes. */
__attribute__((warn_unused_result))
int crypto_test_gcm_seal(const uint8_t key[CRYPTO_KEY_LEN],
    const uint8_t iv[12], const uint8_t *aad, size_t aadlen,
    const uint8_t *in, size_t len, uint8_t *out);

/* The scrypt N that crypto_kek_save writes from now on (a power of two,
 * 2 to 2^20; 0 restores CRYPTO_SCRYPT_N): cheap keys for fast tests. */
void crypto_test_set_scrypt_n(unsigned long n);
#endif

#endif
