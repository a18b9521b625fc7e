/* secfile.h: reading and creating small key files safely: a regular file, not through a link, private when it holds a secret. */
#ifndef ISA_COMMON_SECFILE_H
#define ISA_COMMON_SECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Read the file at path into buf: at most cap - 1 bytes, then a NUL.  It
 * must be a regular file, not reached through a symbolic link, and with
 * need_private one that neither group nor others may read or write.  what
 * names the file in errors ("key file"), secret where it must be private
 * ("secret key file").  Returns 0 with *len set; or ISA_ERR_NOTFOUND,
 * ISA_ERR_IO (errno kept), ISA_ERR_PERM (it is not private: the line says
 * which chmod fixes it) or ISA_ERR_PARSE (too large), with one line naming
 * path in err (errlen bytes; nothing when err is NULL or errlen 0).
 */
__attribute__((warn_unused_result))
int secfile_read(const char *path, const char *what, const char *secret,
    bool need_private, char *buf, size_t cap, size_t *len, char *err,
    size_t errlen);

/*
 * Create a new file at path holding the len bytes at buf, with exactly
 * mode (0600 for a secret, 0644 for a public key, whatever the umask): never
 * over an existing name or through a symbolic link (O_EXCL | O_NOFOLLOW),
 * the data and the directory entry fsynced before it returns, so that the
 * file lasts a crash.  On failure nothing is left at path.  Returns 0,
 * ISA_ERR_EXISTS (path exists) or ISA_ERR_IO, with errno kept.
 */
__attribute__((warn_unused_result))
int secfile_create(const char *path, mode_t mode, const void *buf,
    size_t len);

#endif
