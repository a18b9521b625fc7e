/* store.c: all of isad's persistent state in one LMDB environment: a small key-value interface. */
#include <errno.h>
#include <lmdb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "daemon/store/store.h"
#include "daemon/store/store_priv.h"

const char *const store_db_names[STORE_NDBS_] = {
	"meta", "docs", "chunks", "sha", "audit", "requests", "inbox",
	"access", "marks", "reqsee", "audix", "dates",
	"uploads",
};

/* Map an LMDB result to ours. */
int
store_err(int rc)
{
	switch (rc) {
	case MDB_SUCCESS: return 0;
	case MDB_NOTFOUND: return ISA_ERR_NOTFOUND;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case EFBIG: return ISA_ERR_FULL;
	case ENOSPC:
	case EDQUOT: return ISA_ERR_DISKFULL;
	case ENOMEM: return ISA_ERR_NOMEM;
	case MDB_VERSION_MISMATCH:
	case MDB_INVALID: return ISA_ERR_SCHEMA;
	case MDB_PANIC: return ISA_ERR_PANIC;
	default: return ISA_ERR_IO;
	}
}

int
store_check_schema(store_t *s, char *err, size_t errlen)
{
	store_txn_t *t = NULL;
	const void *v = NULL;
	size_t vl = 0;
	uint8_t mine[4] = { 0, 0, 0, STORE_SCHEMA_VERSION };
	uint32_t theirs;
	int rc;

	if ((rc = store_txn_begin(s, true, &t)) != 0)
		goto fail;
	rc = store_get(t, STORE_META, "schema", 6, &v, &vl);
	if (rc == ISA_ERR_NOTFOUND) {
		if ((rc = store_put(t, STORE_META, "schema", 6, mine, 4)) != 0)
			goto fail;
		return store_txn_commit(t) == 0 ? 0 : ISA_ERR_IO;
	}
	if (rc != 0 || vl != 4)
		goto fail;
	theirs = (uint32_t)((const uint8_t *)v)[0] << 24 |
	    (uint32_t)((const uint8_t *)v)[1] << 16 |
	    (uint32_t)((const uint8_t *)v)[2] << 8 | ((const uint8_t *)v)[3];
	if (theirs < STORE_SCHEMA_VERSION) {
		/* An older store: its indexes are built in the same commit
		 * that writes the new version, so a crash leaves either. */
		if ((rc = store_upgrade(t, theirs)) != 0 ||
		    (rc = store_put(t, STORE_META, "schema", 6, mine, 4)) != 0)
			store_txn_abort(t);
		else
			rc = store_txn_commit(t);	/* frees t either way */
		if (rc != 0) {
			snprintf(err, errlen, "cannot upgrade the store from "
			    "schema %u to %d: %s", theirs,
			    STORE_SCHEMA_VERSION, isa_strerror(rc));
			return rc;
		}
		return 0;
	}
	store_txn_abort(t);
	if (theirs > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "the store in this data dir has schema %u, "
		    "written by a newer isad; this isad knows schema %d: run "
		    "the newer isad", theirs, STORE_SCHEMA_VERSION);
		return ISA_ERR_SCHEMA;
	}
	return 0;
fail:
	store_txn_abort(t);
	snprintf(err, errlen, "cannot read the store's schema version: %s",
	    isa_strerror(rc != 0 ? rc : ISA_ERR_PARSE));
	return rc != 0 ? rc : ISA_ERR_PARSE;
}

