/* store.h: all of isad's persistent state in one LMDB environment: a small key-value interface. */
#ifndef ISA_DAEMON_STORE_H
#define ISA_DAEMON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * store.c is the only file that includes lmdb.h.  Everything persistent
 * lives in one environment (DATA_DIR/data.mdb) so that a state change and
 * its audit record commit in one transaction.  Write transactions belong to
 * the writer thread alone (writer.h); read transactions may be used by any
 * thread, one at a time each (the environment is opened MDB_NOTLS).
 */

/* 2: the content index holds every document per SHA-256, and the access,
 * marking and request indexes exist; 3: the indexes of DESIGN §15 (the
 * access and request indexes carry state, the audit and date indexes
 * exist).  An older store is brought up to date at open (store_upgrade,
 * upgrade.c). */
#define STORE_SCHEMA_VERSION 3

typedef struct store store_t;
typedef struct store_txn store_txn_t;

/* The named databases. */
typedef enum {
	STORE_META = 0,		/* "schema", "kek_id", ... */
	STORE_DOCS,		/* doc id (16) -> StoredDoc */
	STORE_CHUNKS,		/* doc id (16) || index (8, BE) -> sealed chunk */
	STORE_SHA,		/* SHA-256 (32) || doc id (16) -> "": every
				 * document not destroyed holding those bytes */
	STORE_AUDIT,		/* seq (8, BE) -> AuditRecord */
	STORE_REQUESTS,		/* request id (16) -> StoredRequest */
	STORE_INBOX,		/* user id, NUL, seq (8, BE) -> StoredInbox */
	STORE_ACCESS,		/* ["gone "] principal key, NUL, doc id (16)
				 * -> state, classification, embargo: who
				 * could be on a document's list (docindex.h) */
	STORE_MARKS,		/* doc id (16) -> SHA-256 (32), marking line;
				 * 'r' || request id (16) -> target, NUL,
				 * marking: for refusals' audit records */
	STORE_REQSEE,		/* prefix, NUL, request id (16) -> its state
				 * (one byte; "" for a pending-only key): who
				 * may see a request, which are pending
				 * (reqindex.h) */
	STORE_AUDIX,		/* the audit records by document, actor, ...:
				 * auditindex.h */
	STORE_DATES,		/* documents by the date something is due to
				 * them (retention, review, embargo):
				 * dateindex.h */
	STORE_UPLOADS,		/* doc id (16) -> "": an upload under way (its
				 * chunks stored, its record not yet) */
	STORE_NDBS_
} store_db_t;

/*
 * Open (creating if need be) the environment in dir with a map of map_size
 * bytes, its files mode 0600.  Writes the schema version into a new store;
 * refuses one written by a newer schema (ISA_ERR_SCHEMA).  Returns 0 and
 * *out, or ISA_ERR_* with one line in err.
 */
__attribute__((warn_unused_result))
int store_open(const char *dir, int64_t map_size, store_t **out, char *err,
    size_t errlen);

/* Close; every transaction must have ended.  NULL accepted. */
void store_close(store_t *s);

/* Begin a transaction: read-only, or read-write (writer thread only).
 * Returns 0, ISA_ERR_FULL, ISA_ERR_IO, ISA_ERR_PANIC (store_failed).  End
 * it with commit or abort. */
__attribute__((warn_unused_result))
int store_txn_begin(store_t *s, bool write, store_txn_t **out);

/* Commit (durably, for a top-level write transaction: the new pages and
 * then the meta page that points at them are synced to disk) and free.
 * Returns 0, ISA_ERR_FULL (the map is full), ISA_ERR_DISKFULL (the disk
 * holding the data dir is: store_fault_text says how much is free),
 * ISA_ERR_IO (nothing committed) or ISA_ERR_PANIC (the meta page's write failed: the commit
 * may have landed, and LMDB refuses every transaction from now on:
 * store_failed).  The transaction is freed either way.  Test builds:
 * $ISAD_TEST_COMMIT_FAULT, see store.c. */
__attribute__((warn_unused_result))
int store_txn_commit(store_txn_t *t);

