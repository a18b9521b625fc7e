/* merkle.h: RFC 6962 / RFC 9162 Merkle tree hashing, compact ranges, inclusion and consistency proofs (pure, no I/O). */
#ifndef ISA_PROTO_MERKLE_H
#define ISA_PROTO_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN		32	/* SHA-256 */
#define MERKLE_MAX_HEIGHT	64	/* a tree of at most 2^64 - 1 leaves */
/* The longest inclusion or consistency proof, in hashes, for any tree. */
#define MERKLE_PROOF_MAX	(MERKLE_MAX_HEIGHT + 1)
/* The largest merkle_compact_encode output: the size, then 64 hashes. */
#define MERKLE_COMPACT_ENCODED_MAX (8 + MERKLE_MAX_HEIGHT * MERKLE_HASH_LEN)

/*
 * The tree is the RFC 6962 one (DESIGN §7): leaf hash = SHA-256(0x00 ||
 * leaf), interior node = SHA-256(0x01 || left || right), and the root of
 * the empty tree is SHA-256 of the empty string.  Every function here is
 * pure and safe to call from several threads at once; hashing uses OpenSSL
 * (one SHA-256 fetched once, one digest context per thread).
 */

/*
 * A compact range [0, size) ("Merkle tree frontier"): the roots of the
 * perfect subtrees that the tree of `size` leaves splits into, largest
 * (leftmost) first, one per bit set in size.  It is a plain value of fixed
 * size (like MDB_stat), so a caller may keep it on the stack, copy it, and
 * store merkle_compact_encode's bytes in LMDB.  Read size; change it only
 * through these functions.
 */
typedef struct merkle_compact {
	uint64_t size;				/* leaves appended so far */
	uint8_t hashes[MERKLE_MAX_HEIGHT][MERKLE_HASH_LEN];
} merkle_compact_t;

/* The leaf hash of len bytes at data (NULL accepted when len is 0) into out.
 * Returns 0, or ISA_ERR_CRYPTO / ISA_ERR_NOMEM when OpenSSL fails. */
__attribute__((warn_unused_result))
int merkle_hash_leaf(const void *data, size_t len,
    uint8_t out[MERKLE_HASH_LEN]);

/* The interior node hash of two children into out (which may alias either).
 * Returns 0, or ISA_ERR_CRYPTO / ISA_ERR_NOMEM when OpenSSL fails. */
__attribute__((warn_unused_result))
int merkle_hash_children(const uint8_t left[MERKLE_HASH_LEN],
    const uint8_t right[MERKLE_HASH_LEN], uint8_t out[MERKLE_HASH_LEN]);

/* The root of the empty tree, SHA-256(""), into out.  Cannot fail. */
void merkle_empty_root(uint8_t out[MERKLE_HASH_LEN]);

/* Make r the compact range of the empty tree. */
void merkle_compact_init(merkle_compact_t *r);

/*
 * Append one leaf, given by its leaf hash, to r: O(log size) node hashes,
 * one on average.  On error r is unchanged.  Returns 0, ISA_ERR_RANGE when
 * r already holds 2^64 - 1 leaves, or ISA_ERR_CRYPTO / ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int merkle_compact_append(merkle_compact_t *r,
    const uint8_t leaf_hash[MERKLE_HASH_LEN]);

/*
 * Append to r the leaves that next, the compact range of a later stretch
 * of the same tree built on its own from size 0, covers: as if each of its
 * leaves were appended in turn.  r's size must be a multiple of the
 * largest power of two in next's size (the stretch starts where a subtree
 * of that size may).  On error r is unchanged.  Returns 0, ISA_ERR_RANGE
 * when it is not so aligned or the tree would pass 2^64 - 1 leaves, or
 * ISA_ERR_CRYPTO / ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int merkle_compact_merge(merkle_compact_t *r, const merkle_compact_t *next);

/*
 * The root hash of the tree r describes into root.  Streaming use (the
 * offline verifier): append leaf hashes in order and take the root
 * whenever r->size reaches a size of interest.  Returns 0, or
 * ISA_ERR_CRYPTO / ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int merkle_compact_root(const merkle_compact_t *r,
    uint8_t root[MERKLE_HASH_LEN]);

/*
 * Serialise r into buf (cap bytes): the size as a big-endian u64, then
 * popcount(size) hashes, largest subtree first.  *len receives the length,
 * at most MERKLE_COMPACT_ENCODED_MAX.  Returns 0, or ISA_ERR_RANGE when cap
 * is too small (nothing written).
 */
