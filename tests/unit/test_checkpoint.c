/* test_checkpoint.c: signed checkpoints: published signed-note vectors, a golden note, tampering, malformed notes, public key files. */
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/keys/signkey.h"
#include "proto/checkpoint.h"

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
 * Published vectors, used as data.  From golang.org/x/mod/sumdb/note
 * (note.go's documentation and note_test.go): the PeterNeumann and
 * EnochRoot keys, the PeterNeumann signing key's seed, and their
 * signatures of the same text.  From c2sp.org/signed-note ("Verifier keys",
 * "Example"): the example.com/foo key and note.
 */
static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
/* base64 of 0x01 || seed, from "PRIVATE+KEY+PeterNeumann+c74f20a3+..." */
static const char peter_skey64[] =
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char enoch_vkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char go_text[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char peter_sig[] =
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZIn"
    "NIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] =
    "\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2t"
    "iOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
static const char spec_vkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char spec_note[] =
    "This is an example message.\n\n\xe2\x80\x94 example.com/foo Uw2QOkn8srV1"
    "yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72"
    "IneyaQM=\n";

/*
 * Our golden checkpoint: origin hppb.example.org/isa, size 8, the root of
 * the CT test tree of 8 leaves, signed with the PeterNeumann seed.  Ed25519
 * is deterministic, so these are the bytes; computed independently with
 * Python's `cryptography` (hashlib for the key ID).
 */
static const char golden_origin[] = "hppb.example.org/isa";
static const char golden_root_hex[] =
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
static const char golden_body[] =
    "hppb.example.org/isa\n"
    "8\n"
    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
#define GOLDEN_SIG \
    "\xe2\x80\x94 hppb.example.org/isa baTxSsJqnraHDyse8ddoSfJDMccie+pVWr0t" \
    "ncxLaL/ASyVTqYQyD0Sj6+A81t8ZtZLlFAxH9lmm7oMK2Lt3FI61bQA=\n"
static const char golden_sig[] = GOLDEN_SIG;
#define GOLDEN_KEY_ID 0x6da4f14aU

static char tmpdir[64];

static void
unhex(const char *s, uint8_t *out)
{
	for (size_t i = 0; s[2 * i] != '\0'; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			fail_msg("bad hex in the test: %s", s);
		out[i] = (uint8_t)v;
	}
}

/*
 * A signing key as isad's key holder keeps it (signkey.h: signing is not
 * proto's), its signer, and its public half as an auditor has it.
 */
typedef struct {
	signkey_t *sk;
	checkpoint_signer_t s;
	EVP_PKEY *pk;
} pair_t;

static void
pair_finish(pair_t *p)
{
	if (signkey_signer(p->sk, &p->s) != 0 ||
	    signkey_public(p->sk, &p->pk) != 0)
		fail_msg("cannot use a signing key");
}

/* A new key pair. */
static pair_t
pair_new(void)
{
	pair_t p;

	if (signkey_generate(&p.sk) != 0)
		fail_msg("cannot generate a key");
	pair_finish(&p);
	return p;
}

/*
 * The PeterNeumann signing key, from its published seed: written as the
 * PKCS#8 file (RFC 8410: a fixed 16-byte prefix, then the seed) that
 * isad's audit.key is, and read as isad reads that.
 */
static pair_t
peter_key(void)
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00,
	    0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	uint8_t raw[33], der[48];
	char b64[65], pem[160], path[128], err[256];
	pair_t p;
	FILE *f;

	assert_int_equal(EVP_DecodeBlock(raw, (const unsigned char *)
	    peter_skey64, (int)strlen(peter_skey64)), 33);
	assert_int_equal(raw[0], 0x01);
	memcpy(der, prefix, sizeof(prefix));
	memcpy(der + sizeof(prefix), raw + 1, 32);
	assert_int_equal(EVP_EncodeBlock((unsigned char *)b64, der,
	    sizeof(der)), 64);
	snprintf(pem, sizeof(pem), "-----BEGIN PRIVATE KEY-----\n%s\n"
	    "-----END PRIVATE KEY-----\n", b64);
	snprintf(path, sizeof(path), "%s/peter.key", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(pem, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
	if (signkey_read(path, &p.sk, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(unlink(path), 0);
	pair_finish(&p);
	return p;
}

static void
pair_free(pair_t *p)
{
	signkey_free(p->sk);
	checkpoint_key_free(p->pk);
}

/* a, b and c concatenated, in a new string. */
static char *
cat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);

	assert_non_null(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

static int
verify_str(const char *note, const char *name, EVP_PKEY *key)
{
	return checkpoint_note_verify(note, strlen(note), name, key, NULL);
}

static void
test_go_vectors(void **state)
{
	EVP_PKEY *peter, *enoch;
	pair_t seed, other;
	char *name, *vkey, *note, *msg;
	size_t text_len;
	uint32_t id;

	(void)state;
	/* The key ID we compute is the one Go published. */
	CHECK(checkpoint_key_vkey_parse(peter_vkey, &name, &peter));
	assert_string_equal(name, "PeterNeumann");
	CHECK(checkpoint_key_id("PeterNeumann", peter, &id));
	assert_int_equal(id, 0xc74f20a3U);
	CHECK(checkpoint_key_vkey(name, peter, &vkey));
	assert_string_equal(vkey, peter_vkey);
	free(vkey);
	free(name);
	CHECK(checkpoint_key_vkey_parse(enoch_vkey, &name, &enoch));
	CHECK(checkpoint_key_id(name, enoch, &id));
	assert_int_equal(id, 0xaf0cfe78U);
	free(name);

	/* Signing Go's text with Go's key gives Go's note, byte for byte. */
	seed = peter_key();
	CHECK(checkpoint_key_id("PeterNeumann", seed.pk, &id));
	assert_int_equal(id, 0xc74f20a3U);
	CHECK(checkpoint_note_sign(&seed.s, "PeterNeumann", go_text,
	    strlen(go_text), &note));
	msg = cat3(go_text, "\n", peter_sig);
	assert_string_equal(note, msg);
	free(note);

	/* And Go's note opens with Go's public key. */
	CHECK(checkpoint_note_verify(msg, strlen(msg), "PeterNeumann", peter,
	    &text_len));
	assert_int_equal(text_len, strlen(go_text));
	EXPECT(verify_str(msg, "EnochRoot", enoch), ISA_ERR_NOTFOUND);
	EXPECT(verify_str(msg, "PeterNeuman", peter), ISA_ERR_NOTFOUND);
	other = pair_new();
	EXPECT(verify_str(msg, "PeterNeumann", other.pk), ISA_ERR_NOTFOUND);
	free(msg);

	/* Two signers: each key finds its own and ignores the other. */
	note = cat3(go_text, "\n", peter_sig);
	msg = cat3(note, enoch_sig, "");
	free(note);
	CHECK(verify_str(msg, "PeterNeumann", peter));
	CHECK(verify_str(msg, "EnochRoot", enoch));
	free(msg);

	/* Go's TestOpen: 101 signatures are too many. */
	{
		size_t ls = strlen(peter_sig), lt = strlen(go_text);
		char *many = malloc(lt + 1 + 101 * ls + 1);

		assert_non_null(many);
		memcpy(many, go_text, lt);
		many[lt] = '\n';
		for (int i = 0; i < 101; i++)
			memcpy(many + lt + 1 + i * ls, peter_sig, ls);
		many[lt + 1 + 101 * ls] = '\0';
		EXPECT(verify_str(many, "PeterNeumann", peter), ISA_ERR_PARSE);
		/* 100 are not. */
		memcpy(many + lt + 1 + 99 * ls + ls - 1, "\n", 2);
		CHECK(verify_str(many, "PeterNeumann", peter));
		free(many);
	}

	/* Go's TestOpen: a signature with four characters spliced in. */
	{
		char bad[512];

		snprintf(bad, sizeof(bad), "%s\n%.60sABCD%s", go_text,
		    peter_sig, peter_sig + 60);
		EXPECT(verify_str(bad, "PeterNeumann", peter), ISA_ERR_CRYPTO);
		/* Repeated and unknown signatures beside a good one. */
		snprintf(bad, sizeof(bad), "%s\n%s%s", go_text, peter_sig,
		    peter_sig);
		CHECK(verify_str(bad, "PeterNeumann", peter));
	}

	/* Go's TestOpen: malformed messages. */
	{
		char *bad[7];

		bad[0] = cat3(go_text, "", "");
		bad[1] = cat3(go_text, "\n", "");
		bad[2] = cat3(go_text, "\n", peter_sig);
		bad[2][strlen(bad[2]) - 1] = '\0';
		bad[3] = cat3("\x01", go_text, "");
		bad[4] = cat3("\xff", go_text, "");
		bad[5] = cat3(go_text, "\n", "\xe2\x80\x94 Bad Name x08go/ZJkuBS9"
		    "UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
		    "tpRZb6KE6RyyBwJnAM=\n");
		note = cat3(go_text, "\n", peter_sig);
		bad[6] = cat3(note, "Unexpected line.\n", "");
		free(note);
		for (int i = 3; i <= 4; i++) {
			note = cat3(bad[i], "\n", peter_sig);
			free(bad[i]);
			bad[i] = note;
		}
		for (int i = 0; i < 7; i++) {
			int rc = verify_str(bad[i], "PeterNeumann", peter);

			if (rc != ISA_ERR_PARSE)
				fail_msg("Go's bad message %d: got \"%s\"", i,
				    rc == 0 ? "success" : isa_strerror(rc));
			free(bad[i]);
		}
	}

	pair_free(&other);
	pair_free(&seed);
	checkpoint_key_free(peter);
	checkpoint_key_free(enoch);
}

/* Go's TestNewVerifier: no part or one-byte change of a key parses. */
static void
test_go_vkey_manglings(void **state)
{
	char b[sizeof(peter_vkey)], *name;
	size_t n = strlen(peter_vkey);
	EVP_PKEY *k;

	(void)state;
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i + 1; j <= n; j++) {
			if (i == 0 && j == n)
				continue;
			memcpy(b, peter_vkey + i, j - i);
			b[j - i] = '\0';
			if (checkpoint_key_vkey_parse(b, &name, &k) == 0)
				fail_msg("vkey \"%s\" parsed", b);
		}
	memcpy(b, peter_vkey, sizeof(b));
	for (size_t i = 0; i < n; i++) {
		b[i]++;
		if (checkpoint_key_vkey_parse(b, &name, &k) == 0)
			fail_msg("vkey \"%s\" parsed", b);
		b[i]--;
	}
	/* Wrong length key, and unknown algorithm, each with its key ID. */
	EXPECT(checkpoint_key_vkey_parse("PeterNeumann+cc469956+ARpc2QcUPDhMQe"
	    "gwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", &name, &k),
	    ISA_ERR_PARSE);
	EXPECT(checkpoint_key_vkey_parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQe"
	    "gwxbzhKqiBfsVkmqq/LDE4izWy10TW", &name, &k), ISA_ERR_PARSE);
	assert_null(name);
	assert_null(k);
}

static void
test_spec_vector(void **state)
{
	EVP_PKEY *key;
	char *name;
	uint32_t id;
	size_t text_len;

	(void)state;
	CHECK(checkpoint_key_vkey_parse(spec_vkey, &name, &key));
	assert_string_equal(name, "example.com/foo");
	CHECK(checkpoint_key_id(name, key, &id));
	assert_int_equal(id, 0x530d903aU);
	CHECK(checkpoint_note_verify(spec_note, strlen(spec_note), name, key,
	    &text_len));
	assert_int_equal(text_len, strlen("This is an example message.\n"));
	free(name);
	checkpoint_key_free(key);
}

static void
test_golden(void **state)
{
	uint8_t root[MERKLE_HASH_LEN];
	pair_t key = peter_key();
	checkpoint_t cp;
	char *note, *want, err[128];
	uint32_t id;

	(void)state;
	unhex(golden_root_hex, root);
	CHECK(checkpoint_sign(&key.s, golden_origin, 8, root, &note));
	want = cat3(golden_body, "\n", golden_sig);
	assert_string_equal(note, want);
	CHECK(checkpoint_key_id(golden_origin, key.pk, &id));
	assert_int_equal(id, GOLDEN_KEY_ID);
	/* The signature line: em dash, space, origin, space, 92 base64. */
	assert_memory_equal(strstr(note, "\n\n") + 2, "\xe2\x80\x94 "
	    "hppb.example.org/isa ", 25);
	assert_int_equal(strlen(strstr(note, "\n\n") + 2), 25 + 92 + 1);

	CHECK(checkpoint_parse(note, strlen(note), &cp, err, sizeof(err)));
	assert_string_equal(cp.origin, golden_origin);
	assert_int_equal(cp.size, 8);
	assert_memory_equal(cp.root, root, MERKLE_HASH_LEN);
	CHECK(checkpoint_verify(&cp, key.pk));
	checkpoint_clear(&cp);
	assert_null(cp.origin);
	checkpoint_clear(&cp);
	free(want);
	free(note);
	pair_free(&key);
}

static void
test_round_trip(void **state)
{
	static const uint64_t sizes[] = { 0, 1, 7, 1000000, UINT64_MAX };
	uint8_t root[MERKLE_HASH_LEN];
	pair_t key = pair_new(), other = pair_new();
	checkpoint_t cp;
	char *note, err[128], line[32];

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(root, (int)i * 37, sizeof(root));
		root[0] = (uint8_t)i;
		CHECK(checkpoint_sign(&key.s, "isa.example/\xe6\x97\xa5", sizes[i],
		    root, &note));
		snprintf(line, sizeof(line), "\n%llu\n",
		    (unsigned long long)sizes[i]);
		assert_non_null(strstr(note, line));
		CHECK(checkpoint_parse(note, strlen(note), &cp, err,
		    sizeof(err)));
		assert_string_equal(cp.origin, "isa.example/\xe6\x97\xa5");
		assert_true(cp.size == sizes[i]);
		assert_memory_equal(cp.root, root, MERKLE_HASH_LEN);
		CHECK(checkpoint_verify(&cp, key.pk));
		EXPECT(checkpoint_verify(&cp, other.pk), ISA_ERR_NOTFOUND);
		checkpoint_clear(&cp);
		free(note);
	}
	/* Origins that cannot be key names are refused. */
	EXPECT(checkpoint_sign(&key.s, "a b", 1, root, &note), ISA_ERR_INVAL);
	EXPECT(checkpoint_sign(&key.s, "a+b", 1, root, &note), ISA_ERR_INVAL);
	EXPECT(checkpoint_sign(&key.s, "", 1, root, &note), ISA_ERR_INVAL);
	EXPECT(checkpoint_sign(&key.s, "a\nb", 1, root, &note), ISA_ERR_INVAL);
	assert_null(note);
	EXPECT(checkpoint_note_sign(&key.s, "n", "no newline", 10, &note),
	    ISA_ERR_INVAL);
	EXPECT(checkpoint_note_sign(&key.s, "n", "cr\r\n", 4, &note),
	    ISA_ERR_INVAL);
	pair_free(&other);
	pair_free(&key);
}

/* Every one-byte change of the golden note fails to parse or to verify,
 * and the named cases fail the way they should. */
static void
test_tamper(void **state)
{
	pair_t peter = peter_key();
	EVP_PKEY *key = peter.pk;
	char *note = cat3(golden_body, "\n", golden_sig), *p, err[128];
	size_t len = strlen(note);
	checkpoint_t cp;

	(void)state;
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			int rc;

			note[i] ^= (char)(1 << bit);
			rc = checkpoint_parse(note, len, &cp, err, sizeof(err));
			if (rc == 0) {
				rc = checkpoint_verify(&cp, key);
				checkpoint_clear(&cp);
			}
			if (rc == 0)
				fail_msg("byte %zu bit %d changed, and the note "
				    "still verifies", i, bit);
			note[i] ^= (char)(1 << bit);
		}
	/* Body: origin, size, root; then the signature itself. */
	p = strchr(note, '\n') + 1;	/* the size */
	*p = '9';
	CHECK(checkpoint_parse(note, len, &cp, err, sizeof(err)));
	EXPECT(checkpoint_verify(&cp, key), ISA_ERR_CRYPTO);
	checkpoint_clear(&cp);
	*p = '8';
	p = strchr(p, '\n') + 1;	/* the root */
	*p = 'Y';
	CHECK(checkpoint_parse(note, len, &cp, err, sizeof(err)));
	EXPECT(checkpoint_verify(&cp, key), ISA_ERR_CRYPTO);
	checkpoint_clear(&cp);
	*p = 'X';
	*note = 'H';			/* the origin: a different key ID */
	CHECK(checkpoint_parse(note, len, &cp, err, sizeof(err)));
	EXPECT(checkpoint_verify(&cp, key), ISA_ERR_NOTFOUND);
	checkpoint_clear(&cp);
	*note = 'h';
	p = note + len - 20;		/* inside the signature */
	*p = *p == 'A' ? 'B' : 'A';
	CHECK(checkpoint_parse(note, len, &cp, err, sizeof(err)));
	EXPECT(checkpoint_verify(&cp, key), ISA_ERR_CRYPTO);
	checkpoint_clear(&cp);
	free(note);
	pair_free(&peter);
}

/* A line with our name and our key ID made by another key fails the note;
 * lines of other keys, however they look, are ignored. */
static void
test_other_signatures(void **state)
{
	pair_t key = peter_key(), other = pair_new();
	uint8_t root[MERKLE_HASH_LEN] = { 0 }, blob[69];
	char *note, *forged, *b, *msg, line[600], err[128];
	checkpoint_t cp;
	uint32_t id;

	(void)state;
	CHECK(checkpoint_sign(&other.s, golden_origin, 8, root, &note));
	/* Put our key ID in front of the other key's signature. */
	forged = strdup(note);
	assert_non_null(forged);
	b = strrchr(forged, ' ') + 1;
	assert_int_equal(EVP_DecodeBlock(blob, (unsigned char *)b, 92), 69);
	CHECK(checkpoint_key_id(golden_origin, key.pk, &id));
	blob[0] = (uint8_t)(id >> 24), blob[1] = (uint8_t)(id >> 16);
	blob[2] = (uint8_t)(id >> 8), blob[3] = (uint8_t)id;
	EVP_EncodeBlock((unsigned char *)b, blob, 68);
	b[92] = '\n';
	CHECK(checkpoint_parse(forged, strlen(forged), &cp, err, sizeof(err)));
	EXPECT(checkpoint_verify(&cp, key.pk), ISA_ERR_CRYPTO);
	/* The other key's line now carries our ID: it has none. */
	EXPECT(checkpoint_verify(&cp, other.pk), ISA_ERR_NOTFOUND);
	checkpoint_clear(&cp);
	free(forged);
	free(note);

	/* Our good note, with lines of unknown keys before and after: another
	 * name, our name with another key ID, our key ID with another name,
	 * and a witness's real signature. */
	{
		uint8_t z[68] = { 0 };
		char zb[93], *w;

		CHECK(checkpoint_key_id(golden_origin, key.pk, &id));
		z[0] = (uint8_t)(id >> 24), z[1] = (uint8_t)(id >> 16);
		z[2] = (uint8_t)(id >> 8), z[3] = (uint8_t)id;
		EVP_EncodeBlock((unsigned char *)zb, z, 68);
		CHECK(checkpoint_note_sign(&other.s, "witness", golden_body,
		    strlen(golden_body), &w));
		snprintf(line, sizeof(line), "\xe2\x80\x94 other.example/key "
		    "AAAAAAB0ZXN0\n\xe2\x80\x94 %s AAAAAAAA\n\xe2\x80\x94 "
		    "other.example/key %s\n%s", golden_origin, zb,
		    strstr(w, "\n\n") + 2);
		free(w);
	}
	note = cat3(golden_body, "\n", "");
	msg = cat3(note, line, golden_sig);
	CHECK(checkpoint_parse(msg, strlen(msg), &cp, err, sizeof(err)));
	CHECK(checkpoint_verify(&cp, key.pk));
	EXPECT(checkpoint_verify(&cp, other.pk), ISA_ERR_NOTFOUND);
	checkpoint_clear(&cp);
	free(msg);
	/* Without our line, nothing verifies. */
	msg = cat3(note, line, "");
	CHECK(checkpoint_parse(msg, strlen(msg), &cp, err, sizeof(err)));
	EXPECT(checkpoint_verify(&cp, key.pk), ISA_ERR_NOTFOUND);
	checkpoint_clear(&cp);
	free(msg);
	free(note);

	/* An origin that cannot be a key name has no signature of ours. */
	note = cat3("a b+c\n8\n", "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
	    "\n");
	CHECK(checkpoint_note_sign(&key.s, "a", note, strlen(note), &msg));
	CHECK(checkpoint_parse(msg, strlen(msg), &cp, err, sizeof(err)));
	assert_string_equal(cp.origin, "a b+c");
	EXPECT(checkpoint_verify(&cp, key.pk), ISA_ERR_NOTFOUND);
	checkpoint_clear(&cp);
	free(msg);
	free(note);

	/* Extension lines are signed text like the rest. */
	note = cat3(golden_body, "ext one\n", "ext two\n");
	CHECK(checkpoint_note_sign(&key.s, golden_origin, note, strlen(note),
	    &msg));
	CHECK(checkpoint_parse(msg, strlen(msg), &cp, err, sizeof(err)));
	assert_int_equal(cp.size, 8);
	CHECK(checkpoint_verify(&cp, key.pk));
	checkpoint_clear(&cp);
	free(msg);
	free(note);
	pair_free(&other);
	pair_free(&key);
}

static void
test_malformed(void **state)
{
#define O "hppb.example.org/isa\n"
#define R "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
#define EM "\xe2\x80\x94 "
#define SIG GOLDEN_SIG
	/* Each note is text, a newline (the blank line), then sigs. */
	static const struct { const char *text, *sigs, *why; } cases[] = {
		{ O "8\n", SIG, "three lines" },
		{ "\n8\n" R, SIG, "origin" },
		{ O "08\n" R, SIG, "tree size" },
		{ O "00\n" R, SIG, "tree size" },
		{ O "\n" R, SIG, "tree size" },
		{ O "-1\n" R, SIG, "tree size" },
		{ O "+1\n" R, SIG, "tree size" },
		{ O " 1\n" R, SIG, "tree size" },
		{ O "1 \n" R, SIG, "tree size" },
		{ O "0x10\n" R, SIG, "tree size" },
		{ O "18446744073709551616\n" R, SIG, "tree size" },
		{ O "99999999999999999999\n" R, SIG, "tree size" },
		{ O "184467440737095516150\n" R, SIG, "tree size" },
		/* root: no padding, stray bits, 31 and 33 bytes, the URL
		 * alphabet, padding inside, a space, nothing */
		{ O "8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n", SIG,
		    "root" },
		{ O "8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n", SIG,
		    "root" },
		{ O "8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQw==\n", SIG,
		    "root" },
		{ O "8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg0AA==\n",
		    SIG, "root" },
		{ O "8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\n", SIG,
		    "root" },
		{ O "8\nXcnaeacGWamtVZy3Ad7Zoq==gjqtL0lgz+Nw7/RgQyg=\n", SIG,
		    "root" },
		{ O "8\nXcnaeacGWamtVZy3Ad7Zoq dgjqtL0lgz+Nw7/RgQyg=\n", SIG,
		    "root" },
		{ O "8\n\n", SIG, "root" },
		/* lines and separators */
		{ O "8\n" R, "", "no signature lines" },
		{ O "8\n" R "\n", SIG, "empty extension" },
		{ O "8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\r\n", SIG,
		    "carriage return" },
		{ O "8\r\n" R, SIG, "carriage return" },
		{ O "8\n" R, "- hppb.example.org/isa AAAAAAAA\n", "em dash" },
		{ O "8\n" R, EM "hppb.example.org/isa\n", "key name" },
		{ O "8\n" R, EM "hppb+isa AAAAAAAA\n", "key name" },
		{ O "8\n" R, EM " AAAAAAAA\n", "key name" },
		{ O "8\n" R, EM "a\xc2\xa0" "b AAAAAAAA\n", "key name" },
		{ O "8\n" R, EM "hppb AAAAAA==\n", "base64" },
		{ O "8\n" R, EM "hppb AAAAAAA\n", "base64" },
		{ O "8\n" R, EM "hppb AAAAAAAA \n", "base64" },
		{ O "8\n" R, EM "hppb \n", "base64" },
		{ O "8\n" R, SIG "Unexpected line.\n", "em dash" },
		{ O "8\n" R, SIG EM "hppb AAAAAAAA", "newline" },
		{ O "8\n" R SIG, "", "no blank line" },
	};
#undef O
#undef R
#undef EM
#undef SIG
	static const char *const bad_bytes[] = { "\0", "\xff", "\xc0\xaf",
	    "\xed\xa0\x80", "\t", "\x01", "\x7f" };
	char buf[1024], err[256], *note;
	checkpoint_t cp;
	size_t len;
	int n;

	(void)state;
	EXPECT(checkpoint_parse("", 0, &cp, err, sizeof(err)), ISA_ERR_PARSE);
	assert_non_null(strstr(err, "empty"));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* The last case has no blank line: send it as it is. */
		if (i + 1 == sizeof(cases) / sizeof(cases[0]))
			n = snprintf(buf, sizeof(buf), "%s", cases[i].text);
		else
			n = snprintf(buf, sizeof(buf), "%s\n%s", cases[i].text,
			    cases[i].sigs);
		cp.origin = (char *)1;
		if (checkpoint_parse(buf, (size_t)n, &cp, err, sizeof(err)) !=
		    ISA_ERR_PARSE)
			fail_msg("case %zu parsed:\n%s", i, buf);
		assert_null(cp.origin);
		assert_null(cp.note);
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err,
			    cases[i].why);
	}
	/* A NUL, bad UTF-8 (a stray byte, an overlong '/', a surrogate) and
	 * control characters are refused, here in the origin; DEL is no
	 * control character to the spec: that note parses but its key ID is
	 * no longer ours. */
	note = cat3(golden_body, "\n", golden_sig);
	len = strlen(note);
	for (size_t i = 0; i < sizeof(bad_bytes) / sizeof(bad_bytes[0]); i++) {
		size_t bl = i == 0 ? 1 : strlen(bad_bytes[i]);
		int rc;

		memcpy(buf, note, 4);
		memcpy(buf + 4, bad_bytes[i], bl);
		memcpy(buf + 4 + bl, note + 4, len - 4);
		rc = checkpoint_parse(buf, len + bl, &cp, err, sizeof(err));
		if (i + 1 < sizeof(bad_bytes) / sizeof(bad_bytes[0])) {
			if (rc != ISA_ERR_PARSE)
				fail_msg("bad byte case %zu parsed", i);
			continue;
		}
		{
			pair_t key = peter_key();

			CHECK(rc);
			EXPECT(checkpoint_verify(&cp, key.pk), ISA_ERR_NOTFOUND);
			checkpoint_clear(&cp);
			pair_free(&key);
		}
	}
	/* Parsing never reads past len: the golden note, cut anywhere. */
	for (size_t cut = 0; cut < len; cut++) {
		char *part = malloc(cut + 1);

		assert_non_null(part);
		memcpy(part, note, cut);
		if (checkpoint_parse(part, cut, &cp, err, sizeof(err)) == 0)
			fail_msg("the note cut at %zu parsed", cut);
		free(part);
	}
	free(note);
}

