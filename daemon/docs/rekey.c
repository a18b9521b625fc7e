/* rekey.c: a new master key: every data key rewrapped in one transaction, then the key file swapped. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/store/datadir.h"
#include "daemon/keys/keys.h"
#include "daemon/store/records.h"
#include "daemon/keys/passphrase.h"
#include "daemon/docs/rekey.h"
#include "proto/docid.h"

static char *
new_path(const isad_config_t *cfg)
{
	size_t n = strlen(cfg->master_key) + 5;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s.new", cfg->master_key);
	return p;
}

/* Rename from over to and make the rename durable. */
static int
replace_file(const char *from, const char *to)
{
	char *copy = strdup(to);
	int fd, rc = -1;

	if (copy == NULL)
		return -1;
	if (rename(from, to) == 0 &&
	    (fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

static int
meta_kek_id(store_t *s, uint8_t id[CRYPTO_KEK_ID_LEN], bool *have)
{
	store_txn_t *t;
	const void *v;
	size_t l;
	int rc;

	*have = false;
	if ((rc = store_txn_begin(s, false, &t)) != 0)
		return rc;
	rc = records_meta_get(t, RECORDS_META_KEK_ID, &v, &l);
	if (rc == 0 && l == CRYPTO_KEK_ID_LEN) {
		memcpy(id, v, l);
		*have = true;
	}
	store_txn_abort(t);
	return rc == ISA_ERR_NOTFOUND || rc == 0 ? 0 : rc;
}

static void
hex8(const uint8_t *id, char *out)
{
	for (int i = 0; i < CRYPTO_KEK_ID_LEN; i++)
		sprintf(out + 2 * i, "%02x", id[i]);
}

int
rekey_check(const isad_config_t *cfg, store_t *s, keys_t *keys,
    const char *pass, size_t passlen, char *err, size_t errlen)
{
	uint8_t want[CRYPTO_KEK_ID_LEN], have[CRYPTO_KEK_ID_LEN];
	char *np = new_path(cfg), a[17], b[17], e2[256];
	store_txn_t *t = NULL;
	bool recorded;
	int rc;

	if (np == NULL)
		return ISA_ERR_NOMEM;
	if ((rc = meta_kek_id(s, want, &recorded)) != 0)
		goto out;
	keys_kek_id(keys, have);
	if (!recorded) {	/* first start: record which key wraps */
		if ((rc = store_txn_begin(s, true, &t)) == 0 &&
		    (rc = records_meta_put(t, RECORDS_META_KEK_ID, have,
		    sizeof(have))) == 0)
			rc = store_txn_commit(t);
		else
			store_txn_abort(t);
		goto out;
	}
	if (memcmp(want, have, sizeof(have)) == 0) {
		if (unlink(np) == 0)
			log_warnx("removed %s: a rekey was cut off before it "
			    "committed; the old master key stays", np);
		rc = 0;
		goto out;
	}
	if (keys_rekey_load(keys, np, pass, passlen, e2, sizeof(e2)) == 0) {
		keys_rekey_id(keys, have);
		if (memcmp(want, have, sizeof(have)) == 0) {
			if (replace_file(np, cfg->master_key) != 0) {
				snprintf(err, errlen, "cannot finish the cut-off "
				    "rekey: rename %s to %s: %s", np,
				    cfg->master_key, strerror(errno));
				keys_rekey_drop(keys);
				rc = ISA_ERR_IO;
				goto out;
			}
			log_warnx("finished a rekey that was cut off: %s is "
			    "the new master key", cfg->master_key);
			keys_rekey_commit(keys);
			rc = 0;
			goto out;
		}
		keys_rekey_drop(keys);
	}
	hex8(want, a);
	keys_kek_id(keys, have);
	hex8(have, b);
	snprintf(err, errlen, "%s is not the master key of this store (key id "
	    "%s; the store's data keys are wrapped under %s): is master_key "
	    "in %s right?", cfg->master_key, b, a, cfg->path);
	rc = ISA_ERR_CRYPTO;
out:
	free(np);
	return rc;
}

/* Collect the ids of every document. */
static int
collect(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	struct { uint8_t (*ids)[DOCID_LEN]; size_t n, cap; } *c = arg;

	(void)val;
	(void)vlen;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		void *p = realloc(c->ids, cap * DOCID_LEN);

		if (p == NULL)
			return ISA_ERR_NOMEM;
		c->ids = p;
		c->cap = cap;
	}
	memcpy(c->ids[c->n++], key, DOCID_LEN);
	return 0;
}

/* In t: every wrapped data key rewrapped from the key in use to the
 * rekey's new key. */
static int
rewrap_all(store_txn_t *t, keys_t *keys, size_t *count)
{
	struct { uint8_t (*ids)[DOCID_LEN]; size_t n, cap; } c = { 0 };
	uint8_t id[CRYPTO_KEK_ID_LEN], wrapped[CRYPTO_WRAPPED_LEN];
	int rc;

	*count = 0;
	keys_rekey_id(keys, id);
	rc = records_doc_each(t, NULL, collect, &c);
	for (size_t i = 0; rc == 0 && i < c.n; i++) {
		Isad__StoredDoc *d;

		if ((rc = records_doc_get(t, c.ids[i], &d)) != 0)
			break;
		if (d->wrapped_dek.len == CRYPTO_WRAPPED_LEN) {
			if ((rc = keys_rekey_rewrap(keys,
			    d->wrapped_dek.data, wrapped)) != 0) {
				records_doc_free(d);
				break;
			}
			memcpy(d->wrapped_dek.data, wrapped, sizeof(wrapped));
			if (d->kek_id.len == CRYPTO_KEK_ID_LEN)
				memcpy(d->kek_id.data, id, sizeof(id));
			if ((rc = records_doc_put(t, c.ids[i], d)) == 0)
				(*count)++;
		}
		records_doc_free(d);
	}
	free(c.ids);
	isa_wipe(wrapped, sizeof(wrapped));
	if (rc == 0)
		rc = records_meta_put(t, RECORDS_META_KEK_ID, id, sizeof(id));
	if (rc == 0)	/* destroyed documents' old wraps are now useless */
		rc = records_meta_del(t, RECORDS_META_REKEY_DUE);
	if (rc == 0) {
		/* The key rotation is on the record, with the change. */
		audit_entry_t e = { .action = "rekey", .decision = "permit",
		    .reason = "ok", .count = *count };

		rc = audit_append(t, &e, clock_wall_ms(), NULL);
	}
	return rc;
}

/* Commit the rekey. Test builds: $ISAD_TEST_REKEY_FAULT makes it fail as a
 * failing disk would, "lost" (nothing landed) or "landed" (it did). */
static int
commit(store_txn_t *t)
{
#ifdef ISA_TEST_BUILD
	const char *fault = getenv("ISAD_TEST_REKEY_FAULT");

	if (fault != NULL && strcmp(fault, "lost") == 0) {
		store_txn_abort(t);
		return ISA_ERR_IO;
	}
	if (fault != NULL && strcmp(fault, "landed") == 0) {
		(void)store_txn_commit(t);
		return ISA_ERR_IO;
	}
#endif
	return store_txn_commit(t);
}

int
rekey_run(const isad_config_t *cfg)
{
	char err[512], pass[PASSPHRASE_MAX], *np = NULL;
	keys_t *keys = NULL;
	store_t *s = NULL;
	store_txn_t *t = NULL;
	size_t plen = 0, n = 0;
	int lock = -1, rc, status = 1;

	if ((lock = datadir_lock(cfg->data_dir, err, sizeof(err))) < 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (crypto_init() != 0 || (np = new_path(cfg)) == NULL)
		goto out;
	if (passphrase_get(cfg->passphrase_file, pass, &plen, err,
	    sizeof(err)) != 0 ||
	    keys_open(cfg->master_key, plen ? pass : NULL, plen, &keys,
	    err, sizeof(err)) != 0 ||
	    store_open(cfg->data_dir, cfg->map_size, &s, err,
	    sizeof(err)) != 0 ||
	    rekey_check(cfg, s, keys, plen ? pass : NULL, plen, err,
	    sizeof(err)) != 0) {
		log_warnx("%s", err);
		goto out;
	}
	if ((rc = keys_rekey_new(keys, np, plen ? pass : NULL, plen, err,
	    sizeof(err))) != 0) {
		log_warnx("%s", rc == ISA_ERR_EXISTS ? "a rekey is already under "
		    "way (MASTER_KEY.new exists)" : err);
		goto out;
	}
	if ((rc = store_txn_begin(s, true, &t)) != 0 ||
	    (rc = rewrap_all(t, keys, &n)) != 0) {
		store_txn_abort(t);
		log_warnx("rekey failed (%s): nothing changed; the old master "
		    "key stays", isa_strerror(rc));
		unlink(np);
		goto out;
	}
	if ((rc = commit(t)) != 0) {
		/* A failed commit may still have reached the disk: deleting
		 * either key could lose every data key. The store records
		 * which key wraps; the next start keeps that one. */
		log_warnx("rekey's commit failed (%s): it may or may not have "
		    "reached the disk, so both %s and %s are kept; the next "
		    "start of isad keeps the one the store uses", isa_strerror(rc),
		    cfg->master_key, np);
		goto out;
	}
	/* Committed: the data keys are under the new key; the file follows.
	 * A crash between the two is finished at the next start. */
	if (replace_file(np, cfg->master_key) != 0) {
		log_warn("rekeyed, but cannot rename %s to %s: isad finishes it "
		    "at its next start", np, cfg->master_key);
		goto out;
	}
	printf("rekeyed: %zu data key%s rewrapped under a new master key in "
	    "%s\n", n, n == 1 ? "" : "s", cfg->master_key);
	status = 0;
out:
	isa_wipe(pass, sizeof(pass));
	keys_close(keys);	/* both keys wiped */
	store_close(s);
	free(np);
	if (lock >= 0)
		close(lock);
	return status;
}

static bool
rekey_due(store_t *s)
{
	store_txn_t *t;
	const void *v;
	size_t l;
	bool due;

	if (store_txn_begin(s, false, &t) != 0)
		return false;
	due = records_meta_get(t, RECORDS_META_REKEY_DUE, &v, &l) == 0;
	store_txn_abort(t);
	return due;
}

/* After a rekey's commit failed: did it land anyway?  1 (it did: the store
 * records next), 0 (it did not: the store records old), -1 (no telling). */
static int
landed(store_t *s, keys_t *keys)
{
	uint8_t a[CRYPTO_KEK_ID_LEN], b[CRYPTO_KEK_ID_LEN];
	uint8_t have[CRYPTO_KEK_ID_LEN];
	bool recorded;

	if (meta_kek_id(s, have, &recorded) != 0 || !recorded)
		return -1;
	keys_kek_id(keys, a);
	keys_rekey_id(keys, b);
	if (memcmp(have, b, sizeof(have)) == 0)
		return 1;
	return memcmp(have, a, sizeof(have)) == 0 ? 0 : -1;
}

int
rekey_online(store_t *s, const worker_env_t *env)
{
	static bool said;
	store_txn_t *t = NULL;
	char err[512], *np = NULL;
	size_t n = 0;
	int rc;

	if (env->keys == NULL || !rekey_due(s))
		return 0;
	if (env->kek_passphrase) {
		if (!said)
			log_warnx("documents were destroyed: their old data "
			    "keys may linger in the store's free pages and in "
			    "backups until `isad rekey` runs (with isad "
			    "stopped: isad does not keep the master key's "
			    "passphrase to rekey by itself)");
		said = true;
		return 0;
	}
	if ((np = new_path(env->cfg)) == NULL)
		return ISA_ERR_NOMEM;
	if ((rc = keys_rekey_new(env->keys, np, NULL, 0, err, sizeof(err)))
	    != 0) {
		if (rc == ISA_ERR_EXISTS)
			log_warnx("cannot rekey after destructions: %s exists "
			    "(a rekey whose rename failed, or was cut off): "
			    "it may hold the key in use, so never delete it; "
			    "restart isad, which settles it", np);
		else
			log_warnx("cannot rekey after destructions: %s", err);
		goto out;
	}
	if ((rc = store_txn_begin(s, true, &t)) != 0 ||
	    (rc = rewrap_all(t, env->keys, &n)) != 0) {
		store_txn_abort(t);
		unlink(np);
		log_warnx("cannot rekey after destructions (%s): the master "
		    "key stays; tried again at the next sweep",
		    isa_strerror(rc));
		goto out;
	}
	if ((rc = commit(t)) != 0) {
		int l = landed(s, env->keys);

		/* Lost: the new key goes.  In doubt: both files stay for
		 * the next start to settle, as in rekey_run. */
		if (l == 0)
			unlink(np);
		if (l != 1) {
			log_warnx("cannot rekey after destructions: its commit "
			    "failed (%s)%s", isa_strerror(rc), l == 0 ? "; "
			    "tried again at the next sweep" : "; both key "
			    "files are kept for the next start to settle");
			goto out;
		}
		rc = 0;	/* it landed all the same */
	}
	/* Committed: the store's data keys are under next from now on. */
	keys_rekey_commit(env->keys);
	if (replace_file(np, env->cfg->master_key) != 0)
		log_warn("rekeyed, but cannot rename %s to %s: isad finishes it "
		    "at its next start", np, env->cfg->master_key);
	log_info("documents were destroyed: %zu data key%s rewrapped under a "
	    "new master key, the old one wiped", n, n == 1 ? "" : "s");
out:
	keys_rekey_drop(env->keys);	/* what did not go into use */
	free(np);
	return rc;
}
