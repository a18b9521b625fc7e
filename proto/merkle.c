/* merkle.c: RFC 6962 / RFC 9162 Merkle tree hashing, compact ranges, inclusion and consistency proofs (pure, no I/O). */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "common/wipe.h"
#include "proto/merkle.h"

/* SHA-256("") */
static const uint8_t empty_root[MERKLE_HASH_LEN] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
	0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

/*
 * OpenSSL 3 looks EVP_sha256() up in its provider store at every
 * EVP_DigestInit: fetching it once and keeping one context per thread
 * doubles the hashing rate of small records (bench/bench_merkle.c).
 */
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static EVP_MD *hash_md;			/* NULL when the fetch failed */
static pthread_key_t hash_key;		/* this thread's EVP_MD_CTX */

static void
hash_ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void
hash_init(void)
{
	EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);

	if (md == NULL)
		return;
	if (pthread_key_create(&hash_key, hash_ctx_free) != 0) {
		EVP_MD_free(md);
		return;
	}
	hash_md = md;
}

/* SHA-256(a || b) into out; b may be NULL when blen is 0. */
static int
hash2(const void *a, size_t alen, const void *b, size_t blen,
    uint8_t out[MERKLE_HASH_LEN])
{
	EVP_MD_CTX *ctx;
	unsigned n = MERKLE_HASH_LEN;

	if (pthread_once(&hash_once, hash_init) != 0 || hash_md == NULL)
		return ISA_ERR_CRYPTO;
	if ((ctx = pthread_getspecific(hash_key)) == NULL) {
		if ((ctx = EVP_MD_CTX_new()) == NULL)
			return ISA_ERR_NOMEM;
		if (pthread_setspecific(hash_key, ctx) != 0) {
			EVP_MD_CTX_free(ctx);
			return ISA_ERR_NOMEM;
		}
	}
	if (EVP_DigestInit_ex2(ctx, hash_md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1)
		return ISA_ERR_CRYPTO;
	return 0;
}

int
merkle_hash_leaf(const void *data, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
	static const uint8_t prefix = 0x00;
	uint8_t buf[512];

	/* One update is cheaper than two for records of audit size. */
	if (len < sizeof(buf)) {
		buf[0] = prefix;
		if (len > 0)
			memcpy(buf + 1, data, len);
		return hash2(buf, len + 1, NULL, 0, out);
	}
	return hash2(&prefix, 1, data, len, out);
}

int
merkle_hash_children(const uint8_t left[MERKLE_HASH_LEN],
    const uint8_t right[MERKLE_HASH_LEN], uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t buf[1 + 2 * MERKLE_HASH_LEN];

	/* One update of 65 bytes is cheaper than three small ones. */
	buf[0] = 0x01;
	memcpy(buf + 1, left, MERKLE_HASH_LEN);
	memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
	return hash2(buf, sizeof(buf), NULL, 0, out);
}

void
merkle_empty_root(uint8_t out[MERKLE_HASH_LEN])
{
	memcpy(out, empty_root, MERKLE_HASH_LEN);
}

static unsigned
popcount64(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
}

/* The largest power of two below n; n >= 2. */
static uint64_t
split_point(uint64_t n)
{
	return UINT64_C(1) << (63 - __builtin_clzll(n - 1));
}

void
merkle_compact_init(merkle_compact_t *r)
{
	memset(r, 0, sizeof(*r));
}

/* Append the root h of a perfect subtree of 2^height leaves to r, whose
 * size is a multiple of 2^height.  On error r is unchanged. */
static int
append_subtree(merkle_compact_t *r, const uint8_t h0[MERKLE_HASH_LEN],
    unsigned height)
{
	uint8_t h[MERKLE_HASH_LEN];
	unsigned count = popcount64(r->size);
	uint64_t n = r->size >> height;
	int rc;

	memcpy(h, h0, MERKLE_HASH_LEN);
	for (; n & 1; n >>= 1)
		if ((rc = merkle_hash_children(r->hashes[--count], h, h)) != 0)
			return rc;
	memcpy(r->hashes[count], h, MERKLE_HASH_LEN);
	r->size += (uint64_t)1 << height;
	return 0;
}

int
merkle_compact_append(merkle_compact_t *r,
    const uint8_t leaf_hash[MERKLE_HASH_LEN])
{
	if (r->size == UINT64_MAX)
		return ISA_ERR_RANGE;
	return append_subtree(r, leaf_hash, 0);
}

int
merkle_compact_merge(merkle_compact_t *r, const merkle_compact_t *next)
{
	merkle_compact_t t = *r;
	unsigned count = 0;
	uint64_t align;
	int rc;

	if (next->size == 0)
		return 0;
	/* Its largest subtree must start where a subtree of r could end. */
	align = ((uint64_t)1 << (63 - __builtin_clzll(next->size))) - 1;
	if ((r->size & align) != 0)
		return ISA_ERR_RANGE;
	if (next->size > UINT64_MAX - r->size)
		return ISA_ERR_RANGE;
	for (unsigned height = 64; height-- > 0;) {
		if (!(next->size >> height & 1))
			continue;
		if ((rc = append_subtree(&t, next->hashes[count++], height)) != 0)
			return rc;
	}
	*r = t;
	return 0;
}

int
merkle_compact_root(const merkle_compact_t *r, uint8_t root[MERKLE_HASH_LEN])
{
	uint8_t h[MERKLE_HASH_LEN];
	unsigned count = popcount64(r->size);
	int rc;

	if (count == 0) {
		merkle_empty_root(root);
		return 0;
	}
	/* RFC 6962 splits at the largest power of two: the right edge folds
	 * first. */
	memcpy(h, r->hashes[count - 1], MERKLE_HASH_LEN);
	for (unsigned i = count - 1; i-- > 0;)
		if ((rc = merkle_hash_children(r->hashes[i], h, h)) != 0)
			return rc;
	memcpy(root, h, MERKLE_HASH_LEN);
	return 0;
}

int
merkle_compact_encode(const merkle_compact_t *r, uint8_t *buf, size_t cap,
    size_t *len)
{
	unsigned count = popcount64(r->size);
	size_t need = 8 + (size_t)count * MERKLE_HASH_LEN;

	if (cap < need)
		return ISA_ERR_RANGE;
	be64_put(buf, r->size);
	memcpy(buf + 8, r->hashes, (size_t)count * MERKLE_HASH_LEN);
	*len = need;
	return 0;
}

int
merkle_compact_decode(const uint8_t *buf, size_t len, merkle_compact_t *r)
{
	uint64_t size = 0;
	unsigned count;

	merkle_compact_init(r);
	if (len < 8)
		return ISA_ERR_PARSE;
	size = be64_get(buf);
	count = popcount64(size);
	if (len - 8 != (size_t)count * MERKLE_HASH_LEN)
		return ISA_ERR_PARSE;
	r->size = size;
	memcpy(r->hashes, buf + 8, (size_t)count * MERKLE_HASH_LEN);
	return 0;
}

/* Where the proof functions take hashes from. */
struct source {
	merkle_subtree_fn fn;
	void *arg;
};

/* The perfect subtree of 2^level leaves at begin: from the caller, or, when
 * the caller keeps no such node, from its children. */
static int
subtree_hash(const struct source *s, uint64_t begin, unsigned level,
    uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t left[MERKLE_HASH_LEN], right[MERKLE_HASH_LEN];
	uint64_t half;
	int rc;

	rc = s->fn(s->arg, begin, level, out);
	if (rc != ISA_ERR_NOTFOUND || level == 0)
		return rc;
	half = UINT64_C(1) << (level - 1);
	if ((rc = subtree_hash(s, begin, level - 1, left)) != 0 ||
	    (rc = subtree_hash(s, begin + half, level - 1, right)) != 0)
		return rc;
	return merkle_hash_children(left, right, out);
}

/* MTH(D[begin:end]), begin < end, as RFC 9162 §2.1.1 defines it. */
static int
range_hash(const struct source *s, uint64_t begin, uint64_t end,
    uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t left[MERKLE_HASH_LEN], right[MERKLE_HASH_LEN];
	uint64_t n = end - begin, k;
	int rc;

	if ((n & (n - 1)) == 0 && begin % n == 0)
		return subtree_hash(s, begin, (unsigned)__builtin_ctzll(n), out);
	k = split_point(n);
	if ((rc = range_hash(s, begin, begin + k, left)) != 0 ||
	    (rc = range_hash(s, begin + k, end, right)) != 0)
		return rc;
	return merkle_hash_children(left, right, out);
}

/* The recursions below collect hashes root side first: proofs list them
 * leaf side first. */
static void
reverse(uint8_t *proof, size_t n)
{
	uint8_t t[MERKLE_HASH_LEN];

	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		memcpy(t, proof + i * MERKLE_HASH_LEN, MERKLE_HASH_LEN);
		memcpy(proof + i * MERKLE_HASH_LEN,
		    proof + (j - 1) * MERKLE_HASH_LEN, MERKLE_HASH_LEN);
		memcpy(proof + (j - 1) * MERKLE_HASH_LEN, t, MERKLE_HASH_LEN);
	}
}

