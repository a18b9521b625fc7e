/* bench_merkle.c: audit records per second into the RFC 6962 compact range (the offline verifier's inner loop), against the SHA-256 ceiling (not a test). */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "proto/merkle.h"

#define DEFAULT_RECORDS	1000000L
#define RUNS		3	/* best of: the machine is shared */
#define TARGET		1e6	/* records/s the offline verify must reach */

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Record i: 180 to 220 bytes (200 on average), about the size of an encoded
 * audit record, its first bytes the sequence number so that no two are
 * alike.  Made in place, at a cost small beside hashing, and the same for
 * every phase.
 */
static size_t
record(uint8_t *buf, long i)
{
	size_t len = 180 + (size_t)(i % 41);

	for (int k = 0; k < 8; k++)
		buf[k] = (uint8_t)((uint64_t)i >> (8 * k));
	return len;
}

static void
check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "bench_merkle: %s: %s\n", what,
		    isa_strerror(rc));
		exit(1);
	}
}

/* Plain SHA-256 of each record, one context reused: OpenSSL's rate. */
static double
run_sha256(long n, uint8_t *buf, uint8_t out[MERKLE_HASH_LEN])
{
	EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	double t;

	if (md == NULL || ctx == NULL)
		check(ISA_ERR_CRYPTO, "SHA-256");
	t = seconds();
	for (long i = 0; i < n; i++) {
		size_t len = record(buf, i);

		if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
		    EVP_DigestUpdate(ctx, buf, len) != 1 ||
		    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
			check(ISA_ERR_CRYPTO, "SHA-256");
		buf[8] ^= out[0];	/* keep every hash live */
	}
	t = seconds() - t;
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return t;
}

/* The leaf hash alone: SHA-256(0x00 || record) through merkle.c. */
static double
run_leaf(long n, uint8_t *buf, uint8_t out[MERKLE_HASH_LEN])
{
	double t = seconds();

	for (long i = 0; i < n; i++) {
		check(merkle_hash_leaf(buf, record(buf, i), out), "leaf hash");
		buf[8] ^= out[0];
	}
	return seconds() - t;
}

/* What `isa audit verify` does per record: leaf hash, then append. */
static double
run_tree(long n, uint8_t *buf, uint8_t root[MERKLE_HASH_LEN])
{
	uint8_t leaf[MERKLE_HASH_LEN];
	merkle_compact_t r;
	double t = seconds();

	merkle_compact_init(&r);
	for (long i = 0; i < n; i++) {
		check(merkle_hash_leaf(buf, record(buf, i), leaf), "leaf hash");
		check(merkle_compact_append(&r, leaf), "append");
	}
	check(merkle_compact_root(&r, root), "root");
	return seconds() - t;
}

int
main(int argc, char **argv)
{
	uint8_t buf[256], h[MERKLE_HASH_LEN];
	double best_sha = 1e30, best_leaf = 1e30, best_tree = 1e30, t;
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_RECORDS;
	char hex[2 * MERKLE_HASH_LEN + 1];

	if (n <= 0) {
		fprintf(stderr, "usage: bench_merkle [RECORDS]\n");
		return 2;
	}
	memset(buf, 0xa5, sizeof(buf));
	for (int run = 0; run < RUNS; run++) {
		if ((t = run_sha256(n, buf, h)) < best_sha)
			best_sha = t;
		if ((t = run_leaf(n, buf, h)) < best_leaf)
			best_leaf = t;
		memset(buf, 0xa5, sizeof(buf));
		if ((t = run_tree(n, buf, h)) < best_tree)
			best_tree = t;
	}
	for (int i = 0; i < MERKLE_HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	printf("bench_merkle: %ld records of 180-220 bytes (200 on average), "
	    "best of %d runs\n", n, RUNS);
	printf("  SHA-256 of each record (ceiling)   %12.0f records/s  "
	    "%7.1f MB/s\n", n / best_sha, n * 200.0 / best_sha / 1e6);
	printf("  leaf hash alone (0x00 || record)   %12.0f records/s\n",
	    n / best_leaf);
	printf("  leaf hash + compact range append   %12.0f records/s  "
	    "root %.16s...\n", n / best_tree, hex);
	printf("  ratio to the SHA-256 ceiling       %12.2f\n",
	    best_sha / best_tree);
	printf("  target %.0f records/s: %s\n", TARGET,
	    n / best_tree >= TARGET ? "met" : "NOT met");
	return 0;
}
