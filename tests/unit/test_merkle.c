/* test_merkle.c: RFC 6962 Merkle hashing against the CT / transparency-dev vectors, and proofs by property. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "proto/merkle.h"

#define H MERKLE_HASH_LEN

/* A call that must succeed; a failure names the line and the error. */
#define CHECK(e) do {							\
	int rc_ = (e);							\
	if (rc_ != 0)							\
		fail_msg("%s:%d: %s: %s", __FILE__, __LINE__, #e,	\
		    isa_strerror(rc_));					\
} while (0)

/* A call that must fail with code c. */
#define EXPECT(e, c) do {						\
	int rc_ = (e);							\
	if (rc_ != (c))							\
		fail_msg("%s:%d: %s: got \"%s\", want \"%s\"", __FILE__,	\
		    __LINE__, #e, rc_ == 0 ? "success" : isa_strerror(rc_),	\
		    isa_strerror(c));					\
} while (0)

/*
 * The vectors are data from Certificate Transparency's merkle_tree_test.cc,
 * as carried by github.com/transparency-dev/merkle proof/verify_test.go: the
 * eight leaf inputs, the root of every tree size 1..8, and the published
 * inclusion and consistency proofs.
 */
static const char *const ct_leaves[] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

static const char *const ct_roots[] = {	/* index = tree size */
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vector {
	uint64_t a, b;		/* leaf index and size, or size1 and size2 */
	const char *proof[4];
};

/* Inclusion: leaf index (0-based here), tree size, proof. */
static const struct vector ct_inclusion[] = {
	{ 0, 1, { NULL } },
	{ 0, 8, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	} },
	{ 5, 8, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	} },
	{ 2, 3, {
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	} },
	{ 1, 5, {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	} },
};

