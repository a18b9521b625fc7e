/* test_isad_config.c: isad.conf: defaults, paths, the 64-bit literals, every refusal with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/ctx/config.h"

static char path[] = "/tmp/isa-conf-XXXXXX";

static int
load(const char *text, isad_config_t *cfg, char *err, size_t errlen)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	fd = isad_config_load(path, cfg, err, errlen);
	unlink(path);
	strcpy(path, "/tmp/isa-conf-XXXXXX");
	return fd;
}

#define BASE "listen = \"tcp://127.0.0.1:7450\";\ndata_dir = \"data\";\n" \
    "policy = \"policy.conf\";\norigin = \"hppb.example.org/isa\";\n"

static void
test_defaults_and_paths(void **state)
{
	isad_config_t cfg;
	char err[256];

	(void)state;
	assert_int_equal(load(BASE, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.data_dir, "/tmp/data");
	assert_string_equal(cfg.policy, "/tmp/policy.conf");
	assert_string_equal(cfg.master_key, "/tmp/data/master.key");
	assert_string_equal(cfg.accreditation, "SECRET");
	assert_int_equal(cfg.chunk, 1048576);
	assert_int_equal(cfg.max_message, 4194304);
	assert_int_equal(cfg.max_document, 1073741824);
	assert_int_equal(cfg.checkpoint_ms, 1000);
	assert_int_equal(cfg.checkpoint_records, 1000);
	assert_int_equal(cfg.map_size, INT64_C(17179869184));
	isad_config_free(&cfg);
}

/* DESIGN writes map_size without an L suffix; libconfig 1.5 would truncate
 * it to 32 bits. */
static void
test_large_literals(void **state)
{
	static const struct { const char *text; int64_t want; } cases[] = {
		{ BASE "map_size = 17179869184;\n", INT64_C(17179869184) },
		{ BASE "map_size = 17179869184L;\n", INT64_C(17179869184) },
		{ BASE "map_size=4296015872;", INT64_C(4296015872) },
		{ BASE "map_size = 1048576;\n", 1048576 },
		{ BASE "limits = { max_document = 4294967296; };\n", 0 },
	};
	isad_config_t cfg;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(cases[i].text, &cfg, err, sizeof(err)),
		    0);
		if (cases[i].want != 0)
			assert_int_equal(cfg.map_size, cases[i].want);
		else
			assert_int_equal(cfg.max_document,
			    INT64_C(4294967296));
		isad_config_free(&cfg);
	}
}

static void
test_refusals(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "listen = ;", ":1: syntax error" },
		{ BASE "enabeld = true;\n", ":5: unknown setting \"enabeld\"" },
		{ BASE "limits = { chunk = 65536; junk = 1; };\n",
		    ":5: unknown setting \"junk\"" },
		{ BASE "limits = 5;\n", ":5: \"limits\" must be a group" },
		{ BASE "map_size = \"big\";\n", ":5: \"map_size\" must be an "
		    "integer" },
		{ BASE "map_size = 10;\n", ":5: \"map_size\" must be between" },
		{ BASE "accreditation = \"TOP SECRET\";\n", ":5: accreditation "
		    "\"TOP SECRET\" is not" },
		{ "listen = \"\";\ndata_dir = \"d\";\npolicy = \"p\";\norigin = \"o\";\n",
		    ":1: \"listen\" must be a non-empty" },
		{ "data_dir = \"d\";\npolicy = \"p\";\norigin = \"o\";\n",
		    ":1: missing required setting \"listen\"" },
		{ BASE "limits = { chunk = 4194304; };\n", ":5: limits.chunk "
		    "must be at least 4096 bytes below" },
		{ "listen = \"x\";\ndata_dir = \"d\";\npolicy = \"p\";\n"
		    "origin = \"two words\";\n", ":4: origin \"two words\" "
		    "cannot name" },
	};
	isad_config_t cfg;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(cases[i].text, &cfg, err, sizeof(err)),
		    ISA_ERR_CONFIG);
		if (strstr(err, cases[i].want) == NULL ||
		    strncmp(err, "/tmp/isa-conf-", 14) != 0)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err,
			    cases[i].want);
	}
	assert_int_equal(isad_config_load("/nonexistent/isad.conf", &cfg, err,
	    sizeof(err)), ISA_ERR_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_paths),
		cmocka_unit_test(test_large_literals),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