static void
test_names(void **state)
{
	static const char *const good[] = { "hppb.example.org/isa", "a",
	    "\xe6\x97\xa5\xe6\x9c\xac/log", "PeterNeumann", "a=b/c" };
	static const char *const bad[] = { "", "a b", "a+b", "a\tb", "a\nb",
	    "a\xc2\xa0" "b", "a\xe3\x80\x80" "b", "a\xe2\x80\x83" "b", "\xff",
	    "a\x01" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!checkpoint_name_valid(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (checkpoint_name_valid(bad[i]))
			fail_msg("bad name %zu accepted", i);
	assert_false(checkpoint_name_valid(NULL));
}

/* tmpdir/name into buf (PATH_LEN bytes). */
#define PATH_LEN 128
static char *
path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_LEN, "%s/%s", tmpdir, name);
	return buf;
}

static void
write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_public_key_files(void **state)
{
	static const char ec_pem[] = "-----BEGIN PUBLIC KEY-----\n"
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhfTFpcIXo3sXCpThiPY4ztjVJxDl\n"
	    "LG52xqFFBUrt73hm3LgnJ0Ay9Ta9xv/6yHgnpPkCUWbQf/ArQPIBELwzEg==\n"
	    "-----END PUBLIC KEY-----\n";
	char priv[PATH_LEN], pub[PATH_LEN], p[PATH_LEN], err[512];
	pair_t key = pair_new();
	EVP_PKEY *k, *ec;
	uint32_t a, b;
	BIO *bio;

	(void)state;
	/* The auditor's file, as `isad init` writes it, gives the same key. */
	path_in(priv, "audit.key");
	path_in(pub, "audit.pub.pem");
	CHECK(signkey_write(key.sk, priv));
	CHECK(signkey_write_public(key.sk, pub));
	CHECK(checkpoint_key_read_public(pub, &k, err, sizeof(err)));
	CHECK(checkpoint_key_id("o", key.pk, &a));
	CHECK(checkpoint_key_id("o", k, &b));
	assert_int_equal(a, b);
	checkpoint_key_free(k);

	/* The wrong kind of file, none, too much. */
	EXPECT(checkpoint_key_read_public(priv, &k, err, sizeof(err)),
	    ISA_ERR_PARSE);
	assert_null(k);
	assert_non_null(strstr(err, priv));
	EXPECT(checkpoint_key_read_public(path_in(p, "none"), &k, err,
	    sizeof(err)), ISA_ERR_NOTFOUND);
	{
		char big[CHECKPOINT_KEY_FILE_MAX + 10];

		memset(big, 'A', sizeof(big));
		write_file(path_in(p, "big"), big, sizeof(big), 0644);
		EXPECT(checkpoint_key_read_public(path_in(p, "big"), &k, err,
		    sizeof(err)), ISA_ERR_PARSE);
	}
	/* Another algorithm's key in PEM is not ours. */
	write_file(path_in(p, "ec.pem"), ec_pem, strlen(ec_pem), 0644);
	EXPECT(checkpoint_key_read_public(path_in(p, "ec.pem"), &k, err,
	    sizeof(err)), ISA_ERR_PARSE);
	assert_non_null(bio = BIO_new_mem_buf(ec_pem, -1));
	assert_non_null(ec = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL));
	BIO_free(bio);
	EXPECT(checkpoint_key_id("o", ec, &a), ISA_ERR_INVAL);
	EVP_PKEY_free(ec);
	unlink(path_in(p, "ec.pem"));
	unlink(path_in(p, "big"));
	unlink(priv);
	unlink(pub);
	pair_free(&key);
}