/*
 * A failed commit's rc in words for the user and the log: for
 * ISA_ERR_DISKFULL "the disk holding DIR is full (N bytes free)", with N
 * measured when it failed; else isa_strerror(rc).  Any thread.
 */
void store_fault_text(store_t *s, int rc, char *buf, size_t len);

/* True once LMDB has given the environment up (ISA_ERR_PANIC): only a
 * reopen, which reads what the disk holds, serves again.  Any thread. */
bool store_failed(store_t *s);

/* Abandon and free; NULL accepted. */
void store_txn_abort(store_txn_t *t);

/*
 * Look key up in db.  On 0, *val and *vlen point into the map: valid only
 * until the transaction ends or (write) changes that key; never write
 * through it.  Returns ISA_ERR_NOTFOUND when absent.
 */
__attribute__((warn_unused_result))
int store_get(store_txn_t *t, store_db_t db, const void *key, size_t klen,
    const void **val, size_t *vlen);

/* Set key to val (copied).  Returns 0, ISA_ERR_FULL, ISA_ERR_IO. */
__attribute__((warn_unused_result))
int store_put(store_txn_t *t, store_db_t db, const void *key, size_t klen,
    const void *val, size_t vlen);

/* Delete key; absent is not an error.  Returns 0 or ISA_ERR_IO/FULL. */
__attribute__((warn_unused_result))
int store_del(store_txn_t *t, store_db_t db, const void *key, size_t klen);

/* Delete every key beginning with prefix (plen 0: every key).  Returns 0
 * or ISA_ERR_*. */
__attribute__((warn_unused_result))
int store_del_prefix(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen);

/*
 * Call fn for each key >= start (start NULL: from the first) in key order,
 * until fn returns non-zero (which store_iter then returns) or the keys run
 * out (0).  The pointers fn gets are valid only during the call.
 */
typedef int (*store_iter_fn)(void *arg, const void *key, size_t klen,
    const void *val, size_t vlen);
__attribute__((warn_unused_result))
int store_iter(store_txn_t *t, store_db_t db, const void *start, size_t slen,
    store_iter_fn fn, void *arg);

/*
 * Keep written zeros in data.mdb ahead of LMDB's last page (topped up to
 * 4 MiB ahead when less than 2 MiB is left, never past the map), so that
 * commits overwrite blocks the file has instead of growing it: a commit
 * then syncs no inode.  Nothing is written after a commit that grew the
 * store by more than 256 KiB (zeros would double an upload's writes).
 * Cheap when there is nothing to do; writer thread
 * only, between transactions (it takes the write lock while it writes).
 * Returns 0, or ISA_ERR_FULL / ISA_ERR_IO when the zeros cannot be
 * written (a full disk, a file size limit): commits still work, only
 * slower, and the next attempt waits until the store has grown 2 MiB.
 */
__attribute__((warn_unused_result))
int store_reserve(store_t *s);

/*
 * Indexes: a key is a prefix (a principal's text and a NUL, or a SHA-256)
 * and an id (16 bytes), with an empty value.  store_index_put adds one,
 * store_index_has returns 0 when it is there (else ISA_ERR_NOTFOUND or a
 * store error): one B-tree lookup whether or not it is, store_index_del
 * removes one (absent is no error).  A key longer than STORE_INDEX_KEY_MAX
 * is ISA_ERR_RANGE.  store_index_each calls fn with each id under prefix,
 * in id order, until fn returns non-zero (returned) or they run out (0).
 */
#define STORE_INDEX_KEY_MAX 480
__attribute__((warn_unused_result))
int store_index_put(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16]);
__attribute__((warn_unused_result))
int store_index_has(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16]);
__attribute__((warn_unused_result))
int store_index_del(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16]);
typedef int (*store_index_fn)(void *arg, const uint8_t id[16]);
__attribute__((warn_unused_result))
int store_index_each(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, store_index_fn fn, void *arg);

/*
 * Seeking, for the indexes (store_seek.c): one key and its value, pointing
 * into the map (valid as store_get's).
 */
typedef struct {
	const void *key;
	size_t klen;
	const void *val;
	size_t vlen;
} store_kv_t;

