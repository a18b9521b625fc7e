/* test_crypto.c: at-rest crypto: known answers, round trips, tampering, and the master key file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "common/err.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/kek.h"

/* A wrong return code fails with file:line and both error strings. */
#define assert_rc(expr, want) do {					\
	int rc_ = (expr), want_ = (want);				\
	if (rc_ != want_)						\
		fail_msg("%s: got %d (%s), want %d (%s)", #expr, rc_,	\
		    isa_strerror(rc_), want_, isa_strerror(want_));	\
} while (0)

static char dir[] = "/tmp/isa-crypto-XXXXXX";

/*
 * Known answers made by another implementation (Python's `cryptography`,
 * i.e. OpenSSL, and hashlib), so that the file format and the chunk and
 * field layouts of DESIGN §8 stay what they are: data at rest outlives the
 * code.  The KEK is 00 01 .. 1f, the RFC 3394 §4.6 KEK.
 */
static const char golden_plain[] =
    "isa-master-key 1\n"
    "kdf none\n"
    "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
    "id 535de3dfed5e5560\n"
    "check 60c173705f5e6054\n";
/* The same KEK under passphrase "correct horse", scrypt N=1024, salt 40..4f. */
static const char golden_scrypt[] =
    "isa-master-key 1\n"
    "kdf scrypt N=1024 r=8 p=1\n"
    "salt 404142434445464748494a4b4c4d4e4f\n"
    "wrapped aa4750ab491a8b8b434daabbcf1ef6a5fb880809fb02380956284134e62e"
    "45d2db703736f919a4bb\n"
    "id 535de3dfed5e5560\n"
    "check af7f235fa846e83d\n";
static const char golden_pass[] = "correct horse";
static const uint8_t golden_kek_id[8] = {
	0x53, 0x5d, 0xe3, 0xdf, 0xed, 0x5e, 0x55, 0x60 };

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(s), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Whether the n bytes at p hold the string s. */
static bool
contains(const uint8_t *p, size_t n, const char *s)
{
	size_t sl = strlen(s);

	for (size_t i = 0; i + sl <= n; i++)
		if (memcmp(p + i, s, sl) == 0)
			return true;
	return false;
}

static void
put_file(const char *path, const char *text, size_t len, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* The whole of a small file, NUL-terminated, in buf (cap bytes). */
static size_t
get_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static void
path_of(char *path, const char *name)
{
	snprintf(path, 256, "%s/%s", dir, name);
}

static crypto_kek_t *
golden_kek(void)
{
	char path[256], err[256];
	crypto_kek_t *kek;

	path_of(path, "golden.key");
	put_file(path, golden_plain, strlen(golden_plain), 0600);
	assert_rc(crypto_kek_load(path, NULL, 0, &kek, err, sizeof(err)), 0);
	return kek;
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL || crypto_init() != 0)
		return -1;
#ifdef ISA_TEST_BUILD
	crypto_test_set_scrypt_n(1024);	/* fast; one test uses the default */
#endif
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- Set-up ---- */

static void *
init_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)crypto_init();
}

static void
test_init_idempotent(void **state)
{
	pthread_t t[4];
	uint8_t a[16], b[16];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, init_thread,
		    NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *rc;

		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_int_equal((intptr_t)rc, 0);
	}
	assert_rc(crypto_init(), 0);
	assert_rc(crypto_random(a, sizeof(a)), 0);
	assert_rc(crypto_random(b, sizeof(b)), 0);
	assert_false(all_zero(a, sizeof(a)));
	assert_memory_not_equal(a, b, sizeof(a));
}

/* ---- Known answers ---- */

/* RFC 3394 §4.6: 256 bits of key data wrapped by a 256-bit KEK. */
static void
test_kat_keywrap_rfc3394(void **state)
{
	uint8_t rfc[CRYPTO_WRAPPED_LEN], out[CRYPTO_WRAPPED_LEN], id[8];
	crypto_kek_t *kek = golden_kek();
	crypto_dek_t *dek;

	(void)state;
	crypto_kek_id(kek, id);
	assert_memory_equal(id, golden_kek_id, sizeof(id));
	unhex("28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f4"
	    "3bfb988b9b7a02dd21", rfc, sizeof(rfc));
	/* Unwrapping checks RFC 3394's integrity value; wrapping is
	 * deterministic, so the key data must wrap back to the RFC's. */
	assert_rc(crypto_dek_unwrap(kek, rfc, &dek), 0);
	assert_rc(crypto_dek_wrap(kek, dek, out), 0);
	assert_memory_equal(out, rfc, sizeof(rfc));
	crypto_dek_free(dek);
	for (size_t i = 0; i < sizeof(rfc); i++) {
		rfc[i] ^= 0x01;
		dek = (crypto_dek_t *)1;
		assert_rc(crypto_dek_unwrap(kek, rfc, &dek), ISA_ERR_CRYPTO);
		assert_null(dek);
		rfc[i] ^= 0x01;
	}
	crypto_kek_free(kek);
}

