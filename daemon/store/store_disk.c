/* store_disk.c: a write of the store that failed, told truly: a full disk (or quota) as such, with the bytes free, and an I/O error as one. */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/err.h"
#include "daemon/store/store.h"
#include "daemon/store/store_priv.h"

/*
 * Below this much free, a failed write is the disk's lack of room: LMDB
 * writes a commit's pages with pwrite, which on a full disk writes what
 * fits and returns short, and LMDB reports a short write as EIO; by then
 * the disk has less free than one of isad's chunks.
 */
#define DISK_SLACK ((uint64_t)1 << 20)

/* The bytes free on the file system holding dir, to the user isad runs
 * as (root may use the blocks kept back for it); false when unknown. */
static bool
disk_free(const char *dir, uint64_t *out)
{
	struct statvfs sv;

	if (statvfs(dir, &sv) != 0)
		return false;
	*out = (uint64_t)(geteuid() == 0 ? sv.f_bfree : sv.f_bavail) *
	    (uint64_t)sv.f_frsize;
	return true;
}

/* Whether the disk refuses DISK_SLACK more bytes for want of room: 0,
 * or ENOSPC or EDQUOT (a quota, which statvfs does not show).  The probe
 * is a file with no name, gone when closed. */
static int
disk_refuses(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600), rc;

	if (fd < 0)
		return 0;	/* no O_TMPFILE here: statvfs alone */
	rc = posix_fallocate(fd, 0, (off_t)DISK_SLACK);
	close(fd);
	return rc == ENOSPC || rc == EDQUOT ? rc : 0;
}

int
store_disk_fault(store_t *s, int rc, int sys)
{
	const char *dir = NULL;
	uint64_t avail = 0;

	if (rc != ISA_ERR_IO && rc != ISA_ERR_DISKFULL)
		return rc;
	if (mdb_env_get_path(s->env, &dir) != 0 || dir == NULL ||
	    !disk_free(dir, &avail))
		return rc;
	if (rc == ISA_ERR_IO && avail < DISK_SLACK)
		sys = ENOSPC;
	else if (rc == ISA_ERR_IO && (sys = disk_refuses(dir)) == 0)
		return rc;	/* room enough: an I/O error it is */
	atomic_store(&s->disk_free, avail);
	atomic_store(&s->disk_quota, sys == EDQUOT);
	return ISA_ERR_DISKFULL;
}

void
store_fault_text(store_t *s, int rc, char *buf, size_t len)
{
	const char *dir = NULL;

	if (rc != ISA_ERR_DISKFULL ||
	    mdb_env_get_path(s->env, &dir) != 0 || dir == NULL) {
		snprintf(buf, len, "%s", isa_strerror(rc));
		return;
	}
	if (atomic_load(&s->disk_quota))
		snprintf(buf, len, "isad's disk quota on the disk holding %s "
		    "is used up (%llu bytes free on the disk)", dir,
		    (unsigned long long)atomic_load(&s->disk_free));
	else
		snprintf(buf, len, "the disk holding %s is full (%llu bytes "
		    "free)", dir, (unsigned long long)atomic_load(&s->disk_free));
}
