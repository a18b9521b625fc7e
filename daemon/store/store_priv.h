/* store_priv.h: what store.c shares with store_ro.c alone: the environment's struct and LMDB's errors mapped to ours. */
#ifndef ISA_DAEMON_STORE_PRIV_H
#define ISA_DAEMON_STORE_PRIV_H

#include <lmdb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Included after store.h (not from it: the two would be a circle). */
#ifndef ISA_DAEMON_STORE_H
#error "include daemon/store/store.h before store_priv.h"
#endif

struct store {
	MDB_env *env;
	MDB_dbi dbi[STORE_NDBS_];
	uint64_t zeroed_end;	/* the file's known zeroed end (store_reserve) */
	uint64_t retry_at;	/* after a failed reservation: the used size at
				 * which to try again */
	uint64_t last_used;	/* the used size store_reserve saw last */
	_Atomic bool failed;	/* LMDB refuses the environment (MDB_PANIC) */
	_Atomic uint64_t disk_free;	/* bytes free on the data dir's disk
					 * when a write last failed for want
					 * of room (store_disk.c) */
	_Atomic bool disk_quota;	/* and whether a quota was the cause */
};

struct store_txn {
	store_t *s;
	MDB_txn *txn;
	bool write;
};

/* The named databases' names, by store_db_t. */
extern const char *const store_db_names[STORE_NDBS_];

/* An LMDB result as ISA_ERR_* (0 for MDB_SUCCESS). */
int store_err(int rc);

/* Check (and, for an older store, upgrade) the schema of a store opened
 * read-write.  Returns 0 or ISA_ERR_* with one line in err. */
__attribute__((warn_unused_result))
int store_check_schema(store_t *s, char *err, size_t errlen);

/*
 * What a failed write of the store's file says, told truly: an I/O error
 * (LMDB reports a short write as EIO) or a full disk, judged from the
 * disk holding the data dir (store_disk.c).  rc is the write's ISA_ERR_*,
 * sys its errno where known (EDQUOT: the quota, not the disk).  Returns rc,
 * or ISA_ERR_DISKFULL, noting the bytes free and whether a quota is the
 * cause, for store_fault_text.
 */
int store_disk_fault(store_t *s, int rc, int sys);

#endif
