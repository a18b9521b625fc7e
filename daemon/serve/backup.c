/* backup.c: `isad backup`: a hot, consistent, compacted copy of a data dir, with its manifest, while isad serves. */
#define _GNU_SOURCE	/* renameat2, RENAME_NOREPLACE */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/base64.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/secfile.h"
#include "common/timefmt.h"
#include "common/wipe.h"
#include "daemon/audit/audit.h"
#include "daemon/keys/keys.h"
#include "daemon/serve/backup.h"
#include "daemon/store/datadir.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "proto/merkle.h"
#include "proto/sha256.h"

#define KEY_FILE_MAX	16384	/* a key file is well under this */
#define MANIFEST_FORMAT	"isad-backup/1"

/* The files besides data.mdb, in the order they are copied. */
static const struct {
	const char *name;	/* in the data dir and in the backup */
	bool secret;		/* must be private where it is read */
} key_files[] = {
	{ "server.key", true },		/* clients know its public half */
	{ "audit.key", true },		/* auditors know its public half */
	{ "audit.pub.pem", false },
};

/* Every name a backup may hold: what a failed one removes. */
static const char *const all_names[] = { "data.mdb", "server.key",
    "audit.key", "audit.pub.pem", "master.key", "manifest.json" };

typedef struct {
	const isad_config_t *cfg;
	char *out, *partial, *parent;
	json_t *files;		/* the manifest's "files" */
	bool made;		/* partial exists: remove it on failure */
} backup_t;

static char *
join(const char *dir, const char *name)
{
	char *p;

	if (paths_join(dir, name, &p) != 0)
		fatalx("out of memory");
	return p;
}

/* The hex of n bytes into out (2n + 1 bytes). */
static void
hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Note a file in the manifest: its name, size and SHA-256. */
static int
note_file(backup_t *b, const char *name, uint64_t size,
    const uint8_t d[SHA256_LEN])
{
	char h[2 * SHA256_LEN + 1];

	sha256_hex(d, h);
	return json_array_append_new(b->files, json_pack("{s:s,s:I,s:s}",
	    "name", name, "bytes", (json_int_t)size, "sha256", h));
}

/* fsync a directory, so that the names made in it last a crash. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Refuse an out that exists, a left-over out.partial, or a parent that is
 * not a writable directory; then make out.partial (0700). */
