/* base64.h: strict standard base64 (RFC 4648 §4, padded), on OpenSSL's EVP_EncodeBlock and EVP_DecodeBlock. */
#ifndef ISA_COMMON_BASE64_H
#define ISA_COMMON_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters in the padded base64 of n bytes, without a NUL. */
#define BASE64_LEN(n)	((((n) + 2) / 3) * 4)

/*
 * Write the padded standard base64 of the n bytes at in into out, which
 * has room for BASE64_LEN(n) + 1 bytes, and a NUL after it.  Returns the
 * number of characters written before the NUL (BASE64_LEN(n)).  Cannot
 * fail; the caller owns both buffers.
 */
size_t base64_encode(const uint8_t *in, size_t n, char *out);

/*
 * Whether the n characters at s (not NUL-terminated; a NUL among them is
 * refused) are standard base64 in its one canonical padded form: a length
 * that is a multiple of 4, only A-Z a-z 0-9 + /, padding ('=' or '==') only
 * at the very end, nothing after it, and zero bits beside the padding.
 * EVP_DecodeBlock alone would take whitespace, padding in the middle and
 * stray bits, and counts padding as zero bytes.  On success *dlen receives
 * the decoded length.  Returns 0, or ISA_ERR_PARSE with *dlen untouched.
 * The empty string is valid and decodes to nothing.
 */
__attribute__((warn_unused_result))
int base64_check(const char *s, size_t n, size_t *dlen);

/*
 * Decode the n characters at s, refused exactly as base64_check refuses
 * them, into out, which has room for cap bytes; *dlen receives the decoded
 * length.  One pass over s (OpenSSL's), so it suits long input.  Returns 0;
 * ISA_ERR_PARSE (not canonical base64: out's first cap bytes may have been
 * written, *dlen is untouched); ISA_ERR_RANGE (canonical, but it decodes to
 * more than cap bytes, or n is beyond OpenSSL's int: nothing written).
 */
__attribute__((warn_unused_result))
int base64_decode(const char *s, size_t n, uint8_t *out, size_t cap,
    size_t *dlen);

#endif
