/* store_ro.c: the store seen from outside isad: a read-only open beside it, a hot compacted copy, how full the map is. */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/paths.h"
#include "daemon/store/store.h"
#include "daemon/store/store_priv.h"

/* The schema as a read transaction sees it: 0 when absent or damaged. */
static uint32_t
schema_of(MDB_txn *txn, MDB_dbi meta)
{
	MDB_val k = { 6, (void *)(uintptr_t)"schema" }, v;
	const uint8_t *b;

	if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size != 4)
		return 0;
	b = v.mv_data;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* Open every named database in a read transaction; refuse a schema other
 * than ours (the one case a reader can do nothing about is newer; an older
 * one lacks indexes isad makes at its next start). */
static int
open_dbis(store_t *s, const char *dir, char *err, size_t errlen)
{
	MDB_txn *txn = NULL;
	uint32_t schema;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0)
		goto lmdb_fail;
	if ((rc = mdb_dbi_open(txn, store_db_names[STORE_META], 0,
	    &s->dbi[STORE_META])) != 0)
		goto lmdb_fail;
	schema = schema_of(txn, s->dbi[STORE_META]);
	if (schema != STORE_SCHEMA_VERSION) {
		if (schema > STORE_SCHEMA_VERSION)
			snprintf(err, errlen, "the store in %s has schema %u, "
			    "written by a newer isad; this isad knows schema "
			    "%d: use the newer isad", dir, schema,
			    STORE_SCHEMA_VERSION);
		else
			snprintf(err, errlen, "the store in %s has schema %u; "
			    "this isad reads schema %d: start isad once to "
			    "upgrade it, then run this again", dir, schema,
			    STORE_SCHEMA_VERSION);
		mdb_txn_abort(txn);
		return ISA_ERR_SCHEMA;
	}
	for (int i = 0; i < STORE_NDBS_; i++)
		if ((rc = mdb_dbi_open(txn, store_db_names[i], 0,
		    &s->dbi[i])) != 0)
			goto lmdb_fail;
	/* A read transaction's commit keeps the handles it opened. */
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc == 0)
		return 0;
lmdb_fail:
	if (txn != NULL)
		mdb_txn_abort(txn);
	snprintf(err, errlen, "cannot read the store in %s: %s", dir,
	    rc == MDB_NOTFOUND ? "a database is missing (damaged store?)" :
	    mdb_strerror(rc));
	return rc == MDB_NOTFOUND ? ISA_ERR_PARSE : store_err(rc);
}

int
store_open_readonly(const char *dir, int64_t map_size, bool nolock,
    store_t **out, char *err, size_t errlen)
{
	store_t *s = NULL;
	char *data = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	/* Checked first: LMDB would create lock.mdb before it finds no
	 * data.mdb, and a status must leave an empty dir empty. */
	if (paths_join(dir, "data.mdb", &data) != 0)
		return ISA_ERR_NOMEM;
	if (stat(data, &st) != 0) {
		rc = errno == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
		snprintf(err, errlen, "%s: %s", data, errno == ENOENT ?
		    "no store here (isad makes it at its first start, in "
		    "the data_dir `isad init` made)" : strerror(errno));
		free(data);
		return rc;
	}
	free(data);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ISA_ERR_NOMEM;
	if ((rc = mdb_env_create(&s->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(s->env, 16)) != 0 ||
	    (map_size > 0 &&
	    (rc = mdb_env_set_mapsize(s->env, (size_t)map_size)) != 0) ||
	    (rc = mdb_env_open(s->env, dir, MDB_RDONLY | MDB_NOTLS |
	    (nolock ? MDB_NOLOCK : 0), 0600)) != 0) {
		snprintf(err, errlen, "cannot open the store in %s: %s", dir,
		    rc == EACCES ? "permission denied (run this as the user "
		    "isad runs as)" : mdb_strerror(rc));
		rc = store_err(rc);
		store_close(s);
		return rc;
	}
	/* Free the reader slots of processes that died holding one (a backup
	 * killed mid-copy): until then they pin pages isad cannot reuse. */
	if (!nolock) {
		int dead = 0;

		(void)mdb_reader_check(s->env, &dead);
	}
	if ((rc = open_dbis(s, dir, err, errlen)) != 0) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
store_copy(store_t *s, int fd)
{
	int rc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);

	if (rc == 0 && fsync(fd) != 0)
		rc = errno;
	if (close(fd) != 0 && rc == 0)
		rc = errno;
	return store_err(rc);
}

int
store_space(store_t *s, store_txn_t *t, store_space_t *out)
{
	MDB_envinfo info;
	MDB_stat st;
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t listed = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = mdb_env_info(s->env, &info)) != 0 ||
	    (rc = mdb_env_stat(s->env, &st)) != 0)
		return store_err(rc);
	/* LMDB's free list (database 0): each value a count and that many
	 * page numbers (as mdb_stat -f counts them). */
	if ((rc = mdb_cursor_open(t->txn, 0, &c)) != 0)
		return store_err(rc);
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		size_t n;

		if (v.mv_size >= sizeof(n)) {
			memcpy(&n, v.mv_data, sizeof(n));
			listed += n;
		}
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return store_err(rc);
	out->map_bytes = info.me_mapsize;
	out->page_size = st.ms_psize;
	out->pages_used = (uint64_t)info.me_last_pgno + 1;
	out->pages_used -= listed < out->pages_used ? listed : 0;
	out->pages_free_listed = listed;
	return 0;
}

uint32_t
store_schema(store_txn_t *t)
{
	return schema_of(t->txn, t->s->dbi[STORE_META]);
}
