/* sha256.c: SHA-256 of content, streaming (OpenSSL), the same at both ends. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "proto/sha256.h"

struct sha256 {
	EVP_MD_CTX *ctx;
};

sha256_t *
sha256_new(void)
{
	sha256_t *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		sha256_free(h);
		return NULL;
	}
	return h;
}

void
sha256_update(sha256_t *h, const void *data, size_t len)
{
	/* Cannot fail for SHA-256 once initialised. */
	(void)EVP_DigestUpdate(h->ctx, data, len);
}

void
sha256_final(sha256_t *h, uint8_t out[SHA256_LEN])
{
	unsigned n = SHA256_LEN;

	(void)EVP_DigestFinal_ex(h->ctx, out, &n);
}

void
sha256_free(sha256_t *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
sha256(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	unsigned n = SHA256_LEN;

	(void)EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void
sha256_hex(const uint8_t d[SHA256_LEN], char *out)
{
	for (int i = 0; i < SHA256_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}
