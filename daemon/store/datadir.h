/* datadir.h: the data directory: creating it (isad init) and holding it exclusively (isad). */
#ifndef ISA_DAEMON_DATADIR_H
#define ISA_DAEMON_DATADIR_H

#include <stddef.h>

/*
 * Create dir, mode 0700, or adopt it if it exists and is empty (it is then
 * set to 0700).  A non-empty dir is refused (ISA_ERR_EXISTS): init never
 * overwrites a deployment.  Returns 0, ISA_ERR_EXISTS or ISA_ERR_IO, with
 * one line in err.
 */
__attribute__((warn_unused_result))
int datadir_create(const char *dir, char *err, size_t errlen);

/*
 * Take the exclusive lock on dir (DATA_DIR/isad.lock, which records our pid)
 * for the life of the process.  A second isad on the same dir gets
 * ISA_ERR_BUSY with a sentence naming the holder's pid.  Returns the lock's
 * file descriptor (>= 0), or a negative ISA_ERR_*.
 */
__attribute__((warn_unused_result))
int datadir_lock(const char *dir, char *err, size_t errlen);

/*
 * Whether an isad holds dir's lock, asked without touching it (a lock
 * taken even for a moment could make a starting isad refuse to start):
 * the kernel's table of locks (/proc/locks) is searched for isad.lock's
 * inode.  Returns 1 and *pid (the holder's, 0 when the table does not say),
 * 0 (no isad holds it, or there is no isad.lock), or ISA_ERR_IO when the
 * table cannot be read.
 */
__attribute__((warn_unused_result))
int datadir_holder(const char *dir, long *pid);

/*
 * Refuse (ISA_ERR_PERM, one line in err naming the owner) to work in dir
 * as anyone but its owner: a reader of the store may have to create
 * LMDB's lock.mdb, and one made by root would lock isad out.  0, or
 * ISA_ERR_NOTFOUND / ISA_ERR_IO (cannot stat dir) / ISA_ERR_PERM.
 */
__attribute__((warn_unused_result))
int datadir_check_owner(const char *dir, char *err, size_t errlen);

/* A path inside dir: *out = dir "/" name, malloc'd. 0 or ISA_ERR_NOMEM. */
__attribute__((warn_unused_result))
int datadir_path(const char *dir, const char *name, char **out);

#endif