/* Consistency: size1, size2, proof. */
static const struct vector ct_consistency[] = {
	{ 1, 1, { NULL } },
	{ 1, 8, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	} },
	{ 6, 8, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	} },
	{ 2, 5, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	} },
	{ 6, 7, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	} },
};

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = strlen(s) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			fail_msg("bad hex in the test: %s", s);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void
hex(const uint8_t *h, char *out)
{
	for (int i = 0; i < H; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Compare a hash with its hex, naming what it is on a mismatch. */
#define HASH_EQ(h, want, ...) do {					\
	char got_[2 * H + 1];						\
	hex(h, got_);							\
	if (strcmp(got_, want) != 0) {					\
		print_error(__VA_ARGS__);				\
		fail_msg("%s:%d: got %s, want %s", __FILE__, __LINE__,	\
		    got_, want);					\
	}								\
} while (0)

/* A tree kept whole: leaf hashes, and every perfect subtree by level. */
#define MAXLEAVES 300

struct tree {
	uint64_t n;
	uint8_t leaf[MAXLEAVES][H];
	uint8_t (*level[10])[H];	/* level[l][i]: leaves [i<<l, (i+1)<<l) */
	int leaves_only;		/* answer NOTFOUND above level 0 */
	int calls;
};

static void
tree_build(struct tree *t, uint64_t n)
{
	t->n = n;
	for (unsigned l = 1; l < 10; l++) {
		uint64_t count = n >> l;

		t->level[l] = calloc(count + 1, H);
		assert_non_null(t->level[l]);
		for (uint64_t i = 0; i < count; i++) {
			const uint8_t *a = l == 1 ? t->leaf[2 * i] :
			    t->level[l - 1][2 * i];
			const uint8_t *b = l == 1 ? t->leaf[2 * i + 1] :
			    t->level[l - 1][2 * i + 1];

			CHECK(merkle_hash_children(a, b, t->level[l][i]));
		}
	}
}

static void
tree_free(struct tree *t)
{
	for (unsigned l = 1; l < 10; l++)
		free(t->level[l]);
}

static int
tree_subtree(void *arg, uint64_t begin, unsigned level, uint8_t out[H])
{
	struct tree *t = arg;

	t->calls++;
	if (begin % (UINT64_C(1) << level) != 0)
		fail_msg("subtree at %llu level %u is not aligned",
		    (unsigned long long)begin, level);
	if (begin + (UINT64_C(1) << level) > t->n || level >= 10)
		fail_msg("subtree at %llu level %u is outside the tree",
		    (unsigned long long)begin, level);
	if (level == 0) {
		memcpy(out, t->leaf[begin], H);
		return 0;
	}
	if (t->leaves_only)
		return ISA_ERR_NOTFOUND;
	memcpy(out, t->level[level][begin >> level], H);
	return 0;
}

static int
failing_subtree(void *arg, uint64_t begin, unsigned level, uint8_t out[H])
{
	(void)arg;
	(void)begin;
	(void)level;
	(void)out;
	return ISA_ERR_IO;
}

/* MTH(D[begin:end]) straight from RFC 6962 §2.1, as the reference. */
static void
naive_root(const uint8_t (*leaf)[H], uint64_t n, uint8_t out[H])
{
	uint8_t l[H], r[H];
	uint64_t k = 1;

	if (n == 0) {
		merkle_empty_root(out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaf[0], H);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	naive_root(leaf, k, l);
	naive_root(leaf + k, n - k, r);
	CHECK(merkle_hash_children(l, r, out));
}

static struct tree *
ct_tree(void)
{
	struct tree *t = calloc(1, sizeof(*t));
	uint8_t data[16];

	assert_non_null(t);
	for (int i = 0; i < 8; i++) {
		size_t n = unhex(ct_leaves[i], data);

		CHECK(merkle_hash_leaf(n ? data : NULL, n, t->leaf[i]));
	}
	tree_build(t, 8);
	return t;
}

static void
test_ct_roots(void **state)
{
	struct tree *t = ct_tree();
	merkle_compact_t r;
	uint8_t root[H];

	(void)state;
	merkle_empty_root(root);
	HASH_EQ(root, ct_roots[0], "empty root\n");
	HASH_EQ(t->leaf[0], ct_roots[1], "leaf hash of the empty leaf\n");
	merkle_compact_init(&r);
	CHECK(merkle_compact_root(&r, root));
	HASH_EQ(root, ct_roots[0], "compact root of the empty tree\n");
	for (int n = 1; n <= 8; n++) {
		CHECK(merkle_compact_append(&r, t->leaf[n - 1]));
		assert_int_equal(r.size, n);
		CHECK(merkle_compact_root(&r, root));
		HASH_EQ(root, ct_roots[n], "compact root of size %d\n", n);
		naive_root((const uint8_t (*)[H])t->leaf, (uint64_t)n, root);
		HASH_EQ(root, ct_roots[n], "naive root of size %d\n", n);
	}
	tree_free(t);
	free(t);
}

static size_t
vector_proof(const struct vector *v, uint8_t *proof)
{
	size_t n = 0;

	for (; n < 4 && v->proof[n] != NULL; n++)
		unhex(v->proof[n], proof + n * H);
	return n;
}

static void
test_ct_inclusion(void **state)
{
	struct tree *t = ct_tree();
	uint8_t want[4 * H], got[MERKLE_PROOF_MAX * H], root[H];
	size_t nwant, ngot;

	(void)state;
	for (size_t i = 0; i < sizeof(ct_inclusion) / sizeof(ct_inclusion[0]);
	    i++) {
		const struct vector *v = &ct_inclusion[i];

		nwant = vector_proof(v, want);
		t->n = v->b;
		CHECK(merkle_inclusion_proof(v->a, v->b, tree_subtree, t, got,
		    &ngot));
		assert_int_equal(ngot, nwant);
		assert_memory_equal(got, want, nwant * H);
		unhex(ct_roots[v->b], root);
		CHECK(merkle_inclusion_verify(v->a, v->b, t->leaf[v->a], want,
		    nwant, root));
		/* The Go suite's probes: wrong index, size, leaf or root. */
		if (v->a > 0)
			EXPECT(merkle_inclusion_verify(v->a - 1, v->b,
			    t->leaf[v->a], want, nwant, root), ISA_ERR_CRYPTO);
		if (v->a + 1 < v->b)
			EXPECT(merkle_inclusion_verify(v->a + 1, v->b,
			    t->leaf[v->a], want, nwant, root), ISA_ERR_CRYPTO);
		EXPECT(merkle_inclusion_verify(v->a, v->b * 2, t->leaf[v->a],
		    want, nwant, root), ISA_ERR_CRYPTO);
		if (v->b / 2 > v->a)
			EXPECT(merkle_inclusion_verify(v->a, v->b / 2,
			    t->leaf[v->a], want, nwant, root), ISA_ERR_CRYPTO);
		EXPECT(merkle_inclusion_verify(v->a, v->b, t->leaf[7 - v->a],
		    want, nwant, root), ISA_ERR_CRYPTO);
		merkle_empty_root(root);
		EXPECT(merkle_inclusion_verify(v->a, v->b, t->leaf[v->a], want,
		    nwant, root), ISA_ERR_CRYPTO);
	}
	/* Index outside the tree. */
	EXPECT(merkle_inclusion_verify(1, 1, t->leaf[0], NULL, 0, t->leaf[0]),
	    ISA_ERR_RANGE);
	EXPECT(merkle_inclusion_verify(0, 0, t->leaf[0], NULL, 0, t->leaf[0]),
	    ISA_ERR_RANGE);
	EXPECT(merkle_inclusion_proof(8, 8, tree_subtree, t, got, &ngot),
	    ISA_ERR_RANGE);
	tree_free(t);
	free(t);
}

static void
test_ct_consistency(void **state)
{
	struct tree *t = ct_tree();
	uint8_t want[4 * H], got[MERKLE_PROOF_MAX * H], r1[H], r2[H];
	size_t nwant, ngot;

	(void)state;
	for (size_t i = 0; i < sizeof(ct_consistency) /
	    sizeof(ct_consistency[0]); i++) {
		const struct vector *v = &ct_consistency[i];

		nwant = vector_proof(v, want);
		t->n = v->b;
		CHECK(merkle_consistency_proof(v->a, v->b, tree_subtree, t, got,
		    &ngot));
		assert_int_equal(ngot, nwant);
		assert_memory_equal(got, want, nwant * H);
		unhex(ct_roots[v->a], r1);
		unhex(ct_roots[v->b], r2);
		CHECK(merkle_consistency_verify(v->a, v->b, r1, r2, want,
		    nwant));
		if (v->a == v->b)
			continue;
		EXPECT(merkle_consistency_verify(v->a, v->b, r2, r1, want,
		    nwant), ISA_ERR_CRYPTO);
		EXPECT(merkle_consistency_verify(v->a, v->b, r1, r2, want, 0),
		    ISA_ERR_CRYPTO);
		EXPECT(merkle_consistency_verify(v->a + 1, v->b, r1, r2, want,
		    nwant), ISA_ERR_CRYPTO);
		EXPECT(merkle_consistency_verify(v->a, v->b * 2, r1, r2, want,
		    nwant), ISA_ERR_CRYPTO);
	}
	/* The Go suite's edge cases. */
	unhex(ct_roots[1], r1);
	unhex(ct_roots[2], r2);
	CHECK(merkle_consistency_verify(1, 1, r1, r1, NULL, 0));
	EXPECT(merkle_consistency_verify(1, 1, r1, r2, NULL, 0),
	    ISA_ERR_CRYPTO);
	EXPECT(merkle_consistency_verify(1, 2, r1, r2, NULL, 0),
	    ISA_ERR_CRYPTO);
	EXPECT(merkle_consistency_verify(2, 1, r1, r2, NULL, 0),
	    ISA_ERR_RANGE);
	EXPECT(merkle_consistency_proof(2, 1, tree_subtree, t, got, &ngot),
	    ISA_ERR_RANGE);
	EXPECT(merkle_consistency_verify(1, 1, r1, r1, r1, 1),
	    ISA_ERR_CRYPTO);
	unhex(ct_roots[0], r1);
	CHECK(merkle_consistency_verify(0, 2, r1, r2, NULL, 0));
	CHECK(merkle_consistency_verify(0, 0, r1, r1, NULL, 0));
	EXPECT(merkle_consistency_verify(0, 2, r1, r2, r1, 1),
	    ISA_ERR_CRYPTO);
	/* Size 0 must come with the empty tree's root. */
	EXPECT(merkle_consistency_verify(0, 2, r2, r2, NULL, 0),
	    ISA_ERR_CRYPTO);
	CHECK(merkle_consistency_proof(0, 8, tree_subtree, t, got, &ngot));
	assert_int_equal(ngot, 0);
	CHECK(merkle_consistency_proof(8, 8, tree_subtree, t, got, &ngot));
	assert_int_equal(ngot, 0);
	tree_free(t);
	free(t);
}

static struct tree *
big_tree(void)
{
	struct tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	for (uint32_t i = 0; i < MAXLEAVES; i++) {
		uint8_t rec[8] = { 'r', 'e', 'c', (uint8_t)(i >> 24),
		    (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 0 };

		CHECK(merkle_hash_leaf(rec, (size_t)(i % 8) + 1, t->leaf[i]));
	}
	tree_build(t, MAXLEAVES);
	return t;
}

/*
 * A stretch of leaves built on its own and merged gives the root that
 * appending them one by one gives, for every split where the stretch is
 * aligned; a misaligned merge is refused and leaves r as it was.
 */
static void
test_compact_merge(void **state)
{
	struct tree *t = big_tree();
	merkle_compact_t r, part, before;
	uint8_t (*want)[H] = calloc(MAXLEAVES + 1, H), root[H];

	(void)state;
	assert_non_null(want);
	merkle_compact_init(&r);
	for (uint64_t n = 0; n <= MAXLEAVES; n++) {
		CHECK(merkle_compact_root(&r, want[n]));
		if (n < MAXLEAVES)
			CHECK(merkle_compact_append(&r, t->leaf[n]));
	}
	merkle_compact_init(&r);
	for (uint64_t start = 0; start <= MAXLEAVES; start++) {
		for (uint64_t len = 0; len <= 40 && start + len <= MAXLEAVES;
		    len++) {
			uint64_t high = len ? (uint64_t)1 << (63 -
			    __builtin_clzll(len)) : 1;

			merkle_compact_init(&part);
			for (uint64_t i = start; i < start + len; i++)
				CHECK(merkle_compact_append(&part, t->leaf[i]));
			before = r;
			if (start % high != 0) {
				EXPECT(merkle_compact_merge(&before, &part),
				    ISA_ERR_RANGE);
				assert_memory_equal(&r, &before, sizeof(r));
				continue;
			}
			CHECK(merkle_compact_merge(&before, &part));
			assert_int_equal(before.size, start + len);
			CHECK(merkle_compact_root(&before, root));
			if (memcmp(root, want[start + len], H) != 0)
				fail_msg("merging %llu leaves at %llu gives the "
				    "wrong root", (unsigned long long)len,
				    (unsigned long long)start);
		}
		if (start < MAXLEAVES)
			CHECK(merkle_compact_append(&r, t->leaf[start]));
	}
	free(want);
	tree_free(t);
	free(t);
}

/* Every compact root, and every root taken while streaming, is the naive
 * root; encode and decode keep it. */
static void
test_compact_property(void **state)
{
	struct tree *t = big_tree();
	merkle_compact_t r, back;
	uint8_t root[H], want[H], buf[MERKLE_COMPACT_ENCODED_MAX];
	size_t len;

	(void)state;
	merkle_compact_init(&r);
	for (uint64_t n = 1; n <= MAXLEAVES; n++) {
		CHECK(merkle_compact_append(&r, t->leaf[n - 1]));
		CHECK(merkle_compact_root(&r, root));
		naive_root((const uint8_t (*)[H])t->leaf, n, want);
		if (memcmp(root, want, H) != 0)
			fail_msg("compact root of size %llu differs from the "
			    "naive root", (unsigned long long)n);
		CHECK(merkle_compact_encode(&r, buf, sizeof(buf), &len));
		assert_int_equal(len, 8 + H * (size_t)__builtin_popcountll(n));
		CHECK(merkle_compact_decode(buf, len, &back));
		assert_int_equal(back.size, n);
		CHECK(merkle_compact_root(&back, root));
		assert_memory_equal(root, want, H);
		EXPECT(merkle_compact_encode(&r, buf, len - 1, &len),
		    ISA_ERR_RANGE);
	}
	tree_free(t);
	free(t);
}

static void
test_compact_decode_refusals(void **state)
{
	uint8_t buf[MERKLE_COMPACT_ENCODED_MAX + 1] = { 0 }, h[H] = { 1 };
	merkle_compact_t r;
	size_t len;

	(void)state;
	CHECK(merkle_compact_decode(buf, 8, &r));	/* empty tree */
	assert_int_equal(r.size, 0);
	EXPECT(merkle_compact_decode(buf, 0, &r), ISA_ERR_PARSE);
	EXPECT(merkle_compact_decode(buf, 7, &r), ISA_ERR_PARSE);
	EXPECT(merkle_compact_decode(buf, 9, &r), ISA_ERR_PARSE);
	buf[7] = 3;	/* size 3: two hashes */
	EXPECT(merkle_compact_decode(buf, 8 + H, &r), ISA_ERR_PARSE);
	EXPECT(merkle_compact_decode(buf, 8 + 3 * H, &r), ISA_ERR_PARSE);
	assert_int_equal(r.size, 0);
	CHECK(merkle_compact_decode(buf, 8 + 2 * H, &r));
	assert_int_equal(r.size, 3);
	/* 2^64 - 1 leaves: 64 hashes, and nothing more may be appended. */
	memset(buf, 0xff, 8);
	CHECK(merkle_compact_decode(buf, MERKLE_COMPACT_ENCODED_MAX, &r));
	EXPECT(merkle_compact_decode(buf, MERKLE_COMPACT_ENCODED_MAX + 1, &r),
	    ISA_ERR_PARSE);
	CHECK(merkle_compact_decode(buf, MERKLE_COMPACT_ENCODED_MAX, &r));
	EXPECT(merkle_compact_append(&r, h), ISA_ERR_RANGE);
	assert_int_equal(r.size, UINT64_MAX);
	CHECK(merkle_compact_encode(&r, buf, sizeof(buf), &len));
	assert_int_equal(len, MERKLE_COMPACT_ENCODED_MAX);
}

static void
flip(uint8_t *p, size_t i)
{
	p[i * H] ^= 0x08;
}

/* Every inclusion proof of every leaf in every tree up to 300 leaves
 * verifies, and no altered one does. */
static void
test_inclusion_property(void **state)
{
	struct tree *t = big_tree();
	uint8_t proof[(MERKLE_PROOF_MAX + 1) * H], root[H], other[H];
	size_t n;

	(void)state;
	for (uint64_t size = 1; size <= MAXLEAVES; size++) {
		t->n = size;
		naive_root((const uint8_t (*)[H])t->leaf, size, root);
		memcpy(other, root, H);
		other[H - 1] ^= 1;
		for (uint64_t i = 0; i < size; i++) {
			CHECK(merkle_inclusion_proof(i, size, tree_subtree, t,
			    proof, &n));
			if (merkle_inclusion_verify(i, size, t->leaf[i], proof,
			    n, root) != 0)
				fail_msg("leaf %llu of %llu does not verify",
				    (unsigned long long)i,
				    (unsigned long long)size);
			EXPECT(merkle_inclusion_verify(i, size, t->leaf[i],
			    proof, n, other), ISA_ERR_CRYPTO);
			if (i + 1 < size)
				EXPECT(merkle_inclusion_verify(i, size,
				    t->leaf[i + 1], proof, n, root),
				    ISA_ERR_CRYPTO);
			if (n > 0)
				EXPECT(merkle_inclusion_verify(i, size,
				    t->leaf[i], proof, n - 1, root),
				    ISA_ERR_CRYPTO);
			memcpy(proof + n * H, root, H);
			EXPECT(merkle_inclusion_verify(i, size, t->leaf[i],
			    proof, n + 1, root), ISA_ERR_CRYPTO);
			if (size > 1 && i + 1 < size)
				EXPECT(merkle_inclusion_verify(i + 1, size,
				    t->leaf[i], proof, n, root),
				    ISA_ERR_CRYPTO);
			for (size_t k = 0; k < n; k++) {
				flip(proof, k);
				EXPECT(merkle_inclusion_verify(i, size,
				    t->leaf[i], proof, n, root),
				    ISA_ERR_CRYPTO);
				flip(proof, k);
			}
		}
	}
	tree_free(t);
	free(t);
}

/* Every consistency proof (m, n), 0 <= m <= n <= 300, verifies, and no
 * altered one does. */
static void
test_consistency_property(void **state)
{
	struct tree *t = big_tree();
	uint8_t proof[(MERKLE_PROOF_MAX + 1) * H];
	uint8_t (*roots)[H] = calloc(MAXLEAVES + 1, H);
	size_t n;

	(void)state;
	assert_non_null(roots);
	for (uint64_t s = 0; s <= MAXLEAVES; s++)
		naive_root((const uint8_t (*)[H])t->leaf, s, roots[s]);
	for (uint64_t s2 = 1; s2 <= MAXLEAVES; s2++) {
		t->n = s2;
		for (uint64_t s1 = 0; s1 <= s2; s1++) {
			CHECK(merkle_consistency_proof(s1, s2, tree_subtree, t,
			    proof, &n));
			if (merkle_consistency_verify(s1, s2, roots[s1],
			    roots[s2], proof, n) != 0)
				fail_msg("consistency %llu -> %llu does not "
				    "verify", (unsigned long long)s1,
				    (unsigned long long)s2);
			if (s1 == 0 || s1 == s2)
				continue;
			EXPECT(merkle_consistency_verify(s1, s2, roots[s1 - 1],
			    roots[s2], proof, n), ISA_ERR_CRYPTO);
			EXPECT(merkle_consistency_verify(s1, s2, roots[s1],
			    roots[s2 - 1], proof, n), ISA_ERR_CRYPTO);
			EXPECT(merkle_consistency_verify(s1 - 1, s2, roots[s1],
			    roots[s2], proof, n), ISA_ERR_CRYPTO);
			if (s1 + 1 < s2)
				EXPECT(merkle_consistency_verify(s1 + 1, s2,
				    roots[s1], roots[s2], proof, n),
				    ISA_ERR_CRYPTO);
			EXPECT(merkle_consistency_verify(s1, s2, roots[s1],
			    roots[s2], proof, n - 1), ISA_ERR_CRYPTO);
			memcpy(proof + n * H, roots[s2], H);
			EXPECT(merkle_consistency_verify(s1, s2, roots[s1],
			    roots[s2], proof, n + 1), ISA_ERR_CRYPTO);
			for (size_t k = 0; k < n; k++) {
				flip(proof, k);
				EXPECT(merkle_consistency_verify(s1, s2,
				    roots[s1], roots[s2], proof, n),
				    ISA_ERR_CRYPTO);
				flip(proof, k);
			}
		}
	}
	free(roots);
	tree_free(t);
	free(t);
}

/* A caller that keeps only leaf hashes gets the same proofs; the proof
 * functions pass a caller's error back. */
static void
test_leaves_only(void **state)
{
	struct tree *t = big_tree();
	uint8_t a[MERKLE_PROOF_MAX * H], b[MERKLE_PROOF_MAX * H];
	size_t na, nb;

	(void)state;
	for (uint64_t size = 1; size <= 70; size++) {
		t->n = size;
		for (uint64_t i = 0; i < size; i++) {
			t->leaves_only = 0;
			CHECK(merkle_inclusion_proof(i, size, tree_subtree, t,
			    a, &na));
			t->leaves_only = 1;
			CHECK(merkle_inclusion_proof(i, size, tree_subtree, t,
			    b, &nb));
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na * H);
			t->leaves_only = 0;
			CHECK(merkle_consistency_proof(i, size, tree_subtree, t,
			    a, &na));
			t->leaves_only = 1;
			CHECK(merkle_consistency_proof(i, size, tree_subtree, t,
			    b, &nb));
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na * H);
		}
	}
	/* With every node at hand, a proof asks for O(log n) of them. */
	t->n = MAXLEAVES;
	t->leaves_only = 0;
	t->calls = 0;
	CHECK(merkle_inclusion_proof(123, MAXLEAVES, tree_subtree, t, a, &na));
	assert_true(t->calls <= 2 * 9);
	EXPECT(merkle_inclusion_proof(3, 8, failing_subtree, NULL, a, &na),
	    ISA_ERR_IO);
	EXPECT(merkle_consistency_proof(3, 8, failing_subtree, NULL, a, &na),
	    ISA_ERR_IO);
	tree_free(t);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_roots),
		cmocka_unit_test(test_ct_inclusion),
		cmocka_unit_test(test_ct_consistency),
		cmocka_unit_test(test_compact_property),
		cmocka_unit_test(test_compact_merge),
		cmocka_unit_test(test_compact_decode_refusals),
		cmocka_unit_test(test_inclusion_property),
		cmocka_unit_test(test_consistency_property),
		cmocka_unit_test(test_leaves_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
