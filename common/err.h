/* err.h: the project's error codes and their one strerror (LMDB's error group). */
#ifndef ISA_COMMON_ERR_H
#define ISA_COMMON_ERR_H

#include <stddef.h>

/*
 * Every function that can fail returns int: 0 on success, one of these
 * negative codes otherwise.  Loaders that can say more (file:line) also fill
 * a caller-supplied message buffer.
 */
enum isa_err {
	ISA_OK = 0,
	ISA_ERR_NOMEM = -1,	/* an allocation failed */
	ISA_ERR_IO = -2,	/* a read, write or fsync failed: errno says why */
	ISA_ERR_PARSE = -3,	/* malformed input */
	ISA_ERR_PERM = -4,	/* a secret file is readable by group or others */
	ISA_ERR_NOTFOUND = -5,	/* no such file, user, key or object */
	ISA_ERR_EXISTS = -6,	/* refusing to overwrite */
	ISA_ERR_RANGE = -7,	/* a size or value out of range */
	ISA_ERR_CRYPTO = -8,	/* a cryptographic operation failed */
	ISA_ERR_BUSY = -9,	/* a lock is held by another process */
	ISA_ERR_CONFIG = -10,	/* a configuration file is wrong */
	ISA_ERR_INVAL = -11,	/* an invalid argument */
	ISA_ERR_TIMEOUT = -12,	/* no answer in time */
	ISA_ERR_PROTO = -13,	/* the peer broke the protocol */
	ISA_ERR_FULL = -14,	/* the store (LMDB map) is full */
	ISA_ERR_SCHEMA = -15,	/* data written by a newer version */
	ISA_ERR_PANIC = -16,	/* the store failed mid-commit: it must be
				 * reopened, and that commit may have landed */
	ISA_ERR_DISKFULL = -17,	/* the disk (or the quota) has no room left */
};

/* A static, human sentence for err; never NULL. */
const char *isa_strerror(int err);

/* Format one line into err (errlen bytes, truncated); nothing when err is
 * NULL or errlen is 0: how functions fill their callers' error buffers. */
void isa_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