/* The GCM specification's (McGrew and Viega) test cases 13 to 16, the
 * 256-bit ones, against the primitive under chunks and fields. */
static void
test_kat_gcm_nist(void **state)
{
#ifdef ISA_TEST_BUILD
	static const struct {
		const char *key, *iv, *aad, *pt, *ct_tag;
	} tc[] = {
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "000000000000000000000000", "", "",
		  "530f8afbc74536b9a963b4f1c4cb738b" },
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "000000000000000000000000", "",
		  "00000000000000000000000000000000",
		  "cea7403d4d606b6e074ec5d3baf39d18"
		  "d0d1c8a799996bf0265b98b5d48ab919" },
		{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		  "cafebabefacedbaddecaf888", "",
		  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
		  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
		  "b094dac5d93471bdec1a502270e3cc6c" },
		{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		  "cafebabefacedbaddecaf888",
		  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
		  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
		  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
		  "76fc6ece0f4e1768cddf8853bb2d551b" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		uint8_t key[32], iv[12], aad[32], pt[64], want[80], got[80];
		size_t aadlen = strlen(tc[i].aad) / 2, ptlen = strlen(tc[i].pt) / 2;

		unhex(tc[i].key, key, sizeof(key));
		unhex(tc[i].iv, iv, sizeof(iv));
		unhex(tc[i].aad, aad, aadlen);
		unhex(tc[i].pt, pt, ptlen);
		unhex(tc[i].ct_tag, want, ptlen + CRYPTO_TAG_LEN);
		assert_rc(crypto_test_gcm_seal(key, iv, aad, aadlen, pt, ptlen,
		    got), 0);
		assert_memory_equal(got, want, ptlen + CRYPTO_TAG_LEN);
	}
#else
	(void)state;
	skip();		/* needs the test-only raw GCM entry point */
#endif
}

/* DESIGN §8's chunk and field layouts (nonce, AAD), computed elsewhere. */
static void
test_kat_chunk_field_layout(void **state)
{
	static const struct {
		bool field, final;
		uint64_t n;
		const char *pt, *sealed;
	} tc[] = {
		{ false, false, 0, "isa: the first chunk",
		  "8a5d8063b42b0c3ce83f8d3015cb2f030441196d584cad882f03e52520f91af6"
		  "278b8b29" },
		{ false, true, 0x0102030405060708ULL, "the last",
		  "6bda483e0141defe61b6718903e4ee7c458463c224180433" },
		{ false, true, 0, "", "6ad86818d7d57406f59b81f82b75144c" },
		{ true, false, 3, "Operation Example: briefing",
		  "c9b212cb6a9feb0f7b4356f133a6650a49a4c14948547ea482bb67246bd07706"
		  "07e44d0dfcc4ef3a5c13ba" },
	};
	uint8_t wrapped[CRYPTO_WRAPPED_LEN], docid[16], want[64], got[64];
	uint8_t back[64];
	crypto_kek_t *kek = golden_kek();
	crypto_dek_t *dek;

	(void)state;
	/* DEK 20 21 .. 3f wrapped by KEK 00 .. 1f; document id a0 .. af. */
	unhex("04f8a3c3c302d3b0b7e94b14dcf85ad1da69cd74056ed7907d3cb49fb27799"
	    "a4104db058f2901adb", wrapped, sizeof(wrapped));
	assert_rc(crypto_dek_unwrap(kek, wrapped, &dek), 0);
	for (int i = 0; i < 16; i++)
		docid[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		size_t len = strlen(tc[i].pt);
		const uint8_t *pt = (const uint8_t *)tc[i].pt;

		unhex(tc[i].sealed, want, len + CRYPTO_TAG_LEN);
		if (tc[i].field) {
			assert_rc(crypto_field_seal(dek, docid, tc[i].n, pt,
			    len, got), 0);
			assert_rc(crypto_field_open(dek, docid, tc[i].n, got,
			    len + CRYPTO_TAG_LEN, back), 0);
		} else {
			assert_rc(crypto_chunk_seal(dek, docid, tc[i].n,
			    tc[i].final, pt, len, got), 0);
			assert_rc(crypto_chunk_open(dek, docid, tc[i].n,
			    tc[i].final, got, len + CRYPTO_TAG_LEN, back), 0);
		}
		assert_memory_equal(got, want, len + CRYPTO_TAG_LEN);
		if (len > 0)
			assert_memory_equal(back, pt, len);
	}
	crypto_dek_free(dek);
	crypto_kek_free(kek);
}

