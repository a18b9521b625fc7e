/* outage_file.c: the file that keeps an outage's unwritten audit records across a stop: each record's bytes after its length, written whole or not at all. */
#define _GNU_SOURCE	/* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/be64.h"
#include "common/err.h"
#include "common/paths.h"
#include "common/secfile.h"
#include "daemon/audit/outage_file.h"

int
outage_file_write(const char *path, const outage_rec_t *recs, size_t n)
{
	size_t total = 0, at = 0;
	uint8_t *buf;
	char *tmp = NULL;
	int rc;

	for (size_t i = 0; i < n; i++)
		total += 8 + recs[i].len;
	if ((buf = malloc(total > 0 ? total : 1)) == NULL)
		return ISA_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		be64_put(buf + at, recs[i].len);
		memcpy(buf + at + 8, recs[i].buf, recs[i].len);
		at += 8 + recs[i].len;
	}
	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		free(buf);
		return ISA_ERR_NOMEM;
	}
	(void)unlink(tmp);	/* a copy cut off by a crash */
	rc = secfile_create(tmp, 0600, buf, total);
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = ISA_ERR_IO;
		(void)unlink(tmp);
	}
	free(tmp);
	free(buf);
	return rc;
}

int
outage_file_read(const char *path, size_t max,
    void (*each)(void *arg, const uint8_t *buf, size_t len), void *arg)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t len, at = 0;

	if (f == NULL)
		return errno == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
	if ((buf = malloc(max + 1)) == NULL) {
		fclose(f);
		return ISA_ERR_NOMEM;
	}
	len = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return ISA_ERR_IO;
	}
	fclose(f);
	if (len > max) {
		free(buf);
		return ISA_ERR_RANGE;
	}
	while (at < len) {
		uint64_t n;

		if (len - at < 8 || (n = be64_get(buf + at)) > len - at - 8)
			break;
		each(arg, buf + at + 8, (size_t)n);
		at += 8 + (size_t)n;
	}
	free(buf);
	return at == len ? 0 : ISA_ERR_PARSE;
}