int
merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_subtree_fn fn,
    void *arg, uint8_t *proof, size_t *n)
{
	const struct source s = { fn, arg };
	uint64_t begin = 0, end = size, k;
	size_t count = 0;
	int rc;

	*n = 0;
	if (index >= size)
		return ISA_ERR_RANGE;
	/* PATH(m, D[begin:end]), unrolled: each step keeps the half that
	 * holds the leaf and records the other. */
	while (end - begin > 1) {
		uint8_t *h = proof + count++ * MERKLE_HASH_LEN;

		k = split_point(end - begin);
		if (index < begin + k) {
			rc = range_hash(&s, begin + k, end, h);
			end = begin + k;
		} else {
			rc = range_hash(&s, begin, begin + k, h);
			begin += k;
		}
		if (rc != 0)
			return rc;
	}
	reverse(proof, count);
	*n = count;
	return 0;
}

int
merkle_consistency_proof(uint64_t size1, uint64_t size2, merkle_subtree_fn fn,
    void *arg, uint8_t *proof, size_t *n)
{
	const struct source s = { fn, arg };
	uint64_t begin = 0, end = size2, k;
	size_t count = 0;
	bool whole = true;	/* SUBPROOF's b: [0, size1) is a node we have */
	int rc;

	*n = 0;
	if (size1 > size2)
		return ISA_ERR_RANGE;
	if (size1 == 0 || size1 == size2)
		return 0;
	/* SUBPROOF(m, D[begin:end], b), unrolled; size1 stays in (begin, end]. */
	for (;;) {
		uint8_t *h = proof + count * MERKLE_HASH_LEN;

		if (size1 == end) {
			if (!whole) {
				if ((rc = range_hash(&s, begin, end, h)) != 0)
					return rc;
				count++;
			}
			break;
		}
		k = split_point(end - begin);
		if (size1 <= begin + k) {
			rc = range_hash(&s, begin + k, end, h);
			end = begin + k;
		} else {
			rc = range_hash(&s, begin, begin + k, h);
			begin += k;
			whole = false;
		}
		if (rc != 0)
			return rc;
		count++;
	}
	reverse(proof, count);
	*n = count;
	return 0;
}

