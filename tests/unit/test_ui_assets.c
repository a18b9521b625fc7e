/* test_ui_assets.c: the embedded ui/assets table: a known file found with its type, length and bytes; anything else missed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/assets.h"

/* The file under ui/assets/ named rel, read whole from the source tree. */
static unsigned char *
read_source(const char *rel, size_t *len)
{
	const char *src = getenv("ISA_SOURCE_DIR");
	char path[4096];
	unsigned char *buf;
	long n;
	FILE *f;

	assert_non_null(src);
	assert_true(snprintf(path, sizeof(path), "%s/ui/assets/%s", src, rel) <
	    (int)sizeof(path));
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* found(rel, type): rel is embedded with type and exactly the source's bytes. */
static void
found(const char *rel, const char *type)
{
	const ui_asset_t *a = ui_asset_find(rel);
	unsigned char *want;
	size_t len;

	assert_non_null(a);
	assert_string_equal(a->path, rel);
	assert_string_equal(a->type, type);
	want = read_source(rel, &len);
	assert_int_equal(a->len, len);
	assert_memory_equal(a->data, want, len);
	/* The NUL after the bytes, not counted. */
	assert_int_equal(a->data[a->len], 0);
	free(want);
}

static void
test_found(void **state)
{
	(void)state;
	found("vendor/govuk-frontend.min.css", "text/css");
	found("vendor/govuk-frontend-LICENCE.txt", "text/plain; charset=utf-8");
}

/* Exact names only: no prefix, suffix, leading slash, dot segment or case
 * folding finds a file; the vendoring notes and script are not embedded. */
static void
test_missed(void **state)
{
	static const char *const misses[] = {
		"", "vendor", "vendor/", "/vendor/govuk-frontend.min.css",
		"vendor/govuk-frontend.min.cs", "vendor/govuk-frontend.min.css/",
		"vendor/govuk-frontend.min.css.map", "./vendor/govuk-frontend.min.css",
		"vendor/../vendor/govuk-frontend.min.css",
		"VENDOR/govuk-frontend.min.css", "vendor//govuk-frontend.min.css",
		"vendor/README", "vendor/build.sh", "README", "nope.css",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		if (ui_asset_find(misses[i]) != NULL)
			fail_msg("\"%s\" was found", misses[i]);
	}
	assert_null(ui_asset_find(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_missed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
