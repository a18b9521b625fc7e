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
	size_t pad, head, len;

	if (n % 4 != 0)
		return ISA_ERR_PARSE;
	if (n == 0) {
		*dlen = 0;
		return 0;
	}
	if (n > INT_MAX)
		return ISA_ERR_RANGE;
	pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
	len = n / 4 * 3 - pad;
	if (len > cap) {
		size_t k;

		return base64_check(s, n, &k) != 0 ? ISA_ERR_PARSE :
		    ISA_ERR_RANGE;
	}
	/*
	 * One pass, in OpenSSL: EVP_DecodeBlock refuses characters outside
	 * the alphabet and whitespace inside, trims whitespace at the ends
	 * (then fewer bytes come out than asked for), reads '=' as zero bits
	 * and writes 3 bytes for every 4 characters, padding included.  So:
	 * '=' only as padding, every byte asked for, the padding's bits zero;
	 * the last group through a buffer of its own, so that out needs room
	 * for len bytes only.
	 */
	if (memchr(s, '=', n - pad) != NULL)
		return ISA_ERR_PARSE;
	head = n - 4;
	if (EVP_DecodeBlock(last, (const unsigned char *)s + head, 4) != 3 ||
	    (pad > 0 && last[2] != 0) || (pad > 1 && last[1] != 0))
		return ISA_ERR_PARSE;
	if (head > 0 && EVP_DecodeBlock(out, (const unsigned char *)s,
	    (int)head) != (int)(head / 4 * 3))
		return ISA_ERR_PARSE;
	memcpy(out + head / 4 * 3, last, 3 - pad);
	*dlen = len;
	return 0;
}
