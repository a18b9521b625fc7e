/* keyfile.h: CURVE key files: generating, writing (secret 0600) and strictly reading them. */
#ifndef ISA_PROTO_KEYFILE_H
#define ISA_PROTO_KEYFILE_H

#include <stddef.h>

#define KEYFILE_Z85_LEN 40	/* a 32-byte key in Z85, without the NUL */

/*
 * The format, also valid libconfig, parsed strictly by hand so that the
 * secret never passes through a buffer we do not wipe:
 *
 *   # isa CURVE key pair (Z85). Secret: keep this file mode 0600.
 *   public-key = "<40 Z85 characters>";
 *   secret-key = "<40 Z85 characters>";
 *
 * A public key file holds only the public-key line.
 */

/*
 * Make a new CURVE key pair into pub and sec (each KEYFILE_Z85_LEN + 1
 * bytes, NUL-terminated Z85).  The caller wipes sec.  Returns 0, or
 * ISA_ERR_CRYPTO.
 */
__attribute__((warn_unused_result))
int keyfile_generate(char *pub, char *sec);

/*
 * Write a key pair to path, created 0600 and refused (ISA_ERR_EXISTS) if it
 * exists; fsynced.  sec NULL writes a public key file, 0644.  Returns 0,
 * ISA_ERR_EXISTS or ISA_ERR_IO (errno set).
 */
__attribute__((warn_unused_result))
int keyfile_write(const char *path, const char *pub, const char *sec);

/*
 * Read a key file.  pub receives the public key (KEYFILE_Z85_LEN + 1 bytes).
 * sec, when not NULL, receives the secret key and then the file must hold
 * one, must match the public key, and must not be readable by group or
 * others (ISA_ERR_PERM).  On any error err (errlen bytes) holds one line
 * naming the file (and line) and what to do, and pub and sec are wiped.
 * Returns 0, ISA_ERR_NOTFOUND, ISA_ERR_IO, ISA_ERR_PERM or ISA_ERR_PARSE.
 */
__attribute__((warn_unused_result))
int keyfile_read(const char *path, char *pub, char *sec, char *err,
    size_t errlen);

/* Whether s is exactly one well-formed Z85 CURVE key (40 characters). */
int keyfile_z85_valid(const char *s);

#endif
