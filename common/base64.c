/* base64.c: strict standard base64 (RFC 4648 §4, padded), on OpenSSL's EVP_EncodeBlock and EVP_DecodeBlock. */
#include <limits.h>
#include <openssl/evp.h>
#include <string.h>

#include "common/base64.h"
#include "common/err.h"

/* Input bytes per EVP_EncodeBlock call: a multiple of 3, so the pieces'
 * text joins into the text of the whole, and within OpenSSL's int. */
#define ENCODE_PIECE	(3u * 1024 * 1024)

size_t
base64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t off = 0; off < n; off += ENCODE_PIECE) {
		size_t k = n - off < ENCODE_PIECE ? n - off : ENCODE_PIECE;

		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o,
		    in + off, (int)k);
	}
	out[o] = '\0';
	return o;
}

static int
value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
base64_check(const char *s, size_t n, size_t *dlen)
{
	size_t pad = 0;

	if (n % 4 != 0)
		return ISA_ERR_PARSE;
	if (n == 0) {
		*dlen = 0;
		return 0;
	}
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < n - pad; i++)
		if (value((unsigned char)s[i]) < 0)
			return ISA_ERR_PARSE;
	/* The bits beside the padding must be zero: one encoding per value. */
	if ((pad == 1 && (value((unsigned char)s[n - 2]) & 0x03) != 0) ||
	    (pad == 2 && (value((unsigned char)s[n - 3]) & 0x0f) != 0))
		return ISA_ERR_PARSE;
	*dlen = n / 4 * 3 - pad;
	return 0;
}

int
base64_decode(const char *s, size_t n, uint8_t *out, size_t cap,
    size_t *dlen)
{
	unsigned char last[3];
	size_t len;
	int rc;

	if ((rc = base64_check(s, n, &len)) != 0)
		return rc;
	if (len > cap || n > INT_MAX)
		return ISA_ERR_RANGE;
	*dlen = len;
	if (n == 0)
		return 0;
	/* EVP_DecodeBlock writes 3 bytes for every 4 characters, padding
	 * included: all but the last group straight into out (they fill
	 * len bytes at most), the last through a buffer of its own. */
	if (n > 4)
		(void)EVP_DecodeBlock(out, (const unsigned char *)s,
		    (int)(n - 4));
	(void)EVP_DecodeBlock(last, (const unsigned char *)s + n - 4, 4);
	memcpy(out + (n - 4) / 4 * 3, last, len - (n - 4) / 4 * 3);
	return 0;
}
