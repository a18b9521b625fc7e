/* procmem.h: a process's resident memory as /proc/PID/status gives it: what it allocated apart from the files it maps. */
#ifndef ISA_DAEMON_PROCMEM_H
#define ISA_DAEMON_PROCMEM_H

#include <stdint.h>

/* Resident memory, in bytes (the kernel counts in KiB). */
typedef struct {
	uint64_t anonymous;	/* RssAnon: heap, stacks, what it allocated */
	uint64_t mapped;	/* RssFile + RssShmem: pages of mapped files
				 * (isad: mostly the store's data.mdb, shmem
				 * when it is on tmpfs; and its program and
				 * libraries), cache the kernel reclaims */
	uint64_t rss;		/* VmRSS: the sum of the two */
} procmem_t;

/*
 * Read process pid's resident memory from /proc/PID/status into *out.
 * Returns 0; ISA_ERR_NOTFOUND when there is no such process (or no /proc);
 * ISA_ERR_PERM when it may not be read (another user's, with /proc mounted
 * hidepid); ISA_ERR_PARSE when a field is missing (a kernel before 4.5);
 * ISA_ERR_IO otherwise.  *out is set only on 0.
 */
__attribute__((warn_unused_result))
int procmem_read(long pid, procmem_t *out);

#endif
