/* fuzz_base64.c: libFuzzer target for the strict base64 decoder: check and decode agree on every input, and what they take encodes back to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "common/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t checked = 0, decoded = 0;
	uint8_t *out;
	char *again;
	int c, d;

	if ((out = malloc(size / 4 * 3 + 1)) == NULL)
		return 0;
	c = base64_check(s, size, &checked);
	d = base64_decode(s, size, out, size / 4 * 3, &decoded);
	if ((c == 0) != (d == 0) || (c != 0 && c != ISA_ERR_PARSE) ||
	    (d != 0 && d != ISA_ERR_PARSE) || checked != decoded)
		abort();
	if (d == 0) {
		if ((again = malloc(BASE64_LEN(decoded) + 1)) == NULL) {
			free(out);
			return 0;
		}
		if (base64_encode(out, decoded, again) != size ||
		    memcmp(again, s, size) != 0)
			abort();
		free(again);
	}
	free(out);
	return 0;
}