int
store_open(const char *dir, int64_t map_size, store_t **out, char *err,
    size_t errlen)
{
	store_t *s = calloc(1, sizeof(*s));
	MDB_txn *txn = NULL;
	int rc;

	*out = NULL;
	if (s == NULL)
		return ISA_ERR_NOMEM;
	if ((rc = mdb_env_create(&s->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(s->env, 16)) != 0 ||
	    (rc = mdb_env_set_mapsize(s->env, (size_t)map_size)) != 0 ||
	    (rc = mdb_env_set_maxreaders(s->env, 256)) != 0 ||
	    (rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600)) != 0) {
		snprintf(err, errlen, "cannot open the store in %s: %s", dir,
		    mdb_strerror(rc));
		goto fail;
	}
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		goto lmdb_fail;
	for (int i = 0; i < STORE_NDBS_; i++)
		if ((rc = mdb_dbi_open(txn, store_db_names[i], MDB_CREATE,
		    &s->dbi[i])) != 0)
			goto lmdb_fail;
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		goto lmdb_fail;
	if ((rc = store_check_schema(s, err, errlen)) != 0) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
lmdb_fail:
	snprintf(err, errlen, "cannot set up the store in %s: %s", dir,
	    mdb_strerror(rc));
	if (txn != NULL)
		mdb_txn_abort(txn);
fail:
	rc = store_err(rc);
	store_close(s);
	return rc;
}

void
store_close(store_t *s)
{
	if (s == NULL)
		return;
	if (s->env != NULL)
		mdb_env_close(s->env);
	free(s);
}

static int
txn_new(store_t *s, unsigned flags, store_txn_t **out)
{
	store_txn_t *t = calloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	if (t == NULL)
		return ISA_ERR_NOMEM;
	t->s = s;
	t->write = !(flags & MDB_RDONLY);
	if ((rc = mdb_txn_begin(s->env, NULL, flags, &t->txn)) != 0) {
		free(t);
		return store_err(rc);
	}
	*out = t;
	return 0;
}

int
store_txn_begin(store_t *s, bool write, store_txn_t **out)
{
	int rc;

	if (atomic_load(&s->failed)) {	/* as LMDB does, once it has */
		*out = NULL;
		return ISA_ERR_PANIC;
	}
	rc = txn_new(s, write ? 0 : MDB_RDONLY, out);
	if (rc == ISA_ERR_PANIC)
		atomic_store(&s->failed, true);
	return rc;
}

/*
 * After a failed commit: did LMDB give the environment up?  It does when
 * writing the meta page fails, and then the commit may or may not be on
 * the disk; a failed sync of the pages before it changes nothing.
 */
static int
commit_failed(store_t *s, int rc)
{
	MDB_txn *probe;
	int r = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &probe);

	if (r == 0)
		mdb_txn_abort(probe);
	if (r == MDB_PANIC) {
		atomic_store(&s->failed, true);
		return ISA_ERR_PANIC;
	}
	return store_disk_fault(s, store_err(rc), rc);
}

int
store_txn_commit(store_txn_t *t)
{
	store_t *s = t->s;
	bool write = t->write;
	int rc;

#ifdef ISA_TEST_BUILD
	/* Test builds only: while the file $ISAD_TEST_COMMIT_FAULT names
	 * exists, write commits fail as they do when LMDB's sync of the new
	 * pages fails (nothing committed), or, when the file says "panic",
	 * as when its write of the meta page fails (committed, and LMDB
	 * refuses every transaction after). */
	const char *fault = getenv("ISAD_TEST_COMMIT_FAULT");
	char how[8] = "";
	FILE *f;

	if (write && fault != NULL && (f = fopen(fault, "r")) != NULL) {
		if (fgets(how, sizeof(how), f) == NULL)
			how[0] = '\0';
		fclose(f);
		if (strncmp(how, "panic", 5) == 0) {
			rc = mdb_txn_commit(t->txn);
			atomic_store(&s->failed, true);
			free(t);
			return rc == 0 ? ISA_ERR_PANIC : store_err(rc);
		}
		mdb_txn_abort(t->txn);
		free(t);
		return store_disk_fault(s, ISA_ERR_IO, EIO);
	}
#endif
	rc = mdb_txn_commit(t->txn);
	free(t);
	if (rc != 0 && write)
		return commit_failed(s, rc);
	return store_err(rc);
}

