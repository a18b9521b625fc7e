/* signkey.h: the audit signing key: an Ed25519 private key in OpenSSL's secure heap, made, kept in its file, and signing. */
#ifndef ISA_DAEMON_SIGNKEY_H
#define ISA_DAEMON_SIGNKEY_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/checkpoint.h"

/*
 * The private half of the checkpoint key (DESIGN §7): the one file, with
 * keys.c, that touches a private key through OpenSSL (generation, PKCS#8
 * PEM files, EVP_DigestSign, the secure heap).  proto/checkpoint.h keeps
 * the note format, public keys and verification; it signs through the
 * checkpoint_signer_t that signkey_signer fills.  isad reaches this key
 * only through its key holder (keys.h); `isad init`, tests and benchmarks
 * that make notes use it directly.
 *
 * The private key never leaves the signkey_t: nothing here copies it out,
 * and its bytes live in OpenSSL's secure heap (mlocked, not dumped) once
 * signkey_heap_init has run.  A signkey_t is read-only after it is made:
 * several threads may sign with one at once.
 */

typedef struct signkey signkey_t;

/*
 * Set up OpenSSL's secure heap (64 KiB, mlocked, excluded from core dumps)
 * so that the private key of every key made or read afterwards lives in
 * it.  Call once, before any key is loaded and before threads start (isad
 * at start-up).  *locked says whether the heap could be locked in memory
 * (RLIMIT_MEMLOCK may forbid it; true when another part of the process set
 * the heap up).  Returns 0, or ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int signkey_heap_init(bool *locked);

/* A new Ed25519 key pair into *out (free with signkey_free).  Returns 0,
 * or ISA_ERR_CRYPTO (*out is then NULL). */
__attribute__((warn_unused_result))
int signkey_generate(signkey_t **out);

/*
 * Read an Ed25519 private key PEM file into *out (free with signkey_free).
 * The file must be a regular file (not a symbolic link) that neither group
 * nor others may read or write.  On error *out is NULL and err (errlen
 * bytes) holds one line naming the file and what to do.  Returns 0,
 * ISA_ERR_NOTFOUND, ISA_ERR_IO, ISA_ERR_PERM or ISA_ERR_PARSE (not one
 * unencrypted Ed25519 private key).
 */
__attribute__((warn_unused_result))
int signkey_read(const char *path, signkey_t **out, char *err, size_t errlen);

/*
 * Write k's private half to path as an unencrypted PKCS#8 PEM file with
 * secfile_create (mode 0600, refused if path exists, fsynced, nothing left
 * on failure).  Our copy of the PEM text is in a secure-heap BIO, which
 * OpenSSL clears when it frees it.  Returns 0, ISA_ERR_EXISTS, ISA_ERR_IO
 * (errno set), ISA_ERR_INVAL (k is NULL) or ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int signkey_write(const signkey_t *k, const char *path);

/*
 * Write k's public half to path as a SubjectPublicKeyInfo PEM file
 * ("-----BEGIN PUBLIC KEY-----", what checkpoint_key_read_public reads),
 * mode 0644, as signkey_write otherwise.
 */
__attribute__((warn_unused_result))
int signkey_write_public(const signkey_t *k, const char *path);

/* k's public half as a new public-only key for proto/checkpoint.h's
 * verifiers (free with checkpoint_key_free).  Returns 0, ISA_ERR_INVAL or
 * ISA_ERR_CRYPTO; *out is NULL on error. */
__attribute__((warn_unused_result))
int signkey_public(const signkey_t *k, EVP_PKEY **out);

/* Fill *out so that checkpoint_sign and checkpoint_note_sign sign with k;
 * valid while k is.  Returns 0, or ISA_ERR_INVAL (k NULL) or
 * ISA_ERR_CRYPTO. */
__attribute__((warn_unused_result))
int signkey_signer(const signkey_t *k, checkpoint_signer_t *out);

/* Free k; OpenSSL clears its secure-heap bytes.  NULL accepted. */
void signkey_free(signkey_t *k);

#endif
