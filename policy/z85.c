/* z85.c: Z85 (ZeroMQ RFC 32) encoding of CURVE keys, so policy/ needs no libzmq. */
#include "policy/z85.h"

#include <string.h>

#include "common/err.h"

static const char z85_alphabet[86] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ".-:+=^!/*?&<>()[]{}@%$#";

/* The value of Z85 character c, or -1 when c is not in the alphabet. */
static int
z85_value(unsigned char c)
{
	const char *hit;

	if (c == '\0')
		return -1;
	hit = memchr(z85_alphabet, c, sizeof(z85_alphabet) - 1);
	return hit ? (int)(hit - z85_alphabet) : -1;
}

int
policy_z85_decode(const char *text, size_t len, uint8_t *out, size_t outlen)
{
	size_t i, j;

	if (len % 5 != 0 || len / 5 * 4 != outlen)
		return len % 5 != 0 ? ISA_ERR_PARSE : ISA_ERR_RANGE;
	for (i = 0; i < len; i += 5) {
		uint64_t v = 0;

		for (j = 0; j < 5; j++) {
			int d = z85_value((unsigned char)text[i + j]);

			if (d < 0)
				goto bad;
			v = v * 85 + (uint64_t)d;
		}
		if (v > UINT32_MAX)
			goto bad;
		out[i / 5 * 4 + 0] = (uint8_t)(v >> 24);
		out[i / 5 * 4 + 1] = (uint8_t)(v >> 16);
		out[i / 5 * 4 + 2] = (uint8_t)(v >> 8);
		out[i / 5 * 4 + 3] = (uint8_t)v;
	}
	return 0;
bad:
	memset(out, 0, outlen);
	return ISA_ERR_PARSE;
}

int
policy_z85_encode(const uint8_t *data, size_t len, char *out, size_t outlen)
{
	size_t i;
	int j;

	if (len % 4 != 0 || outlen < len / 4 * 5 + 1)
		return ISA_ERR_RANGE;
	for (i = 0; i < len; i += 4) {
		uint32_t v = (uint32_t)data[i] << 24 | (uint32_t)data[i + 1] << 16 |
		    (uint32_t)data[i + 2] << 8 | data[i + 3];

		for (j = 4; j >= 0; j--) {
			out[i / 4 * 5 + (size_t)j] = z85_alphabet[v % 85];
			v /= 85;
		}
	}
	out[len / 4 * 5] = '\0';
	return 0;
}
