/* checkpoint.h: signed audit checkpoints (C2SP tlog-checkpoint in a C2SP signed note, Ed25519): format, parsing, public keys, verification. */
#ifndef ISA_PROTO_CHECKPOINT_H
#define ISA_PROTO_CHECKPOINT_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/merkle.h"

/*
 * A checkpoint (DESIGN §7; c2sp.org/tlog-checkpoint, c2sp.org/signed-note):
 *
 *   hppb.example.org/isa                 origin
 *   1234                                 tree size, decimal
 *   <base64 of the 32-byte root hash>
 *                                        a blank line
 *   — hppb.example.org/isa <base64(key ID || Ed25519 signature)>
 *
 * The signature covers the first three lines, final newline included.  The
 * key name is the origin; the key ID is the first 4 bytes of SHA-256(name
 * || 0x0A || 0x01 || the 32-byte public key), 0x01 naming Ed25519.  Any
 * signed-note verifier (Go's golang.org/x/mod/sumdb/note, transparency-dev)
 * accepts what checkpoint_sign writes, given checkpoint_key_vkey's key.
 *
 * The signing key is not here: proto/ holds public keys only (what an
 * auditor's `isa audit verify` needs).  Signing goes through a
 * checkpoint_signer_t, which isad's key holder (daemon/keys/signkey.h)
 * provides: it keeps the private key, and this file only lays out the note
 * around the signature it returns.
 */

#define CHECKPOINT_NOTE_MAX	131072	/* a note, all signatures included */
#define CHECKPOINT_SIGS_MAX	100	/* signature lines in one note */
#define CHECKPOINT_KEY_FILE_MAX	4096	/* a PEM key file */
#define CHECKPOINT_PUB_LEN	32	/* an Ed25519 public key */
#define CHECKPOINT_SIG_LEN	64	/* an Ed25519 signature */

/*
 * Who signs a note: the raw Ed25519 public key the signature lines are
 * named for (its key ID is computed here), and a function that signs the
 * len bytes at msg with the matching private key into sig, returning 0 or
 * ISA_ERR_* (ISA_ERR_CRYPTO, ISA_ERR_NOMEM).  arg is passed to it as it
 * is.  The signer stays the caller's; nothing here keeps it.
 */
typedef struct {
	uint8_t pub[CHECKPOINT_PUB_LEN];
	int (*sign)(void *arg, const void *msg, size_t len,
	    uint8_t sig[CHECKPOINT_SIG_LEN]);
	void *arg;
} checkpoint_signer_t;

/*
 * A parsed checkpoint.  Fill with checkpoint_parse; release with
 * checkpoint_clear.  origin, size and root are the caller's to read; the
 * rest is checkpoint.c's.
 */
typedef struct checkpoint {
	char *origin;			/* NUL-terminated, non-empty */
	uint64_t size;			/* tree size */
	uint8_t root[MERKLE_HASH_LEN];	/* root hash */
	char *note;			/* private: the whole note, as parsed */
	size_t note_len;		/* private */
} checkpoint_t;

/* Free a public key from this module; NULL accepted. */
void checkpoint_key_free(EVP_PKEY *key);

/*
 * Read an Ed25519 public key PEM file (what `isad init` writes:
 * audit.pub.pem, an auditor's PUB.pem) into *out (free with
 * checkpoint_key_free).
 * On error *out is NULL and err holds one line naming the file.  Returns 0,
 * ISA_ERR_NOTFOUND, ISA_ERR_IO or ISA_ERR_PARSE.
 */
__attribute__((warn_unused_result))
int checkpoint_key_read_public(const char *path, EVP_PKEY **out, char *err,
    size_t errlen);

/*
 * The same from memory: pem (len bytes, no NUL needed; at most
 * CHECKPOINT_KEY_FILE_MAX, like the file) is an Ed25519 public key in PEM,
 * name what to call it in err (the file's name).  Returns 0 with *out set,
 * or ISA_ERR_PARSE (too large, not such a key) or ISA_ERR_NOMEM with *out
 * NULL and one line naming name in err, the file reader's words.
 */
__attribute__((warn_unused_result))
int checkpoint_key_parse_public(const char *pem, size_t len, const char *name,
    EVP_PKEY **out, char *err, size_t errlen);

/*
 * Whether name may be a signed-note key name, and so an origin we sign
 * under: non-empty UTF-8 without control characters, Unicode spaces or '+'.
 * isad's config loader should refuse any other `origin`.
 */
bool checkpoint_name_valid(const char *name);

