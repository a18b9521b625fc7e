/* err.c: the one strerror for the project's error codes, and filling an error buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

const char *
isa_strerror(int err)
{
	switch (err) {
	case ISA_OK: return "success";
	case ISA_ERR_NOMEM: return "out of memory";
	case ISA_ERR_IO: return "input/output error";
	case ISA_ERR_PARSE: return "malformed input";
	case ISA_ERR_PERM: return "file is readable by group or others";
	case ISA_ERR_NOTFOUND: return "not found";
	case ISA_ERR_EXISTS: return "already exists";
	case ISA_ERR_RANGE: return "value out of range";
	case ISA_ERR_CRYPTO: return "cryptographic operation failed";
	case ISA_ERR_BUSY: return "in use by another process";
	case ISA_ERR_CONFIG: return "configuration error";
	case ISA_ERR_INVAL: return "invalid argument";
	case ISA_ERR_TIMEOUT: return "timed out";
	case ISA_ERR_PROTO: return "protocol error";
	case ISA_ERR_FULL: return "the store is full";
	case ISA_ERR_SCHEMA: return "written by a newer version of isad";
	case ISA_ERR_PANIC: return "the store failed in the middle of a commit";
	case ISA_ERR_DISKFULL: return "the disk is full";
	}
	return "unknown error";
}

void
isa_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
