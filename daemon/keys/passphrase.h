/* passphrase.h: the master key's passphrase, from a file or the environment, never the command line. */
#ifndef ISA_DAEMON_PASSPHRASE_H
#define ISA_DAEMON_PASSPHRASE_H

#include <stddef.h>

#pragma GCC visibility push(default)

#define PASSPHRASE_MAX 1024
#define PASSPHRASE_ENV "ISAD_MASTER_PASSPHRASE"

/*
 * The passphrase that wraps the master key, into buf (PASSPHRASE_MAX
 * bytes; the caller wipes it) and *len: from file (isad.conf
 * master_passphrase_file, which must be 0600 or stricter; one trailing
 * newline dropped) when not NULL, else from $ISAD_MASTER_PASSPHRASE, which
 * is unset at once.  *len 0 when there is none.  Returns 0, or ISA_ERR_*
 * with one line in err.
 */
__attribute__((warn_unused_result))
int passphrase_get(const char *file, char *buf, size_t *len, char *err,
    size_t errlen);

#pragma GCC visibility pop

#endif
