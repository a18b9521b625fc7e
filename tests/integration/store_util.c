/* store_util.c: what the store, upload, rekey and master-key suites share: their deployment, seeded round trips, a look into a stopped isad's store. */
#define _GNU_SOURCE	/* unshare, CLONE_NEWNS */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "docs_util.h"
#include "store_util.h"

harness_t *
su_deploy(const char *conf)
{
	harness_t *h = h_new_conf(conf);

	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_start(h);
	return h;
}

int
su_setup(void **state)
{
	*state = su_deploy(NULL);
	return 0;
}

int
su_teardown(void **state)
{
	h_free(*state);
	return 0;
}

void
su_put_ok(harness_t *h, uint64_t size, unsigned seed, char *id)
{
	char in[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed);
	du_make_file(in, size, seed);
	if (du_put(h, "ctp-analyst", in, "doc", "OFFICIAL-SENSITIVE",
	    "agency:ctpse", NULL, id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
}

void
su_get_ok(harness_t *h, const char *id, unsigned seed)
{
	char in[512], out[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed);
	snprintf(out, sizeof(out), "%s/g-%u", h_dir(h), seed);
	r = du_get(h, "ctp-analyst", id, out);
	if (r.status != 0)
		fail_msg("get %s: %s", id, r.err);
	h_result_free(&r);
	assert_true(du_same_file(in, out));
}

store_t *
su_store_open(harness_t *h)
{
	store_t *s = NULL;
	char err[256];

	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

size_t
su_count(harness_t *h, store_db_t db)
{
	store_t *s = su_store_open(h);
	store_txn_t *t;
	size_t n;

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	n = store_count(t, db);
	store_txn_abort(t);
	store_close(s);
	return n;
}

/* Copy the file from into to, with its mode. */
static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	struct stat sb;
	ssize_t n;
	int in, out = -1;

	if ((in = open(from, O_RDONLY)) < 0 || fstat(in, &sb) != 0 ||
	    (out = open(to, O_WRONLY | O_CREAT | O_EXCL, sb.st_mode & 07777)) <
	    0) {
		fail_msg("cannot copy %s: %s", from, strerror(errno));
		return;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail_msg("cannot copy %s: %s", from, strerror(errno));
	if (n < 0 || close(out) != 0)
		fail_msg("cannot copy %s: %s", from, strerror(errno));
	close(in);
}

bool
su_small_disk(harness_t *h, size_t bytes)
{
	char old[512], from[1024], to[1024], opts[64];
	struct dirent *e;
	DIR *d;

	/* A mount namespace of this test's own, which the isad it starts
	 * shares: the mount goes when the test does, however it ends. */
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("# skipped: cannot make a mount namespace (%s): run as "
		    "root to test a full disk\n", strerror(errno));
		return false;
	}
	snprintf(old, sizeof(old), "%s.before", h_data_dir(h));
	if (rename(h_data_dir(h), old) != 0 || mkdir(h_data_dir(h), 0700) != 0)
		fail_msg("cannot move the data dir: %s", strerror(errno));
	snprintf(opts, sizeof(opts), "size=%zu,mode=0700", bytes);
	if (mount("isa-test", h_data_dir(h), "tmpfs", MS_NOSUID | MS_NODEV,
	    opts) != 0) {
		printf("# skipped: cannot mount a small tmpfs for the data dir "
		    "(%s): run as root to test a full disk\n", strerror(errno));
		if (rmdir(h_data_dir(h)) != 0 || rename(old, h_data_dir(h)) != 0)
			fail_msg("cannot put the data dir back");
		return false;
	}
	if ((d = opendir(old)) == NULL)
		fail_msg("%s: %s", old, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", old, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", h_data_dir(h), e->d_name);
		copy_file(from, to);
	}
	closedir(d);
	return true;
}

void
su_small_disk_release(harness_t *h)
{
	if (umount2(h_data_dir(h), MNT_DETACH) != 0)
		fail_msg("cannot unmount %s: %s", h_data_dir(h),
		    strerror(errno));
}

void
su_fill(harness_t *h, size_t leave)
{
	static const char zeros[65536];
	char path[512];
	struct stat sb;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/filler", h_data_dir(h));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		fail_msg("%s: %s", path, strerror(errno));
	/* Down to the last byte: smaller writes as the space runs out. */
	for (size_t len = sizeof(zeros); len > 0; len /= 2)
		while ((n = write(fd, zeros, len)) == (ssize_t)len)
			;
	if (fstat(fd, &sb) != 0 || (uint64_t)sb.st_size < leave ||
	    ftruncate(fd, sb.st_size - (off_t)leave) != 0)
		fail_msg("%s: cannot leave %zu bytes free", path, leave);
	close(fd);
}

void
su_unfill(harness_t *h)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/filler", h_data_dir(h));
	if (unlink(path) != 0)
		fail_msg("%s: %s", path, strerror(errno));
}
