/* z85.h: Z85 (ZeroMQ RFC 32) encoding of CURVE keys, so policy/ needs no libzmq. */
#ifndef ISA_POLICY_Z85_H
#define ISA_POLICY_Z85_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the len characters at text (len a multiple of 5) into len / 5 * 4
 * bytes at out, which must have room for outlen bytes.  Every character must
 * be in the Z85 alphabet and every 5-character group must encode a value
 * below 2^32, so each byte string has exactly one encoding.  Returns 0, or
 * ISA_ERR_PARSE (bad length, character or group; out is then zeroed) or
 * ISA_ERR_RANGE (outlen differs from len / 5 * 4).  Allocates nothing.
 */
__attribute__((warn_unused_result))
int policy_z85_decode(const char *text, size_t len, uint8_t *out,
    size_t outlen);

/*
 * Encode len bytes at data (len a multiple of 4) as len / 4 * 5 characters
 * and a NUL at out, which has room for outlen bytes.  Returns 0, or
 * ISA_ERR_RANGE when len is not a multiple of 4 or out is too small.
 */
__attribute__((warn_unused_result))
int policy_z85_encode(const uint8_t *data, size_t len, char *out,
    size_t outlen);

#endif
