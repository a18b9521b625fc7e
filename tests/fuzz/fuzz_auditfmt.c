/* fuzz_auditfmt.c: libFuzzer target for the audit record's text forms (verify/auditfmt.h: table, CSV): no fault on any record bytes, and no CSV cell a spreadsheet would run as a formula. */
#define _GNU_SOURCE	/* open_memstream */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/auditfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether a cell of the CSV text starts with = + - or @, itself or
 * inside its quotes (RFC 4180: "" is a quote within them). */
static bool
formula_cell(const char *t, size_t n)
{
	bool start = true, quoted = false;

	for (size_t i = 0; i < n; i++) {
		char c = t[i];

		if (start) {
			start = false;
			if (c == '"') {
				quoted = true;
				if (i + 1 < n && strchr("=+-@", t[i + 1]) != NULL &&
				    t[i + 1] != '\0')
					return true;
				continue;
			}
			if (c != '\0' && strchr("=+-@", c) != NULL)
				return true;
		}
		if (quoted) {
			if (c == '"' && i + 1 < n && t[i + 1] == '"')
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == ',' || c == '\n')
			start = true;
	}
	return false;
}

/* One text form of the record into a new string: *text (len bytes), or
 * NULL when the form refused the bytes. */
static void
form(int (*fn)(const uint8_t *, size_t, FILE *), const uint8_t *data,
    size_t size, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);

	if (f == NULL)
		abort();
	if (fn(data, size, f) != 0) {
		fclose(f);
		free(*text);
		*text = NULL;
		return;
	}
	if (fclose(f) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t len;

	form(auditfmt_table, data, size, &text, &len);
	free(text);
	form(auditfmt_csv, data, size, &text, &len);
	if (text != NULL && formula_cell(text, len))
		abort();
	free(text);
	return 0;
}