/* The key from memory (isa ui's upload): the file reader's words, the
 * name given in place of a path. */
static void
test_public_key_memory(void **state)
{
	char pub[PATH_LEN], err[512], pem[1024];
	char big[CHECKPOINT_KEY_FILE_MAX + 1];
	pair_t key = pair_new();
	EVP_PKEY *k;
	uint32_t a, b;
	size_t len;
	FILE *f;

	(void)state;
	path_in(pub, "mem.pub.pem");
	CHECK(signkey_write_public(key.sk, pub));
	assert_non_null(f = fopen(pub, "r"));
	len = fread(pem, 1, sizeof(pem), f);
	assert_true(len > 0 && len < sizeof(pem));
	fclose(f);
	CHECK(checkpoint_key_parse_public(pem, len, "audit.pub.pem", &k, err,
	    sizeof(err)));
	CHECK(checkpoint_key_id("o", key.pk, &a));
	CHECK(checkpoint_key_id("o", k, &b));
	assert_int_equal(a, b);
	checkpoint_key_free(k);
	/* Cut short, not a key, too large: each named. */
	EXPECT(checkpoint_key_parse_public(pem, len / 2, "half.pem", &k, err,
	    sizeof(err)), ISA_ERR_PARSE);
	assert_null(k);
	assert_string_equal(err, "half.pem: not an Ed25519 public key in PEM");
	memset(big, 'A', sizeof(big));
	EXPECT(checkpoint_key_parse_public(big, sizeof(big), "big.pem", &k,
	    err, sizeof(err)), ISA_ERR_PARSE);
	assert_string_equal(err, "big.pem: too large to be a key file");
	unlink(pub);
	pair_free(&key);
}

