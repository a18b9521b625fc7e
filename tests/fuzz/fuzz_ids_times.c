/* fuzz_ids_times.c: libFuzzer target for the id and time parsers (docid_parse, timefmt_parse_ms): no fault on any input, and what they accept formats back to the same value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/timefmt.h"
#include "proto/docid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An id read is 26 characters that print back the same (but for case) and
 * read again to the same bytes. */
static void
check_id(const char *s)
{
	uint8_t id[DOCID_LEN], again[DOCID_LEN];
	char out[DOCID_TEXT_LEN + 1];

	if (docid_parse(s, id) != 0)
		return;
	docid_format(id, out);
	if (strlen(s) != DOCID_TEXT_LEN || strcasecmp(out, s) != 0 ||
	    docid_parse(out, again) != 0 || memcmp(id, again, DOCID_LEN) != 0)
		abort();
}

/* A time read formats as RFC 3339 and reads back to the same millisecond
 * (where the year still has four digits). */
static void
check_time(const char *s)
{
	char out[TIMEFMT_LEN];
	int64_t ms, again;

	if (timefmt_parse_ms(s, &ms) != 0)
		return;
	timefmt_format_ms(ms, out);
	if (strlen(out) != 24)
		return;		/* past year 9999 or before year 0 */
	if (timefmt_parse_ms(out, &again) != 0 || again != ms)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_id(s);
	check_time(s);
	free(s);
	return 0;
}
