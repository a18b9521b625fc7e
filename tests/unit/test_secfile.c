/* test_secfile.c: creating a key file: the exact mode whatever the umask, never over a name or through a link, nothing left on failure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "common/secfile.h"

static char dir[] = "/tmp/isa-secfile-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* A public key is 0644 even under umask 077; a secret 0600 under umask 0. */
static void
test_exact_mode(void **state)
{
	char pub[256], sec[256], buf[64];
	size_t len;
	mode_t old;

	(void)state;
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	snprintf(sec, sizeof(sec), "%s/sec", dir);
	old = umask(077);
	assert_int_equal(secfile_create(pub, 0644, "public\n", 7), 0);
	umask(0);
	assert_int_equal(secfile_create(sec, 0600, "secret\n", 7), 0);
	umask(old);
	assert_int_equal(mode_of(pub), 0644);
	assert_int_equal(mode_of(sec), 0600);
	assert_int_equal(secfile_read(sec, "key file", "secret key file", true,
	    buf, sizeof(buf), &len, NULL, 0), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(buf, "secret\n", 7);
}

/* An existing file is neither overwritten nor removed. */
static void
test_never_overwrites(void **state)
{
	char path[256], buf[64];
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/exists", dir);
	assert_int_equal(secfile_create(path, 0600, "first", 5), 0);
	assert_int_equal(secfile_create(path, 0600, "second", 6),
	    ISA_ERR_EXISTS);
	assert_int_equal(secfile_read(path, "key file", "secret key file", true,
	    buf, sizeof(buf), &len, NULL, 0), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "first", 5);
}

/* A symbolic link at the name is not followed: its target is not created. */
static void
test_no_symlink(void **state)
{
	char link[256], target[256];

	(void)state;
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(secfile_create(link, 0600, "x", 1), ISA_ERR_EXISTS);
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

/* A directory that is not there: an I/O error, and nothing is left. */
static void
test_missing_dir(void **state)
{
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/file", dir);
	assert_int_equal(secfile_create(path, 0600, "x", 1), ISA_ERR_IO);
	assert_int_equal(errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_mode),
		cmocka_unit_test(test_never_overwrites),
		cmocka_unit_test(test_no_symlink),
		cmocka_unit_test(test_missing_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