bool
store_failed(store_t *s)
{
	return atomic_load(&s->failed);
}

void
store_txn_abort(store_txn_t *t)
{
	if (t == NULL)
		return;
	mdb_txn_abort(t->txn);
	free(t);
}

int
store_get(store_txn_t *t, store_db_t db, const void *key, size_t klen,
    const void **val, size_t *vlen)
{
	MDB_val k = { klen, (void *)(uintptr_t)key }, v;
	int rc = mdb_get(t->txn, t->s->dbi[db], &k, &v);

	if (rc != 0)
		return store_err(rc);
	*val = v.mv_data;
	*vlen = v.mv_size;
	return 0;
}

int
store_put(store_txn_t *t, store_db_t db, const void *key, size_t klen,
    const void *val, size_t vlen)
{
	MDB_val k = { klen, (void *)(uintptr_t)key };
	MDB_val v = { vlen, (void *)(uintptr_t)val };

	return store_err(mdb_put(t->txn, t->s->dbi[db], &k, &v, 0));
}

int
store_del(store_txn_t *t, store_db_t db, const void *key, size_t klen)
{
	MDB_val k = { klen, (void *)(uintptr_t)key };
	int rc = mdb_del(t->txn, t->s->dbi[db], &k, NULL);

	return rc == MDB_NOTFOUND ? 0 : store_err(rc);
}

int
store_del_prefix(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen)
{
	MDB_cursor *c;
	MDB_val k = { plen, (void *)(uintptr_t)prefix }, v;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c)) != 0)
		return store_err(rc);
	/* An empty prefix: every key (LMDB has no empty key to seek to). */
	rc = mdb_cursor_get(c, &k, &v, plen > 0 ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0 && k.mv_size >= plen &&
	    memcmp(k.mv_data, prefix, plen) == 0) {
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_CURRENT);
		if (rc == EINVAL)	/* deleted the last item */
			rc = MDB_NOTFOUND;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : store_err(rc);
}

int
store_iter(store_txn_t *t, store_db_t db, const void *start, size_t slen,
    store_iter_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k = { slen, (void *)(uintptr_t)start }, v;
	int rc, stop = 0;

	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c)) != 0)
		return store_err(rc);
	rc = mdb_cursor_get(c, &k, &v, start != NULL ? MDB_SET_RANGE :
	    MDB_FIRST);
	while (rc == 0 && !stop) {
		stop = fn(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
		if (!stop)
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (stop)
		return stop;
	return rc == MDB_NOTFOUND ? 0 : store_err(rc);
}

/* prefix || id in key (STORE_INDEX_KEY_MAX bytes); its length, or 0 when
 * too long. */
static size_t
index_key(uint8_t *key, const void *prefix, size_t plen, const uint8_t *id)
{
	if (plen > STORE_INDEX_KEY_MAX - 16)
		return 0;
	memcpy(key, prefix, plen);
	memcpy(key + plen, id, 16);
	return plen + 16;
}

int
store_index_put(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16])
{
	return store_index_set(t, db, prefix, plen, id, "", 0);
}

int
store_index_set(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16], const void *val, size_t vlen)
{
	uint8_t key[STORE_INDEX_KEY_MAX];
	size_t klen = index_key(key, prefix, plen, id);

	return klen == 0 ? ISA_ERR_RANGE : store_put(t, db, key, klen, val,
	    vlen);
}

int
store_index_has(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16])
{
	uint8_t key[STORE_INDEX_KEY_MAX];
	size_t klen = index_key(key, prefix, plen, id);
	const void *v;
	size_t vl;

	return klen == 0 ? ISA_ERR_NOTFOUND : store_get(t, db, key, klen, &v,
	    &vl);
}

int
store_index_del(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t id[16])
{
	uint8_t key[STORE_INDEX_KEY_MAX];
	size_t klen = index_key(key, prefix, plen, id);

	return klen == 0 ? 0 : store_del(t, db, key, klen);
}