/* ---- Chunks and fields ---- */

static void
roundtrip(crypto_dek_t *dek, const uint8_t *docid, size_t len)
{
	uint8_t *pt = malloc(len + 1), *ct = malloc(len + CRYPTO_TAG_LEN);
	uint8_t *back = malloc(len + 1);

	assert_non_null(pt);
	assert_non_null(ct);
	assert_non_null(back);
	for (size_t i = 0; i < len; i++)
		pt[i] = (uint8_t)(i * 31 + 7);
	assert_rc(crypto_chunk_seal(dek, docid, 9, true, len ? pt : NULL, len,
	    ct), 0);
	if (len >= 16)
		assert_memory_not_equal(ct, pt, 16);
	assert_rc(crypto_chunk_open(dek, docid, 9, true, ct,
	    len + CRYPTO_TAG_LEN, back), 0);
	if (len > 0)
		assert_memory_equal(back, pt, len);
	/* in place, both ways */
	memcpy(back, pt, len);
	back = realloc(back, len + CRYPTO_TAG_LEN);
	assert_non_null(back);
	assert_rc(crypto_chunk_seal(dek, docid, 9, true, back, len, back), 0);
	assert_memory_equal(back, ct, len + CRYPTO_TAG_LEN);
	assert_rc(crypto_chunk_open(dek, docid, 9, true, back,
	    len + CRYPTO_TAG_LEN, back), 0);
	if (len > 0)
		assert_memory_equal(back, pt, len);
	free(pt);
	free(ct);
	free(back);
}

static void
test_chunk_roundtrip(void **state)
{
	uint8_t docid[16];
	crypto_dek_t *dek;

	(void)state;
	assert_rc(crypto_random(docid, sizeof(docid)), 0);
	assert_rc(crypto_dek_new(&dek), 0);
	roundtrip(dek, docid, 0);
	roundtrip(dek, docid, 1);
	roundtrip(dek, docid, 1024 * 1024);
	crypto_dek_free(dek);
}

/* Open in (len bytes) as chunk index/final of docid: it must fail, and
 * leave its output zeroed. */
static void
refused(crypto_dek_t *dek, const uint8_t *docid, uint64_t index, bool final,
    const uint8_t *in, size_t len)
{
	uint8_t out[64];

	assert_true(len >= CRYPTO_TAG_LEN && len - CRYPTO_TAG_LEN <=
	    sizeof(out));
	memset(out, 0xaa, sizeof(out));
	assert_rc(crypto_chunk_open(dek, docid, index, final, in, len, out),
	    ISA_ERR_CRYPTO);
	assert_true(all_zero(out, len - CRYPTO_TAG_LEN));
}

