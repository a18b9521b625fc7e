/* test_keyfile.c: key files: written 0600, read strictly, loose modes refused. */
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
#include "proto/keyfile.h"

static char dir[] = "/tmp/isa-keyfile-XXXXXX";

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

static void
put(const char *name, const char *text, mode_t mode, char *path)
{
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_write_then_read(void **state)
{
	char pub[41], sec[41], pub2[41], sec2[41], path[256], err[256];
	struct stat st;

	(void)state;
	assert_int_equal(keyfile_generate(pub, sec), 0);
	sprintf(path, "%s/pair.key", dir);
	assert_int_equal(keyfile_write(path, pub, sec), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keyfile_read(path, pub2, sec2, err, sizeof(err)), 0);
	assert_string_equal(pub, pub2);
	assert_string_equal(sec, sec2);
	/* never overwritten */
	assert_int_equal(keyfile_write(path, pub, sec), ISA_ERR_EXISTS);
	sprintf(path, "%s/pair.pub", dir);
	assert_int_equal(keyfile_write(path, pub, NULL), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(keyfile_read(path, pub2, NULL, err, sizeof(err)), 0);
	assert_string_equal(pub, pub2);
	/* a public key file is not a key pair: first, it is not private */
	assert_int_equal(keyfile_read(path, pub2, sec2, err, sizeof(err)),
	    ISA_ERR_PERM);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(keyfile_read(path, pub2, sec2, err, sizeof(err)),
	    ISA_ERR_PARSE);
	assert_non_null(strstr(err, "no secret key"));
}

static void
test_loose_mode_refused(void **state)
{
	char pub[41], sec[41], path[256], err[256], text[256];

	(void)state;
	assert_int_equal(keyfile_generate(pub, sec), 0);
	snprintf(text, sizeof(text), "public-key = \"%s\";\nsecret-key = "
	    "\"%s\";\n", pub, sec);
	static const mode_t modes[] = { 0604, 0640, 0644, 0660, 0666 };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		put("loose.key", text, modes[i], path);
		assert_int_equal(keyfile_read(path, pub, sec, err, sizeof(err)),
		    ISA_ERR_PERM);
		assert_non_null(strstr(err, "readable by group or others"));
		assert_non_null(strstr(err, "chmod 600"));
		assert_int_equal(sec[0], 0);	/* wiped */
	}
}

static void
test_malformed(void **state)
{
	char pub[41], sec[41], other[41], osec[41], path[256], err[256];
	char text[512];

	(void)state;
	assert_int_equal(keyfile_generate(pub, sec), 0);
	assert_int_equal(keyfile_generate(other, osec), 0);
	put("a.key", "\n\npublic-key = \"short\";\n", 0600, path);
	assert_int_equal(keyfile_read(path, pub, NULL, err, sizeof(err)),
	    ISA_ERR_PARSE);
	assert_non_null(strstr(err, "a.key:3: expected"));
	put("b.key", "", 0600, path);
	assert_int_equal(keyfile_read(path, pub, NULL, err, sizeof(err)),
	    ISA_ERR_PARSE);
	assert_non_null(strstr(err, "no public key"));
	snprintf(text, sizeof(text), "public-key = \"%s\";\nsecret-key = "
	    "\"%s\";\n", other, sec);
	put("c.key", text, 0600, path);
	assert_int_equal(keyfile_read(path, pub, sec, err, sizeof(err)),
	    ISA_ERR_PARSE);
	assert_non_null(strstr(err, "does not belong"));
	snprintf(text, sizeof(text), "public-key = \"%s\"; junk\n", other);
	put("d.key", text, 0600, path);
	assert_int_equal(keyfile_read(path, pub, NULL, err, sizeof(err)),
	    ISA_ERR_PARSE);
	sprintf(path, "%s/missing.key", dir);
	assert_int_equal(keyfile_read(path, pub, NULL, err, sizeof(err)),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(keyfile_z85_valid(other), 1);
	other[3] = '"';
	assert_int_equal(keyfile_z85_valid(other), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_then_read),
		cmocka_unit_test(test_loose_mode_refused),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