int
merkle_inclusion_verify(uint64_t index, uint64_t size,
    const uint8_t leaf_hash[MERKLE_HASH_LEN], const uint8_t *proof, size_t n,
    const uint8_t root[MERKLE_HASH_LEN])
{
	uint8_t r[MERKLE_HASH_LEN];
	uint64_t fn = index, sn;
	int rc;

	if (index >= size)
		return ISA_ERR_RANGE;
	sn = size - 1;
	memcpy(r, leaf_hash, MERKLE_HASH_LEN);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = proof + i * MERKLE_HASH_LEN;

		if (sn == 0)
			return ISA_ERR_CRYPTO;	/* too long */
		if ((fn & 1) || fn == sn) {
			rc = merkle_hash_children(p, r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			rc = merkle_hash_children(r, p, r);
		if (rc != 0)
			return rc;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !isa_ct_equal(r, root, MERKLE_HASH_LEN))
		return ISA_ERR_CRYPTO;
	return 0;
}

int
merkle_consistency_verify(uint64_t size1, uint64_t size2,
    const uint8_t root1[MERKLE_HASH_LEN], const uint8_t root2[MERKLE_HASH_LEN],
    const uint8_t *proof, size_t n)
{
	uint8_t fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	uint64_t fn, sn;
	size_t i = 0;
	int rc;

	if (size1 > size2)
		return ISA_ERR_RANGE;
	if (size1 == size2)
		return n == 0 && isa_ct_equal(root1, root2, MERKLE_HASH_LEN) ?
		    0 : ISA_ERR_CRYPTO;
	if (size1 == 0)
		return n == 0 && isa_ct_equal(root1, empty_root,
		    MERKLE_HASH_LEN) ? 0 : ISA_ERR_CRYPTO;
	if (n == 0)
		return ISA_ERR_CRYPTO;
	/* When size1 is a power of two its root is the proof's implicit
	 * first element (RFC 9162 §2.1.4.2 step 2). */
	if ((size1 & (size1 - 1)) == 0)
		memcpy(fr, root1, MERKLE_HASH_LEN);
	else
		memcpy(fr, proof + i++ * MERKLE_HASH_LEN, MERKLE_HASH_LEN);
	memcpy(sr, fr, MERKLE_HASH_LEN);
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		const uint8_t *c = proof + i * MERKLE_HASH_LEN;

		if (sn == 0)
			return ISA_ERR_CRYPTO;	/* too long */
		if ((fn & 1) || fn == sn) {
			if ((rc = merkle_hash_children(c, fr, fr)) != 0 ||
			    (rc = merkle_hash_children(c, sr, sr)) != 0)
				return rc;
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if ((rc = merkle_hash_children(sr, c, sr)) != 0)
			return rc;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !isa_ct_equal(fr, root1, MERKLE_HASH_LEN) ||
	    !isa_ct_equal(sr, root2, MERKLE_HASH_LEN))
		return ISA_ERR_CRYPTO;
	return 0;
}
