/* sha256.h: SHA-256 of content, streaming (OpenSSL), the same at both ends. */
#ifndef ISA_PROTO_SHA256_H
#define ISA_PROTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

typedef struct sha256 sha256_t;

/* A new running hash; NULL when out of memory. */
sha256_t *sha256_new(void);

/* Add len bytes. */
void sha256_update(sha256_t *h, const void *data, size_t len);

/* The digest of everything added; the hash may not be updated after. */
void sha256_final(sha256_t *h, uint8_t out[SHA256_LEN]);

/* Free; NULL accepted. */
void sha256_free(sha256_t *h);

/* One shot. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/* Lower-case hex of a digest into out (2 * SHA256_LEN + 1 bytes). */
void sha256_hex(const uint8_t d[SHA256_LEN], char *out);

#endif