/*
 * The signed-note key ID of key under name into *id:
 * the first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public
 * key).  Returns 0, ISA_ERR_INVAL (name not valid, or not an Ed25519 key)
 * or ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int checkpoint_key_id(const char *name, EVP_PKEY *key, uint32_t *id);

/*
 * key's verifier key in the signed-note text form that Go's note.NewVerifier
 * and transparency-dev tools take: "<name>+<key ID, 8 hex>+<base64(0x01 ||
 * public key)>".  *out is a new string the caller frees.  Returns 0,
 * ISA_ERR_INVAL, ISA_ERR_NOMEM or ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int checkpoint_key_vkey(const char *name, EVP_PKEY *key, char **out);

/*
 * Parse a verifier key in that form, checking that its key ID matches its
 * name and key.  *name (a new string the caller frees) and *key (free with
 * checkpoint_key_free) are set only on success.  Returns 0, ISA_ERR_PARSE,
 * ISA_ERR_NOMEM or ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int checkpoint_key_vkey_parse(const char *vkey, char **name, EVP_PKEY **key);

/*
 * Sign len bytes of text as a signed note by signer under name: *note_out
 * becomes a new NUL-terminated string (the caller frees it) holding text,
 * a blank line and one signature line.  text must be non-empty UTF-8 that
 * ends with a newline and has no other control characters; name must pass
 * checkpoint_name_valid; both are checked before signer->sign is called.
 * Returns 0, ISA_ERR_INVAL (also for a NULL signer), ISA_ERR_RANGE (longer
 * than CHECKPOINT_NOTE_MAX), ISA_ERR_NOMEM, ISA_ERR_CRYPTO or what
 * signer->sign returned.
 */
__attribute__((warn_unused_result))
int checkpoint_note_sign(const checkpoint_signer_t *signer, const char *name,
    const char *text, size_t len, char **note_out);

/*
 * Open a signed note (any text, not only a checkpoint) of len bytes with
 * the one key the caller trusts, known by name: the note must be well
 * formed (valid UTF-8, no control characters but newlines, text, a blank
 * line, 1 to CHECKPOINT_SIGS_MAX signature lines), and some signature line
 * with this name and this key's ID must verify.  Lines of other keys are
 * ignored, as the spec requires; a line of this key that does not verify
 * fails the whole note.  *text_len, when not NULL, receives the length of
 * the signed text at the start of note.  Returns 0; ISA_ERR_PARSE
 * (malformed); ISA_ERR_NOTFOUND (no signature by this key); ISA_ERR_CRYPTO
 * (a signature by this key does not verify); ISA_ERR_INVAL (name not
 * valid, or key not Ed25519).
 */
__attribute__((warn_unused_result))
int checkpoint_note_verify(const char *note, size_t len, const char *name,
    EVP_PKEY *key, size_t *text_len);

/*
 * Sign the checkpoint (origin, size, root) by signer: *note_out becomes a
 * new NUL-terminated string (the caller frees it), the note exactly as it
 * is to be printed or stored, with no extension lines.  Returns 0,
 * ISA_ERR_INVAL (origin not a valid key name, or no signer), ISA_ERR_NOMEM
 * or ISA_ERR_CRYPTO (or what signer->sign returned).
 */
__attribute__((warn_unused_result))
int checkpoint_sign(const checkpoint_signer_t *signer, const char *origin,
    uint64_t size, const uint8_t root[MERKLE_HASH_LEN], char **note_out);

/*
 * Parse len bytes at note (NUL not needed) strictly into *out: a signed
 * note as checkpoint_note_verify wants it, whose text is a non-empty
 * origin line, a decimal tree size without leading zeros (unless it is
 * "0") that fits 64 bits, the base64 of exactly 32 bytes (padded, no
 * stray bits), then optional non-empty extension lines; every line ending
 * in "\n" (a "\r" is refused).  Signatures are not checked: call
 * checkpoint_verify.  Never reads past len.  On error *out holds nothing
 * to free and err (errlen bytes; NULL when errlen is 0) says what is wrong.
 * Returns 0, ISA_ERR_PARSE or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int checkpoint_parse(const char *note, size_t len, checkpoint_t *out,
    char *err, size_t errlen);

/*
 * Verify a parsed checkpoint with the log's public key: a signature line
 * named as the origin, with this key's ID, must verify (see
 * checkpoint_note_verify).  Says nothing of whether the origin is the one
 * the caller expects: compare cp->origin for that.  Returns 0;
 * ISA_ERR_NOTFOUND (no signature by this key, also when the origin cannot
 * be a key name); ISA_ERR_CRYPTO (a signature by this key does not
 * verify); ISA_ERR_INVAL (key is not Ed25519, or cp was not parsed).
 */
__attribute__((warn_unused_result))
int checkpoint_verify(const checkpoint_t *cp, EVP_PKEY *key);

/* Free what checkpoint_parse put in cp and zero it; a zeroed cp (or one a
 * failed parse left) is accepted. */
void checkpoint_clear(checkpoint_t *cp);

#endif