static void
test_vkey_round_trip(void **state)
{
	pair_t pair = pair_new();
	EVP_PKEY *key = pair.pk, *back;
	char *vkey, *name;
	uint32_t a, b;

	(void)state;
	CHECK(checkpoint_key_vkey("hppb.example.org/isa", key, &vkey));
	CHECK(checkpoint_key_vkey_parse(vkey, &name, &back));
	assert_string_equal(name, "hppb.example.org/isa");
	CHECK(checkpoint_key_id(name, key, &a));
	CHECK(checkpoint_key_id(name, back, &b));
	assert_int_equal(a, b);
	free(vkey);
	free(name);
	EXPECT(checkpoint_key_vkey("a b", key, &vkey), ISA_ERR_INVAL);
	assert_null(vkey);
	checkpoint_key_free(back);
	pair_free(&pair);
}

static int
setup(void **state)
{
	bool locked;

	(void)state;
	/* As isad does before it loads its key. */
	if (signkey_heap_init(&locked) != 0)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "%s", "/tmp/isa-test-cp-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_vectors),
		cmocka_unit_test(test_go_vkey_manglings),
		cmocka_unit_test(test_spec_vector),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_other_signatures),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_public_key_files),
		cmocka_unit_test(test_public_key_memory),
		cmocka_unit_test(test_vkey_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