/* The first key of db at or after key (klen bytes; klen 0: the first of
 * all).  Returns 0 and *out, ISA_ERR_NOTFOUND (none) or a store error. */
__attribute__((warn_unused_result))
int store_seek(store_txn_t *t, store_db_t db, const void *key, size_t klen,
    store_kv_t *out);

/* The last key of db before key (klen bytes; key NULL: the last of all).
 * Returns 0 and *out, ISA_ERR_NOTFOUND (none) or a store error. */
__attribute__((warn_unused_result))
int store_seek_before(store_txn_t *t, store_db_t db, const void *key,
    size_t klen, store_kv_t *out);

/* The first id filed under prefix after id after (NULL: the first), into
 * id, with its value (*val, *vlen into the map; either may be NULL).
 * Returns 0, ISA_ERR_NOTFOUND (no more under prefix) or a store error;
 * ISA_ERR_RANGE when prefix is too long for a key. */
__attribute__((warn_unused_result))
int store_index_next(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t *after, uint8_t id[16], const void **val,
    size_t *vlen);

/* As store_index_put, with a value (an index entry's state). */
__attribute__((warn_unused_result))
int store_index_set(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16], const void *val, size_t vlen);

/*
 * Called by store_upgrade before each step of an upgrade, with what it is
 * about to index ("the audit records"): a supervisor can be told to wait
 * longer (systemd's start timeout), the operator what is going on.  NULL
 * (the default): nothing.  Set before store_open; one process-wide hook.
 */
typedef void (*store_progress_fn)(const char *what);
void store_upgrade_progress(store_progress_fn fn);

/*
 * Bring a store of schema from (< STORE_SCHEMA_VERSION) up to date in t,
 * the write transaction store_open then commits with the new version.
 * Defined by the daemon's index code (upgrade.c), which knows the records.
 */
__attribute__((warn_unused_result))
int store_upgrade(store_txn_t *t, uint32_t from);

/* ---- From outside isad (store_ro.c): `isad status` and `isad backup` ---- */

/*
 * Open the store in dir read-only, beside a running isad or without one:
 * LMDB's reader table in DATA_DIR/lock.mdb lets a second process read a
 * consistent snapshot while isad writes; isad's own lock (isad.lock) is not
 * taken.  nolock: no lock.mdb at all (MDB_NOLOCK), only for a copy nobody
 * else opens (a backup).  map_size 0 takes the file's.  Nothing is created:
 * a dir without data.mdb is ISA_ERR_NOTFOUND.  A store written by a newer
 * schema is ISA_ERR_SCHEMA, and so is an older one (isad upgrades it at
 * its next start; its indexes may not exist yet).  Returns 0 and *out
 * (store_close it), or ISA_ERR_* with one line in err.
 */
__attribute__((warn_unused_result))
int store_open_readonly(const char *dir, int64_t map_size, bool nolock,
    store_t **out, char *err, size_t errlen);

/*
 * Write a compacted copy of the store, as one read transaction sees it,
 * to fd (mdb_env_copyfd2 with MDB_CP_COMPACT: free pages left out), which
 * the caller opened, and then syncs and closes.  isad's writer is not held
 * up: the copy takes no write lock.  Returns 0, ISA_ERR_FULL or
 * ISA_ERR_IO (errno as LMDB left it).
 */
__attribute__((warn_unused_result))
int store_copy(store_t *s, int fd);

/* How full the map is, as t sees it: map (bytes), page size, and pages:
 * used (up to the last page written, less the free pages LMDB will reuse),
 * of which reusable (on LMDB's free list). */
typedef struct {
	uint64_t map_bytes;
	uint64_t page_size;
	uint64_t pages_used;
	uint64_t pages_free_listed;
} store_space_t;

/* Fill *out for s as t sees it.  Returns 0 or a store error. */
__attribute__((warn_unused_result))
int store_space(store_t *s, store_txn_t *t, store_space_t *out);

/* The schema version of the store t reads (0 when it has none). */
uint32_t store_schema(store_txn_t *t);

/* Entries in db (for tests and summaries). */
size_t store_count(store_txn_t *t, store_db_t db);

#endif
