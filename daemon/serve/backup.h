/* backup.h: `isad backup`: a hot, consistent, compacted copy of a data dir, with its manifest, while isad serves. */
#ifndef ISA_DAEMON_BACKUP_H
#define ISA_DAEMON_BACKUP_H

#include <stdbool.h>

#include "daemon/ctx/config.h"

/*
 * Back cfg's data dir up into the new directory out (0700, files 0600):
 * data.mdb, a compacted copy of the store as one read transaction saw it
 * (isad may be serving and writing: its lock is not taken); the server and
 * audit signing key files and the audit public key; master.key only when
 * with_master_key; and manifest.json (the audit tree's size and root, the
 * master key's id, the schema, the time, each file's size and SHA-256),
 * all read from the copy itself, so that they describe exactly it.
 * Everything is written into out.partial, which becomes out by one rename
 * once the manifest is in it: a backup cut off at any point leaves no out
 * and no manifest beside a copy.  An existing out, or a left-over
 * out.partial, is refused.  Prints one summary line on stdout and every
 * error as one line on stderr.  Returns the exit status: 0, or 1.
 */
int backup_run(const isad_config_t *cfg, const char *out,
    bool with_master_key);

#endif