__attribute__((warn_unused_result))
int merkle_compact_encode(const merkle_compact_t *r, uint8_t *buf,
    size_t cap, size_t *len);

/*
 * Decode len bytes at buf, as merkle_compact_encode writes them, into r.
 * The length must be exactly 8 + 32 * popcount(size): nothing missing and
 * nothing left over.  Never reads past len.  On error r is the empty range.
 * Returns 0 or ISA_ERR_PARSE.
 */
__attribute__((warn_unused_result))
int merkle_compact_decode(const uint8_t *buf, size_t len,
    merkle_compact_t *r);

/*
 * Where proofs get the tree's hashes from: write into out the hash of the
 * perfect subtree of 2^level leaves that starts at leaf `begin` (a multiple
 * of 2^level); level 0 is a leaf hash.  Return 0; or ISA_ERR_NOTFOUND when
 * level > 0 and the caller keeps no such node, and the proof code then
 * asks for its two children instead (so a callback that knows only leaf
 * hashes works, in time linear in the tree size); or any other negative
 * code, which the proof function returns as it is.  arg is the caller's.
 */
typedef int (*merkle_subtree_fn)(void *arg, uint64_t begin, unsigned level,
    uint8_t out[MERKLE_HASH_LEN]);

/*
 * The inclusion proof of leaf `index` in the tree of `size` leaves (RFC
 * 9162 §2.1.3.1), leaf-side hash first, into proof (room for
 * MERKLE_PROOF_MAX hashes of MERKLE_HASH_LEN bytes, back to back); *n
 * receives the number of hashes.  Returns 0, ISA_ERR_RANGE when index >=
 * size, or what fn returned.
 */
__attribute__((warn_unused_result))
int merkle_inclusion_proof(uint64_t index, uint64_t size,
    merkle_subtree_fn fn, void *arg, uint8_t *proof, size_t *n);

/*
 * Check that leaf_hash is leaf `index` of the tree of `size` leaves whose
 * root is root, given the n hashes (back to back) at proof (RFC 9162
 * §2.1.3.2).  Returns 0 when it is; ISA_ERR_CRYPTO when the proof does not
 * lead to root or is of the wrong length; ISA_ERR_RANGE when index >= size.
 */
__attribute__((warn_unused_result))
int merkle_inclusion_verify(uint64_t index, uint64_t size,
    const uint8_t leaf_hash[MERKLE_HASH_LEN], const uint8_t *proof,
    size_t n, const uint8_t root[MERKLE_HASH_LEN]);

/*
 * The consistency proof from the tree of size1 leaves to the tree of size2
 * leaves (RFC 9162 §2.1.4.1) into proof (room for MERKLE_PROOF_MAX hashes);
 * *n receives the number of hashes: none when size1 is 0 or size1 ==
 * size2.  Returns 0, ISA_ERR_RANGE when size1 > size2, or what fn returned.
 */
__attribute__((warn_unused_result))
int merkle_consistency_proof(uint64_t size1, uint64_t size2,
    merkle_subtree_fn fn, void *arg, uint8_t *proof, size_t *n);

/*
 * Check that the tree of size2 leaves with root root2 extends, by appending
 * only, the tree of size1 leaves with root root1, given the n hashes at
 * proof (RFC 9162 §2.1.4.2).  When size1 == size2 the proof must be empty
 * and the roots equal; when size1 is 0 the proof must be empty and root1
 * the empty tree's root.  Returns 0 when consistent; ISA_ERR_CRYPTO when
 * not (or the proof is malformed); ISA_ERR_RANGE when size1 > size2.
 */
__attribute__((warn_unused_result))
int merkle_consistency_verify(uint64_t size1, uint64_t size2,
    const uint8_t root1[MERKLE_HASH_LEN], const uint8_t root2[MERKLE_HASH_LEN],
    const uint8_t *proof, size_t n);

#endif