static int
make_partial(backup_t *b)
{
	struct stat st;

	if (lstat(b->out, &st) == 0) {
		log_warnx("%s exists: isad backup writes a new directory and "
		    "never overwrites one; choose a new --out", b->out);
		return -1;
	}
	if (lstat(b->partial, &st) == 0) {
		log_warnx("%s is left from an interrupted backup (it is not "
		    "a backup): remove it and run isad backup again",
		    b->partial);
		return -1;
	}
	if (stat(b->parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_warnx("cannot write a backup into %s: %s", b->parent,
		    errno != 0 && !S_ISDIR(st.st_mode) ? strerror(errno) :
		    "not a directory");
		return -1;
	}
	if (mkdir(b->partial, 0700) != 0) {
		log_warnx("cannot write a backup into %s: %s (the directory "
		    "--out names must be writable by the user running isad "
		    "backup)", b->parent, strerror(errno));
		return -1;
	}
	b->made = true;
	return 0;
}

/* Copy one small file of the data dir into the backup, 0600. */
static int
copy_small(backup_t *b, const char *src, const char *name, bool secret)
{
	char buf[KEY_FILE_MAX], err[512];
	uint8_t d[SHA256_LEN];
	char *dst = join(b->partial, name);
	size_t len = 0;
	int rc;

	rc = secfile_read(src, secret ? "secret key file" : "key file",
	    "secret key file", secret, buf, sizeof(buf), &len, err,
	    sizeof(err));
	if (rc != 0)
		log_warnx("%s", err);
	else if ((rc = secfile_create(dst, 0600, buf, len)) != 0)
		log_warn("cannot write %s", dst);
	if (rc == 0) {
		sha256(buf, len, d);
		rc = note_file(b, name, len, d);
	}
	isa_wipe(buf, sizeof(buf));
	free(dst);
	return rc;
}

/* SHA-256 and size of the file at path. */
static int
hash_file(const char *path, uint8_t d[SHA256_LEN], uint64_t *size)
{
	static uint8_t buf[1 << 16];
	sha256_t *h = sha256_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = 0;

	*size = 0;
	if (h == NULL || fd < 0) {
		sha256_free(h);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		sha256_update(h, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	close(fd);
	if (n == 0)
		sha256_final(h, d);
	sha256_free(h);
	return n == 0 ? 0 : -1;
}

/* The live store, read-only beside isad, copied into partial/data.mdb. */
static int
copy_store(backup_t *b)
{
	char err[512];
	char *dst = join(b->partial, "data.mdb");
	store_t *s = NULL;
	int fd, rc;

	if ((rc = datadir_check_owner(b->cfg->data_dir, err, sizeof(err)))
	    == 0)
		rc = store_open_readonly(b->cfg->data_dir, b->cfg->map_size,
		    false, &s, err, sizeof(err));
	if (rc != 0) {
		log_warnx("%s", err);
		free(dst);
		return -1;
	}
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		log_warn("cannot create %s", dst);
		rc = -1;
	} else if ((rc = store_copy(s, fd)) != 0)
		log_warnx("cannot copy the store into %s: %s", dst,
		    isa_strerror(rc));
	store_close(s);
	free(dst);
	return rc;
}

/* What the manifest says of the copy, read from the copy. */
typedef struct {
	uint32_t schema;
	uint64_t tree_size, documents, checkpoint_size;
	uint8_t root[MERKLE_HASH_LEN];
	uint8_t kek_id[KEYS_KEK_ID_LEN];
	bool has_kek_id;
} copy_facts_t;

static int
read_copy(backup_t *b, copy_facts_t *f)
{
	char err[512];
	store_t *s = NULL;
	store_txn_t *t = NULL;
	const void *v;
	size_t vl;
	int rc;

	memset(f, 0, sizeof(*f));
	/* MDB_NOLOCK: the copy is ours alone; no lock.mdb is made in it. */
	if ((rc = store_open_readonly(b->partial, 0, true, &s, err,
	    sizeof(err))) != 0) {
		log_warnx("the copy does not open: %s", err);
		return -1;
	}
	if ((rc = store_txn_begin(s, false, &t)) == 0 &&
	    (rc = audit_root(t, &f->tree_size, f->root)) == 0) {
		f->schema = store_schema(t);
		f->documents = store_count(t, STORE_DOCS);
		f->checkpoint_size = audit_checkpoint_size(t);
		rc = records_meta_get(t, RECORDS_META_KEK_ID, &v, &vl);
		if (rc == 0 && vl == KEYS_KEK_ID_LEN) {
			memcpy(f->kek_id, v, vl);
			f->has_kek_id = true;
		} else if (rc == ISA_ERR_NOTFOUND)
			rc = 0;
		else if (rc == 0)
			rc = ISA_ERR_PARSE;
	}
	store_txn_abort(t);
	store_close(s);
	if (rc != 0)
		log_warnx("cannot read the copy's audit tree: %s",
		    isa_strerror(rc));
	return rc;
}

/* The master key file, copied when asked for; its id must be the one the
 * copy's data keys are wrapped under (a rekey between the two would give a
 * backup whose key opens nothing). */
static int
copy_master_key(backup_t *b, const copy_facts_t *f)
{
	uint8_t id[KEYS_KEK_ID_LEN];
	char err[512];

	if (keys_master_id(b->cfg->master_key, id, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (f->has_kek_id && memcmp(id, f->kek_id, sizeof(id)) != 0) {
		log_warnx("the master key was replaced (a rekey) while the "
		    "store was copied: run isad backup again");
		return -1;
	}
	return copy_small(b, b->cfg->master_key, "master.key", true);
}

static int
write_manifest(backup_t *b, const copy_facts_t *f, bool with_master_key)
{
	char when[TIMEFMT_LEN], root[64], kek[2 * KEYS_KEK_ID_LEN + 1] = "";
	char *path = join(b->partial, "manifest.json"), *text;
	json_t *m;
	int rc = -1;

	timefmt_format_ms(clock_wall_ms(), when);
	if (base64_encode(f->root, sizeof(f->root), root) == 0)
		goto out;
	if (f->has_kek_id)
		hex(f->kek_id, sizeof(f->kek_id), kek);
	m = json_pack("{s:s,s:s,s:s,s:i,s:{s:I,s:s,s:I},s:I,s:{s:s?,s:b},s:O}",
	    "format", MANIFEST_FORMAT,
	    "created", when,
	    "origin", b->cfg->origin,
	    "schema", (int)f->schema,
	    "audit", "tree_size", (json_int_t)f->tree_size, "root", root,
	    "checkpoint_size", (json_int_t)f->checkpoint_size,
	    "documents", (json_int_t)f->documents,
	    "master_key", "id", f->has_kek_id ? kek : NULL,
	    "included", with_master_key,
	    "files", b->files);
	text = m != NULL ? json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS) :
	    NULL;
	json_decref(m);
	if (text == NULL) {
		log_warnx("cannot make the manifest: out of memory");
		goto out;
	}
	/* Written complete and fsynced, then the directory is renamed: the
	 * manifest is the last thing a backup gains. */
	if (secfile_create(path, 0600, text, strlen(text)) != 0)
		log_warn("cannot write %s", path);
	else
		rc = 0;
	free(text);
out:
	free(path);
	return rc;
}

/* Remove what a failed backup made (only the names a backup writes). */
static void
remove_partial(backup_t *b)
{
	for (size_t i = 0; i < sizeof(all_names) / sizeof(all_names[0]); i++) {
		char *p = join(b->partial, all_names[i]);

		(void)unlink(p);
		free(p);
	}
	if (rmdir(b->partial) != 0)
		log_warn("cannot remove %s", b->partial);
}

#ifdef ISA_TEST_BUILD
/* Test builds only: with $ISAD_TEST_BACKUP_HOLD set, say so on stdout once
 * the store is copied and wait there for SIGUSR1 (a test writes to the
 * live store meanwhile, or kills -9). */
static void
test_hold(void)
{
	sigset_t set;
	int sig;

	if (getenv("ISAD_TEST_BACKUP_HOLD") == NULL)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("backup: copied, holding\n");
	fflush(stdout);
	(void)sigwait(&set, &sig);
}
#endif

static int
run(backup_t *b, bool with_master_key)
{
	char rootb64[64], kek[2 * KEYS_KEK_ID_LEN + 1] = "none";
	copy_facts_t f;
	uint8_t d[SHA256_LEN];
	uint64_t size;
	char *p;

	if (make_partial(b) != 0 || copy_store(b) != 0)
		return -1;
#ifdef ISA_TEST_BUILD
	test_hold();
#endif
	p = join(b->partial, "data.mdb");
	if (hash_file(p, d, &size) != 0) {
		log_warn("cannot read %s", p);
		free(p);
		return -1;
	}
	free(p);
	if (note_file(b, "data.mdb", size, d) != 0 || read_copy(b, &f) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(key_files) / sizeof(key_files[0]); i++) {
		p = join(b->cfg->data_dir, key_files[i].name);
		if (copy_small(b, p, key_files[i].name, key_files[i].secret)
		    != 0) {
			free(p);
			return -1;
		}
		free(p);
	}
	if (with_master_key && copy_master_key(b, &f) != 0)
		return -1;
	if (write_manifest(b, &f, with_master_key) != 0 ||
	    sync_dir(b->partial) != 0)
		return -1;
	if (renameat2(AT_FDCWD, b->partial, AT_FDCWD, b->out,
	    RENAME_NOREPLACE) != 0) {
		log_warn("cannot rename %s to %s", b->partial, b->out);
		return -1;
	}
	b->made = false;
	if (sync_dir(b->parent) != 0)
		log_warn("cannot sync %s", b->parent);
	(void)base64_encode(f.root, sizeof(f.root), rootb64);
	if (f.has_kek_id)
		hex(f.kek_id, sizeof(f.kek_id), kek);
	printf("backup written to %s: %llu documents, audit tree size %llu "
	    "root %s, master key %s %s\n", b->out,
	    (unsigned long long)f.documents, (unsigned long long)f.tree_size,
	    rootb64, kek, with_master_key ? "included (keep this backup as "
	    "secret as the key)" : "not included (keep master.key apart)");
	return 0;
}

int
backup_run(const isad_config_t *cfg, const char *out, bool with_master_key)
{
	backup_t b = { .cfg = cfg };
	size_t n = strlen(out);
	int rc;

	umask(077);
	while (n > 1 && out[n - 1] == '/')
		n--;
	if ((b.out = strndup(out, n)) == NULL ||
	    asprintf(&b.partial, "%s.partial", b.out) < 0 ||
	    (b.parent = strdup(b.out)) == NULL ||
	    (b.files = json_array()) == NULL)
		fatalx("out of memory");
	{
		char *slash = strrchr(b.parent, '/');

		if (slash == NULL)
			strcpy(b.parent, ".");
		else if (slash == b.parent)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	rc = run(&b, with_master_key);
	if (rc != 0 && b.made)
		remove_partial(&b);
	json_decref(b.files);
	free(b.out);
	free(b.partial);
	free(b.parent);
	return rc == 0 ? 0 : 1;
}
