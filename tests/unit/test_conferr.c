/* test_conferr.c: a configuration file's parse error, from the helper and from each of the three loaders (isad.conf, client.conf, policy.conf), written escaped: no control character reaches a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "client/conf.h"
#include "common/conferr.h"
#include "common/err.h"
#include "daemon/ctx/config.h"
#include "policy/policy.h"

/* A name that would clear the screen and start a new line if printed. */
#define EVIL_NAME	"bad\x1b[2J\nname.conf"
#define EVIL_ESCAPED	"bad\\x1b[2J\\x0aname.conf"

static char dir[] = "/tmp/isa-conferr-XXXXXX";
static char path[256];

/* Whether s holds a byte a terminal acts on. */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, EVIL_NAME);
	/* Not libconfig syntax, on line 2. */
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs("# a file that does not parse\nlisten = = ;\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void
test_format(void **state)
{
	char err[128];

	(void)state;
	conferr_format(err, sizeof(err), "a\x1b" "b.conf", 3,
	    "syntax \x07" "error\r");
	assert_string_equal(err, "a\\x1bb.conf:3: syntax \\x07error\\x0d");
	conferr_format(err, sizeof(err), "f.conf", 0, NULL);
	assert_string_equal(err, "f.conf: syntax error");
	/* Bidirectional overrides and bytes that are not UTF-8 too. */
	conferr_format(err, sizeof(err), "\xe2\x80\xae" "f\xff", 1, "x");
	assert_string_equal(err, "\\u202ef\\xff:1: x");
	/* Cut short, still terminated and still clean. */
	conferr_format(err, 8, "\x1b\x1b\x1b\x1b", 1, "x");
	assert_int_equal(strlen(err), 7);
	assert_false(has_control(err));
	err[0] = 'z';
	conferr_format(err, 0, "f", 1, "x");
	assert_int_equal(err[0], 'z');
}

/* The loaders' message: the file escaped, its line, no control byte. */
static void
check_loader_error(const char *err)
{
	char want[512];

	snprintf(want, sizeof(want), "%s/%s:2: ", dir, EVIL_ESCAPED);
	if (strncmp(err, want, strlen(want)) != 0 || has_control(err))
		fail_msg("%s:%d: got \"%s\", want it to start \"%s\"",
		    __FILE__, __LINE__, err, want);
}

static void
test_isad_conf(void **state)
{
	isad_config_t cfg;
	char err[512];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(isad_config_load(path, &cfg, err, sizeof(err)),
	    ISA_ERR_CONFIG);
	check_loader_error(err);
}

static void
test_client_conf(void **state)
{
	client_conf_t conf;
	char err[512];

	(void)state;
	memset(&conf, 0, sizeof(conf));
	assert_int_equal(client_conf_load(path, &conf, err, sizeof(err)),
	    ISA_ERR_CONFIG);
	check_loader_error(err);
}

static void
test_policy_conf(void **state)
{
	policy_t *p = NULL;
	char err[512];

	(void)state;
	assert_int_equal(policy_load(path, &p, err, sizeof(err)),
	    ISA_ERR_CONFIG);
	assert_null(p);
	check_loader_error(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_isad_conf),
		cmocka_unit_test(test_client_conf),
		cmocka_unit_test(test_policy_conf),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