int
store_index_each(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, store_index_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k = { plen, (void *)(uintptr_t)prefix }, v;
	int rc, stop = 0;

	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c)) != 0)
		return store_err(rc);
	rc = mdb_cursor_get(c, &k, &v, plen > 0 ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0 && !stop && k.mv_size == plen + 16 &&
	    memcmp(k.mv_data, prefix, plen) == 0) {
		stop = fn(arg, (const uint8_t *)k.mv_data + plen);
		if (!stop)
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (stop)
		return stop;
	return rc == MDB_NOTFOUND ? 0 : store_err(rc);
}

size_t
store_count(store_txn_t *t, store_db_t db)
{
	MDB_stat st;

	if (mdb_stat(t->txn, t->s->dbi[db], &st) != 0)
		return 0;
	return st.ms_entries;
}

/* How far ahead of LMDB's last page store_reserve keeps the file written. */
#define RESERVE_LOW	((uint64_t)2 << 20)	/* top up below this ... */
#define RESERVE_HIGH	((uint64_t)4 << 20)	/* ... to this */
#define RESERVE_BULK	((uint64_t)256 << 10)	/* not after a commit this big */
#define ZEROS_LEN	65536

/* Write zeros to fd over [from, to). */
static int
write_zeros(int fd, uint64_t from, uint64_t to)
{
	static const uint8_t zeros[ZEROS_LEN];

	while (from < to) {
		size_t n = to - from < ZEROS_LEN ? (size_t)(to - from) :
		    ZEROS_LEN;
		ssize_t w = pwrite(fd, zeros, n, (off_t)from);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		from += (uint64_t)w;
	}
	return 0;
}

/*
 * Pages LMDB adds at the end of data.mdb change the file's size and
 * allocate its blocks, so the commit's fdatasync must also write the
 * inode, one more synchronous write per commit.  Written zeros ahead of
 * the last page spare the commits that: they overwrite blocks that exist
 * (as PostgreSQL zero-fills a WAL segment before it uses it), when commits
 * are small: after a big one (an upload) it writes none.  LMDB never
 * reads past its last page, and the zeros are written inside a write
 * transaction, under LMDB's writer lock, so no commit can write there
 * at the same time.
 */
int
store_reserve(store_t *s)
{
	MDB_envinfo info;
	MDB_stat st;
	MDB_txn *txn;
	struct stat sb;
	uint64_t used, grew, end, from;
	int fd, rc;

	if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env, &st) != 0)
		return ISA_ERR_IO;
	used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	grew = used - (used > s->last_used ? s->last_used : used);
	s->last_used = used;
	/* Zeros pay for small commits; one this big (an upload's chunks)
	 * would write every byte twice to save one inode write. */
	if (grew > RESERVE_BULK)
		return 0;
	if (used + RESERVE_LOW <= s->zeroed_end || used < s->retry_at ||
	    s->zeroed_end >= (uint64_t)info.me_mapsize)
		return 0;
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		return store_err(rc);
	/* Under the writer lock now: the last page cannot move. */
	if ((rc = mdb_env_info(s->env, &info)) != 0 ||
	    (rc = mdb_env_get_fd(s->env, &fd)) != 0)
		goto out;
	used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	end = used + RESERVE_HIGH;
	if (end > (uint64_t)info.me_mapsize)
		end = (uint64_t)info.me_mapsize;
	if (fstat(fd, &sb) != 0) {
		rc = errno;
		goto out;
	}
	from = (uint64_t)sb.st_size > used ? (uint64_t)sb.st_size : used;
	if (from < end && (rc = write_zeros(fd, from, end)) != 0)
		goto out;
	s->zeroed_end = from > end ? from : end;
	s->retry_at = 0;
out:
	mdb_txn_abort(txn);
	if (rc != 0)
		s->retry_at = used + RESERVE_LOW;
	return store_disk_fault(s, store_err(rc), rc);
}
