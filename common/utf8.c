/* utf8.c: decoding UTF-8 one scalar value at a time, and what counts as a control character. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

int
utf8_next(const unsigned char *s, size_t n, uint32_t *c)
{
	uint32_t v, min;
	int len;

	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, v = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, v = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, v = s[0] & 0x07, min = 0x10000;
	} else
		return -1;
	if ((size_t)len > n)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*c = v;
	return len;
}

bool
utf8_is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

bool
utf8_is_unsafe(uint32_t c)
{
	return utf8_is_control(c) || c == 0x61c || c == 0x200e ||
	    c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

char *
utf8_escape(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out;

	/* At most 4 bytes out for each in: "\xNN" for one, "\uNNNN" for
	 * two or three. */
	if (n > (SIZE_MAX - 1) / 4 || (out = malloc(4 * n + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		int k = utf8_next((const unsigned char *)s + i, n - i, &c);

		if (k < 0 || (k == 1 && utf8_is_unsafe(c))) {
			o += (size_t)snprintf(out + o, 5, "\\x%02x",
			    (unsigned char)s[i]);
			i++;
			continue;
		}
		if (utf8_is_unsafe(c))
			o += (size_t)snprintf(out + o, 7, "\\u%04x",
			    (unsigned)c);
		else {
			memcpy(out + o, s + i, (size_t)k);
			o += (size_t)k;
		}
		i += (size_t)k;
	}
	out[o] = '\0';
	return out;
}
