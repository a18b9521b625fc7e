/* docs_util.c: helpers the document tests share: files of known content, put and get through the real isa. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "docs_util.h"

void
du_make_file(const char *path, uint64_t size, unsigned seed)
{
	FILE *f = fopen(path, "wb");
	uint32_t x = seed * 2654435761u + 1;
	uint8_t buf[65536];

	assert_non_null(f);
	while (size > 0) {
		size_t n = size < sizeof(buf) ? (size_t)size : sizeof(buf);

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (uint8_t)x;
		}
		assert_int_equal(fwrite(buf, 1, n, f), n);
		size -= n;
	}
	assert_int_equal(fclose(f), 0);
}

int
du_same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	uint8_t x[65536], y[65536];
	int same = fa != NULL && fb != NULL;

	while (same) {
		size_t n = fread(x, 1, sizeof(x), fa), m = fread(y, 1, sizeof(y),
		    fb);

		if (n != m || memcmp(x, y, n) != 0)
			same = 0;
		if (n == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

int
du_put(harness_t *h, const char *user, const char *file, const char *title,
    const char *cls, const char *to, const char *const *extra, char *id,
    h_result_t *out)
{
	const char *args[28] = { "put", file, "--title", title, "--class", cls,
	    "--to", to };
	int n = 8, status;
	h_result_t r;

	for (; extra != NULL && *extra != NULL && n < 26; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	r = h_isa(h, user, args);
	status = r.status;
	if (id != NULL)
		snprintf(id, 27, "%s", status == 0 ? h_last_line(r.out) : "");
	if (out != NULL)
		*out = r;
	else
		h_result_free(&r);
	return status;
}

h_result_t
du_get(harness_t *h, const char *user, const char *id, const char *file)
{
	const char *args[] = { "get", id, "-o", file, "--force", NULL };

	return h_isa(h, user, args);
}

static int
file_contains(const char *path, const void *needle, size_t len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int found;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	found = fread(buf, 1, (size_t)n, f) == (size_t)n &&
	    memmem(buf, (size_t)n, needle, len) != NULL;
	free(buf);
	fclose(f);
	return found;
}

int
du_dir_contains(const char *dir, const void *needle, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	struct stat st;
	int found = 0;

	assert_non_null(d);
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		found = S_ISDIR(st.st_mode) ? du_dir_contains(path, needle, len) :
		    file_contains(path, needle, len);
	}
	closedir(d);
	return found;
}

void
du_master_key_id(harness_t *h, char *out, size_t cap)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/master.key", h_data_dir(h));
	assert_non_null(f = fopen(path, "r"));
	out[0] = '\0';
	while (fgets(out, (int)cap, f) != NULL && strncmp(out, "id", 2) != 0)
		;
	fclose(f);
	assert_int_equal(strncmp(out, "id", 2), 0);
}