static void
test_chunk_tamper(void **state)
{
	static const uint8_t a[32] = "thirty-two bytes of chunk zero..";
	static const uint8_t b[32] = "and thirty-two more of chunk one";
	uint8_t docid[16], other[16], c0[48], c1[48], out[32];
	crypto_dek_t *dek, *dek2;

	(void)state;
	assert_rc(crypto_random(docid, sizeof(docid)), 0);
	memcpy(other, docid, sizeof(other));
	other[15] ^= 0x80;
	assert_rc(crypto_dek_new(&dek), 0);
	assert_rc(crypto_dek_new(&dek2), 0);
	assert_rc(crypto_chunk_seal(dek, docid, 0, false, a, 32, c0), 0);
	assert_rc(crypto_chunk_seal(dek, docid, 1, true, b, 32, c1), 0);
	assert_rc(crypto_chunk_open(dek, docid, 0, false, c0, 48, out), 0);
	assert_memory_equal(out, a, 32);

	/* every flipped bit, of ciphertext and of tag */
	for (size_t i = 0; i < sizeof(c0) * 8; i++) {
		c0[i / 8] ^= (uint8_t)(1 << (i % 8));
		refused(dek, docid, 0, false, c0, sizeof(c0));
		c0[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	refused(dek, docid, 1, false, c0, sizeof(c0));	/* wrong index */
	refused(dek, docid, 0, true, c0, sizeof(c0));	/* wrong final flag */
	refused(dek, docid, 1, false, c1, sizeof(c1));	/* truncation */
	refused(dek, other, 0, false, c0, sizeof(c0));	/* wrong document */
	refused(dek2, docid, 0, false, c0, sizeof(c0));	/* wrong key */
	refused(dek, docid, 0, false, c1, sizeof(c1));	/* swapped chunks */
	refused(dek, docid, 1, true, c0, sizeof(c0));
	refused(dek, docid, 0, false, c0, sizeof(c0) - 1);	/* cut short */
	refused(dek, docid, 0, false, c0, CRYPTO_TAG_LEN);
	assert_rc(crypto_chunk_open(dek, docid, 0, false, c0, CRYPTO_TAG_LEN - 1,
	    out), ISA_ERR_CRYPTO);
	assert_rc(crypto_chunk_seal(dek, docid, 0, false, a,
	    CRYPTO_SEAL_MAX + 1, c0), ISA_ERR_RANGE);
	/* a field is not a chunk: the nonce spaces are apart */
	assert_rc(crypto_field_seal(dek, docid, 0, a, 32, c0), 0);
	refused(dek, docid, 0, false, c0, sizeof(c0));
	refused(dek, docid, 0, true, c0, sizeof(c0));
	/* The DEK keeps its cipher handle between calls: after all those
	 * failures it still opens what it sealed, in any order. */
	assert_rc(crypto_chunk_open(dek, docid, 1, true, c1, 48, out), 0);
	assert_memory_equal(out, b, 32);
	assert_rc(crypto_field_open(dek, docid, 0, c0, 48, out), 0);
	assert_memory_equal(out, a, 32);
	crypto_dek_free(dek);
	crypto_dek_free(dek2);
}

static void
test_field_roundtrip_and_tamper(void **state)
{
	static const char title[] = "Briefing: an example title";
	uint8_t docid[16], ct[sizeof(title) + CRYPTO_TAG_LEN];
	uint8_t out[sizeof(title)], empty[CRYPTO_TAG_LEN];
	size_t len = sizeof(title);
	crypto_dek_t *dek;

	(void)state;
	assert_rc(crypto_random(docid, sizeof(docid)), 0);
	assert_rc(crypto_dek_new(&dek), 0);
	assert_rc(crypto_field_seal(dek, docid, 1, (const uint8_t *)title,
	    len, ct), 0);
	assert_false(contains(ct, sizeof(ct), "Briefing"));
	assert_rc(crypto_field_open(dek, docid, 1, ct, sizeof(ct), out), 0);
	assert_string_equal((char *)out, title);
	memset(out, 0xaa, sizeof(out));
	assert_rc(crypto_field_open(dek, docid, 2, ct, sizeof(ct), out),
	    ISA_ERR_CRYPTO);
	assert_true(all_zero(out, len));
	docid[0] ^= 1;
	assert_rc(crypto_field_open(dek, docid, 1, ct, sizeof(ct), out),
	    ISA_ERR_CRYPTO);
	docid[0] ^= 1;
	ct[3] ^= 0x10;
	assert_rc(crypto_field_open(dek, docid, 1, ct, sizeof(ct), out),
	    ISA_ERR_CRYPTO);
	assert_true(all_zero(out, len));
	/* an empty field */
	assert_rc(crypto_field_seal(dek, docid, 7, NULL, 0, empty), 0);
	assert_rc(crypto_field_open(dek, docid, 7, empty, sizeof(empty), out),
	    0);
	crypto_dek_free(dek);
}

/* ---- DEKs under KEKs ---- */

static void
test_dek_wrap_unwrap(void **state)
{
	uint8_t w1[CRYPTO_WRAPPED_LEN], w2[CRYPTO_WRAPPED_LEN], docid[16] = {0};
	uint8_t ct[5 + CRYPTO_TAG_LEN], out[5];
	crypto_kek_t *kek, *kek2;
	crypto_dek_t *d1, *d2, *back;

	(void)state;
	assert_rc(crypto_kek_generate(&kek), 0);
	assert_rc(crypto_kek_generate(&kek2), 0);
	assert_rc(crypto_dek_new(&d1), 0);
	assert_rc(crypto_dek_new(&d2), 0);
	assert_rc(crypto_dek_wrap(kek, d1, w1), 0);
	assert_rc(crypto_dek_wrap(kek, d2, w2), 0);
	assert_memory_not_equal(w1, w2, sizeof(w1));	/* two random DEKs */
	assert_rc(crypto_chunk_seal(d1, docid, 0, true,
	    (const uint8_t *)"hello", 5, ct), 0);
	assert_rc(crypto_dek_unwrap(kek, w1, &back), 0);
	assert_rc(crypto_chunk_open(back, docid, 0, true, ct, sizeof(ct),
	    out), 0);
	assert_memory_equal(out, "hello", 5);
	crypto_dek_free(back);
	back = (crypto_dek_t *)1;
	assert_rc(crypto_dek_unwrap(kek2, w1, &back), ISA_ERR_CRYPTO);
	assert_null(back);
	w1[39] ^= 1;
	assert_rc(crypto_dek_unwrap(kek, w1, &back), ISA_ERR_CRYPTO);
	crypto_dek_free(d1);
	crypto_dek_free(d2);
	crypto_kek_free(kek);
	crypto_kek_free(kek2);
	crypto_dek_free(NULL);
	crypto_kek_free(NULL);
}

static void
test_rewrap(void **state)
{
	uint8_t w[CRYPTO_WRAPPED_LEN], w2[CRYPTO_WRAPPED_LEN], docid[16] = {1};
	uint8_t ct[3 + CRYPTO_TAG_LEN], out[3], saved[CRYPTO_WRAPPED_LEN];
	crypto_kek_t *old, *new, *stranger;
	crypto_dek_t *dek, *back;

	(void)state;
	assert_rc(crypto_kek_generate(&old), 0);
	assert_rc(crypto_kek_generate(&new), 0);
	assert_rc(crypto_kek_generate(&stranger), 0);
	assert_rc(crypto_dek_new(&dek), 0);
	assert_rc(crypto_dek_wrap(old, dek, w), 0);
	assert_rc(crypto_chunk_seal(dek, docid, 0, true,
	    (const uint8_t *)"abc", 3, ct), 0);
	crypto_dek_free(dek);

	assert_rc(crypto_dek_rewrap(old, new, w, w2), 0);
	assert_rc(crypto_dek_unwrap(old, w2, &back), ISA_ERR_CRYPTO);
	assert_rc(crypto_dek_unwrap(new, w2, &back), 0);
	assert_rc(crypto_chunk_open(back, docid, 0, true, ct, sizeof(ct),
	    out), 0);
	assert_memory_equal(out, "abc", 3);
	crypto_dek_free(back);

	/* the wrong old KEK: refused, out zeroed; in place: left alone */
	memset(w2, 0xaa, sizeof(w2));
	assert_rc(crypto_dek_rewrap(stranger, new, w, w2), ISA_ERR_CRYPTO);
	assert_true(all_zero(w2, sizeof(w2)));
	memcpy(saved, w, sizeof(w));
	assert_rc(crypto_dek_rewrap(stranger, new, w, w), ISA_ERR_CRYPTO);
	assert_memory_equal(w, saved, sizeof(w));
	assert_rc(crypto_dek_rewrap(old, new, w, w), 0);
	assert_rc(crypto_dek_unwrap(new, w, &back), 0);
	crypto_dek_free(back);
	crypto_kek_free(old);
	crypto_kek_free(new);
	crypto_kek_free(stranger);
}

/* ---- The master key file ---- */

static void
test_kek_file_plain(void **state)
{
	char path[256], path2[256], err[256], text[1024];
	uint8_t id1[8], id2[8], id3[8], w[CRYPTO_WRAPPED_LEN];
	crypto_kek_t *kek, *loaded, *other;
	crypto_dek_t *dek;
	struct stat st;

	(void)state;
	path_of(path, "plain.key");
	assert_rc(crypto_kek_create(path, NULL, 0, &kek, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	get_file(path, text, sizeof(text));
	assert_true(strncmp(text, "isa-master-key 1\nkdf none\nkey ", 30) == 0);
	assert_rc(crypto_kek_load(path, NULL, 0, &loaded, err, sizeof(err)),
	    0);
	crypto_kek_id(kek, id1);
	crypto_kek_id(loaded, id2);
	assert_memory_equal(id1, id2, sizeof(id1));
	/* the same key: what one wraps the other unwraps */
	assert_rc(crypto_dek_new(&dek), 0);
	assert_rc(crypto_dek_wrap(kek, dek, w), 0);
	crypto_dek_free(dek);
	assert_rc(crypto_dek_unwrap(loaded, w, &dek), 0);
	crypto_dek_free(dek);
	/* saved again (rekey writes a new file), the id stays */
	path_of(path2, "plain2.key");
	assert_rc(crypto_kek_save(loaded, path2, NULL, 0, err, sizeof(err)),
	    0);
	crypto_kek_free(loaded);
	assert_rc(crypto_kek_load(path2, NULL, 0, &loaded, err, sizeof(err)),
	    0);
	crypto_kek_id(loaded, id2);
	assert_memory_equal(id1, id2, sizeof(id1));
	/* a new KEK has another id */
	assert_rc(crypto_kek_generate(&other), 0);
	crypto_kek_id(other, id3);
	assert_memory_not_equal(id1, id3, sizeof(id1));
	/* create without keeping the key */
	path_of(path2, "plain3.key");
	assert_rc(crypto_kek_create(path2, NULL, 0, NULL, err, sizeof(err)),
	    0);
	/* a passphrase for a file that has none */
	loaded = (crypto_kek_t *)1;
	assert_rc(crypto_kek_load(path, "x", 1, &loaded, err, sizeof(err)),
	    ISA_ERR_INVAL);
	assert_null(loaded);
	assert_non_null(strstr(err, path));
	crypto_kek_free(kek);
	crypto_kek_free(other);
}

static void
test_kek_file_passphrase(void **state)
{
	static const char pass[] = "a long passphrase \x01\xff with bytes";
	char path[256], err[256], text[1024], want[300], hex[65];
	uint8_t id1[8], id2[8];
	crypto_kek_t *kek, *loaded;

	(void)state;
	path_of(path, "pass.key");
	assert_rc(crypto_kek_create(path, pass, sizeof(pass) - 1, &kek, err,
	    sizeof(err)), 0);
	get_file(path, text, sizeof(text));
	assert_non_null(strstr(text, "\nkdf scrypt N="));
	assert_null(strstr(text, "\nkey "));
	assert_rc(crypto_kek_load(path, pass, sizeof(pass) - 1, &loaded, err,
	    sizeof(err)), 0);
	crypto_kek_id(kek, id1);
	crypto_kek_id(loaded, id2);
	assert_memory_equal(id1, id2, sizeof(id1));
	crypto_kek_free(loaded);
	/* the id, not secret, is in the file */
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", id1[i]);
	assert_non_null(strstr(text, hex));

	loaded = (crypto_kek_t *)1;
	assert_rc(crypto_kek_load(path, pass, sizeof(pass) - 2, &loaded, err,
	    sizeof(err)), ISA_ERR_CRYPTO);
	assert_null(loaded);
	snprintf(want, sizeof(want), "wrong passphrase for %s", path);
	assert_string_equal(err, want);
	assert_rc(crypto_kek_load(path, "wrong", 5, &loaded, err,
	    sizeof(err)), ISA_ERR_CRYPTO);
	assert_rc(crypto_kek_load(path, NULL, 0, &loaded, err, sizeof(err)),
	    ISA_ERR_INVAL);
	assert_non_null(strstr(err, "passphrase"));
	assert_non_null(strstr(err, path));
	assert_rc(crypto_kek_load(path, pass, 0, &loaded, err, sizeof(err)),
	    ISA_ERR_INVAL);
	path_of(path, "empty-pass.key");
	assert_rc(crypto_kek_save(kek, path, "", 0, err, sizeof(err)),
	    ISA_ERR_INVAL);
	assert_int_equal(access(path, F_OK), -1);
	crypto_kek_free(kek);
}

/* What isad init writes: N = 2^15 (slower, so only once). */
static void
test_kek_file_default_cost(void **state)
{
	char path[256], err[256], text[1024];
	crypto_kek_t *kek;

	(void)state;
#ifdef ISA_TEST_BUILD
	crypto_test_set_scrypt_n(0);
#endif
	path_of(path, "default.key");
	assert_rc(crypto_kek_create(path, "pw", 2, NULL, err, sizeof(err)), 0);
#ifdef ISA_TEST_BUILD
	crypto_test_set_scrypt_n(1024);
#endif
	get_file(path, text, sizeof(text));
	assert_non_null(strstr(text, "\nkdf scrypt N=32768 r=8 p=1\n"));
	assert_rc(crypto_kek_load(path, "pw", 2, &kek, err, sizeof(err)), 0);
	crypto_kek_free(kek);
}

/* Files written by another implementation load, and give the same key. */
static void
test_kek_file_golden(void **state)
{
	char path[256], err[256];
	crypto_kek_t *kek;
	uint8_t id[8];

	(void)state;
	path_of(path, "golden-scrypt.key");
	put_file(path, golden_scrypt, strlen(golden_scrypt), 0600);
	assert_rc(crypto_kek_load(path, golden_pass, strlen(golden_pass),
	    &kek, err, sizeof(err)), 0);
	crypto_kek_id(kek, id);
	assert_memory_equal(id, golden_kek_id, sizeof(id));
	crypto_kek_free(kek);
	assert_rc(crypto_kek_load(path, "Correct horse", 13, &kek, err,
	    sizeof(err)), ISA_ERR_CRYPTO);
	kek = golden_kek();	/* the plain one */
	crypto_kek_id(kek, id);
	assert_memory_equal(id, golden_kek_id, sizeof(id));
	crypto_kek_free(kek);
}

/* Load text (len bytes) as a master key file; it must fail with want (or,
 * want PARSE, also SCHEMA for a changed version number), never as a wrong
 * passphrase, with an error naming the file and, unless NULL, saying why. */
static void
load_fails_why(const char *text, size_t len, const char *pass, int want,
    const char *why)
{
	char path[256], err[256];
	crypto_kek_t *kek = (crypto_kek_t *)1;
	int rc;

	path_of(path, "damaged.key");
	put_file(path, text, len, 0600);
	err[0] = '\0';
	rc = crypto_kek_load(path, pass, pass ? strlen(pass) : 0, &kek, err,
	    sizeof(err));
	if (rc != want && !(want == ISA_ERR_PARSE && rc == ISA_ERR_SCHEMA))
		fail_msg("%zu bytes: got %d (%s: %s), want %d", len, rc,
		    isa_strerror(rc), err, want);
	assert_null(kek);
	assert_non_null(strstr(err, path));
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

static void
load_fails(const char *text, size_t len, const char *pass, int want)
{
	load_fails_why(text, len, pass, want, NULL);
}

/* Replace the check line of the file text with one that matches. */
static void
recheck(char *text)
{
	char *c = strstr(text, "check ");
	uint8_t md[SHA256_DIGEST_LENGTH];

	assert_non_null(c);
	SHA256((const unsigned char *)text, (size_t)(c - text), md);
	for (int i = 0; i < 8; i++)
		snprintf(c + 6 + 2 * i, 3, "%02x", md[i]);
	c[22] = '\n';
}

static void
test_kek_file_damaged(void **state)
{
	const char *files[2] = { golden_plain, golden_scrypt };
	char text[1024], path[256], *wrapped;
	size_t len;

	(void)state;
	for (int f = 0; f < 2; f++) {
		const char *pass = f == 0 ? NULL : golden_pass;

		len = strlen(files[f]);

		/* every flipped bit (two per byte) */
		for (size_t i = 0; i < len; i++) {
			for (int bit = 0; bit < 8; bit += 5) {
				memcpy(text, files[f], len);
				text[i] ^= (char)(1 << bit);
				load_fails(text, len, pass, ISA_ERR_PARSE);
			}
		}
		/* every truncation, and a byte too many */
		for (size_t n = 0; n < len; n++)
			load_fails(files[f], n, pass, ISA_ERR_PARSE);
		memcpy(text, files[f], len);
		text[len] = '\n';
		load_fails(text, len + 1, pass, ISA_ERR_PARSE);
	}
	/* CRLF line ends */
	load_fails("isa-master-key 1\r\nkdf none\r\n", 28, NULL, ISA_ERR_PARSE);
	/* a changed key with a consistent check: the key check value (id)
	 * still catches it */
	strcpy(text, golden_plain);
	text[strlen("isa-master-key 1\nkdf none\nkey ")] = '1';
	recheck(text);
	load_fails_why(text, strlen(text), NULL, ISA_ERR_PARSE,
	    "does not match its id");
	/* a damaged wrapped key is damage, not a wrong passphrase */
	strcpy(text, golden_scrypt);
	wrapped = strstr(text, "wrapped ") + 8;
	*wrapped = *wrapped == '0' ? '1' : '0';
	load_fails_why(text, strlen(text), golden_pass, ISA_ERR_PARSE,
	    "check value does not match");
	/* a later version */
	strcpy(text, golden_plain);
	text[strlen("isa-master-key ")] = '2';
	load_fails_why(text, strlen(text), NULL, ISA_ERR_SCHEMA, "version 2");
	/* the line that is wrong is named */
	load_fails_why("isa-master-key 1\nkdf none\nkey 00\n", 31, NULL,
	    ISA_ERR_PARSE, ":3: ");
	/* scrypt parameters out of range, consistently checked */
	strcpy(text, golden_scrypt);
	memcpy(strstr(text, "N=1024"), "N=1000", 6);
	recheck(text);
	load_fails(text, strlen(text), golden_pass, ISA_ERR_PARSE);
	strcpy(text, golden_scrypt);
	memcpy(strstr(text, "r=8"), "r=4", 3);
	recheck(text);
	load_fails(text, strlen(text), golden_pass, ISA_ERR_PARSE);
	/* damage a file written here too */
	path_of(path, "written.key");
	assert_rc(crypto_kek_create(path, NULL, 0, NULL, NULL, 0), 0);
	len = get_file(path, text, sizeof(text));
	text[40] ^= 0x01;	/* a key digit */
	load_fails(text, len, NULL, ISA_ERR_PARSE);
}

static void
test_kek_file_modes(void **state)
{
	static const mode_t loose[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
	char path[256], err[640], want[640];
	crypto_kek_t *kek;

	(void)state;
	path_of(path, "mode.key");
	put_file(path, golden_plain, strlen(golden_plain), 0600);
	for (size_t i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		assert_int_equal(chmod(path, loose[i]), 0);
		kek = (crypto_kek_t *)1;
		assert_rc(crypto_kek_load(path, NULL, 0, &kek, err,
		    sizeof(err)), ISA_ERR_PERM);
		assert_null(kek);
		snprintf(want, sizeof(want), "%s: master key file is readable "
		    "by group or others (mode %04o); run: chmod 600 %s", path,
		    (unsigned)loose[i], path);
		assert_string_equal(err, want);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_rc(crypto_kek_load(path, NULL, 0, &kek, err, sizeof(err)), 0);
	crypto_kek_free(kek);
}

static void
test_kek_file_exists_and_missing(void **state)
{
	char path[256], err[256], before[1024], after[1024];
	crypto_kek_t *kek;

	(void)state;
	path_of(path, "once.key");
	assert_rc(crypto_kek_create(path, NULL, 0, &kek, err, sizeof(err)), 0);
	get_file(path, before, sizeof(before));
	assert_rc(crypto_kek_create(path, NULL, 0, NULL, err, sizeof(err)),
	    ISA_ERR_EXISTS);
	assert_non_null(strstr(err, path));
	assert_rc(crypto_kek_save(kek, path, "pw", 2, err, sizeof(err)),
	    ISA_ERR_EXISTS);
	get_file(path, after, sizeof(after));
	assert_string_equal(before, after);
	crypto_kek_free(kek);

	path_of(path, "missing.key");
	assert_rc(crypto_kek_load(path, NULL, 0, &kek, err, sizeof(err)),
	    ISA_ERR_NOTFOUND);
	assert_non_null(strstr(err, path));
	path_of(path, "no-such-dir/new.key");
	assert_rc(crypto_kek_create(path, NULL, 0, NULL, err, sizeof(err)),
	    ISA_ERR_IO);
	/* a directory is not a key file */
	assert_rc(crypto_kek_load(dir, NULL, 0, &kek, err, sizeof(err)),
	    ISA_ERR_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_idempotent),
		cmocka_unit_test(test_kat_keywrap_rfc3394),
		cmocka_unit_test(test_kat_gcm_nist),
		cmocka_unit_test(test_kat_chunk_field_layout),
		cmocka_unit_test(test_chunk_roundtrip),
		cmocka_unit_test(test_chunk_tamper),
		cmocka_unit_test(test_field_roundtrip_and_tamper),
		cmocka_unit_test(test_dek_wrap_unwrap),
		cmocka_unit_test(test_rewrap),
		cmocka_unit_test(test_kek_file_plain),
		cmocka_unit_test(test_kek_file_passphrase),
		cmocka_unit_test(test_kek_file_default_cost),
		cmocka_unit_test(test_kek_file_golden),
		cmocka_unit_test(test_kek_file_damaged),
		cmocka_unit_test(test_kek_file_modes),
		cmocka_unit_test(test_kek_file_exists_and_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
