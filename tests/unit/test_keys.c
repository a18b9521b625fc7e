/* test_keys.c: the key holder (daemon/keys/keys.h) and the audit signing key's files (signkey.h): what they promise. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/keys.h"
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

static char tmpdir[64];

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

/* A holder for a new master key file at tmpdir/name. */
static keys_t *
holder(const char *name)
{
	char path[PATH_LEN], err[256];
	keys_t *k;

	path_in(path, name);
	CHECK(keys_master_create(path, NULL, 0, err, sizeof(err)));
	CHECK(keys_open(path, NULL, 0, &k, err, sizeof(err)));
	unlink(path);
	return k;
}

/*
 * Wrap and unwrap round trip; the key id a record names is checked (a
 * wrong one refused, ISA_ERR_BUSY), and another master key cannot unwrap.
 */
static void
test_wrap_unwrap(void **state)
{
	uint8_t w[KEYS_WRAPPED_LEN], id[KEYS_KEK_ID_LEN], id2[KEYS_KEK_ID_LEN];
	uint8_t bad[KEYS_KEK_ID_LEN];
	keys_t *k = holder("a.key"), *other = holder("b.key");
	crypto_dek_t *dek, *back;
	uint8_t in[5] = "hello", sealed[5 + CRYPTO_TAG_LEN], out[5];
	uint8_t doc[CRYPTO_DOCID_LEN] = { 1 };

	(void)state;
	CHECK(crypto_dek_new(&dek));
	CHECK(keys_wrap_dek(k, dek, w, id));
	keys_kek_id(k, id2);
	assert_memory_equal(id, id2, sizeof(id));
	CHECK(crypto_chunk_seal(dek, doc, 0, true, in, sizeof(in), sealed));

	/* What the holder unwraps opens what its DEK sealed. */
	CHECK(keys_unwrap_dek(k, id, w, &back));
	CHECK(crypto_chunk_open(back, doc, 0, true, sealed, sizeof(sealed),
	    out));
	assert_memory_equal(out, in, sizeof(in));
	crypto_dek_free(back);
	CHECK(keys_unwrap_dek(k, NULL, w, &back));
	crypto_dek_free(back);

	/* A record naming another key id is refused before any unwrap. */
	memcpy(bad, id, sizeof(bad));
	bad[0] ^= 1;
	back = (crypto_dek_t *)1;
	EXPECT(keys_unwrap_dek(k, bad, w, &back), ISA_ERR_BUSY);
	assert_null(back);
	/* Another master key: its id differs, and it cannot unwrap. */
	keys_kek_id(other, id2);
	assert_memory_not_equal(id, id2, sizeof(id));
	EXPECT(keys_unwrap_dek(other, id, w, &back), ISA_ERR_BUSY);
	EXPECT(keys_unwrap_dek(other, NULL, w, &back), ISA_ERR_CRYPTO);
	assert_null(back);
	/* A damaged wrap does not unwrap. */
	w[3] ^= 0x40;
	EXPECT(keys_unwrap_dek(k, id, w, &back), ISA_ERR_CRYPTO);
	crypto_dek_free(dek);
	keys_close(other);
	keys_close(k);
	keys_close(NULL);
}

/*
 * A rekey: the new key is saved, every DEK rewrapped, then swapped in; a
 * record naming the old key is told apart (ISA_ERR_BUSY: read it again),
 * the new key opens what was rewrapped, and new wraps carry the new id.
 * A dropped rekey leaves the key in use as it was.
 */
static void
test_rekey(void **state)
{
	uint8_t w[KEYS_WRAPPED_LEN], w2[KEYS_WRAPPED_LEN];
	uint8_t id_old[KEYS_KEK_ID_LEN], id_new[KEYS_KEK_ID_LEN];
	uint8_t id[KEYS_KEK_ID_LEN], zero[KEYS_KEK_ID_LEN] = { 0 };
	char path[PATH_LEN], err[256];
	keys_t *k = holder("old.key");
	crypto_dek_t *dek, *back;
	struct stat st;

	(void)state;
	CHECK(crypto_dek_new(&dek));
	CHECK(keys_wrap_dek(k, dek, w, id_old));
	/* No new key yet: nothing to rewrap to. */
	keys_rekey_id(k, id);
	assert_memory_equal(id, zero, sizeof(id));
	EXPECT(keys_rekey_rewrap(k, w, w2), ISA_ERR_INVAL);
	keys_rekey_commit(k);	/* nothing held: nothing happens */
	keys_kek_id(k, id);
	assert_memory_equal(id, id_old, sizeof(id));

	/* Begun and dropped: its file stays (the caller removes it), the
	 * key in use is unchanged. */
	path_in(path, "new.key");
	CHECK(keys_rekey_new(k, path, NULL, 0, err, sizeof(err)));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	EXPECT(keys_rekey_new(k, path, NULL, 0, err, sizeof(err)),
	    ISA_ERR_EXISTS);
	keys_rekey_id(k, id);
	assert_memory_equal(id, zero, sizeof(id));	/* the first dropped */
	/* The file left behind is loaded as a rekey's new key (a rekey cut
	 * off), with the id it was saved with. */
	CHECK(keys_rekey_load(k, path, NULL, 0, err, sizeof(err)));
	keys_rekey_id(k, id_new);
	assert_memory_not_equal(id_new, id_old, sizeof(id_new));
	keys_rekey_drop(k);
	keys_kek_id(k, id);
	assert_memory_equal(id, id_old, sizeof(id));
	CHECK(keys_unwrap_dek(k, id_old, w, &back));
	crypto_dek_free(back);

	/* Done: rewrapped, committed. */
	CHECK(keys_rekey_load(k, path, NULL, 0, err, sizeof(err)));
	CHECK(keys_rekey_rewrap(k, w, w2));
	keys_rekey_commit(k);	/* the old key is wiped and freed here */
	keys_kek_id(k, id);
	assert_memory_equal(id, id_new, sizeof(id));
	keys_rekey_id(k, id);
	assert_memory_equal(id, zero, sizeof(id));
	EXPECT(keys_unwrap_dek(k, id_old, w, &back), ISA_ERR_BUSY);
	assert_null(back);
	EXPECT(keys_unwrap_dek(k, NULL, w, &back), ISA_ERR_CRYPTO);
	CHECK(keys_unwrap_dek(k, id_new, w2, &back));
	crypto_dek_free(back);
	CHECK(keys_wrap_dek(k, dek, w, id));
	assert_memory_equal(id, id_new, sizeof(id));
	crypto_dek_free(dek);
	keys_close(k);
	unlink(path);
}

/*
 * The signing key: made and written by keys_signing_create, loaded into a
 * holder; what it signs verifies with the public key file an auditor
 * gets, and with no other; the private half lives in OpenSSL's secure
 * heap, and is freed from it (which clears it) when the holder closes.
 */
static void
test_sign(void **state)
{
	char priv[PATH_LEN], pub[PATH_LEN], p[PATH_LEN], p2[PATH_LEN];
	char err[512], *note;
	uint8_t root[MERKLE_HASH_LEN] = { 7 };
	const char *failed;
	keys_t *k = holder("m.key");
	EVP_PKEY *vk, *other;
	signkey_t *sk;
	checkpoint_t cp;
	struct stat st;
	bool secure, locked;
	size_t before;

	(void)state;
	path_in(priv, "audit.key");
	path_in(pub, "audit.pub.pem");
	/* No signing key loaded: nothing is signed. */
	EXPECT(keys_sign_checkpoint(k, "o", 1, root, &note), ISA_ERR_INVAL);
	assert_null(note);

	CHECK(keys_signing_create(priv, pub, &secure, &failed));
	assert_true(secure);
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(pub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	EXPECT(keys_signing_create(priv, path_in(p, "x.pem"), &secure,
	    &failed), ISA_ERR_EXISTS);
	assert_ptr_equal(failed, priv);
	/* The public file cannot be written: nothing is left behind. */
	EXPECT(keys_signing_create(path_in(p, "a2.key"),
	    path_in(p2, "no/such.pem"), &secure, &failed), ISA_ERR_IO);
	assert_ptr_equal(failed, p2);
	assert_int_equal(access(p, F_OK), -1);

	before = CRYPTO_secure_used();
	CHECK(keys_signing_load(k, priv, &locked, err, sizeof(err)));
	assert_true(CRYPTO_secure_used() > before);
	CHECK(keys_sign_checkpoint(k, "hppb.example.org/isa", 3, root,
	    &note));
	CHECK(checkpoint_key_read_public(pub, &vk, err, sizeof(err)));
	CHECK(checkpoint_parse(note, strlen(note), &cp, err, sizeof(err)));
	assert_int_equal(cp.size, 3);
	assert_memory_equal(cp.root, root, sizeof(root));
	CHECK(checkpoint_verify(&cp, vk));
	CHECK(signkey_generate(&sk));
	CHECK(signkey_public(sk, &other));
	signkey_free(sk);
	EXPECT(checkpoint_verify(&cp, other), ISA_ERR_NOTFOUND);
	checkpoint_clear(&cp);
	free(note);
	EXPECT(keys_sign_checkpoint(k, "a b", 3, root, &note), ISA_ERR_INVAL);
	keys_close(k);
	assert_int_equal(CRYPTO_secure_used(), before);
	checkpoint_key_free(other);
	checkpoint_key_free(vk);
	unlink(priv);
	unlink(pub);
}

/* The signing key's files: modes, no overwrite, what is refused on read. */
static void
test_signkey_files(void **state)
{
	char priv[PATH_LEN], pub[PATH_LEN], p[PATH_LEN];
	uint8_t root[MERKLE_HASH_LEN] = { 7 };
	EVP_PKEY *rpub, *vk;
	signkey_t *key, *rpriv, *k;
	checkpoint_signer_t signer;
	char err[512], *note;
	uint32_t a, b, c;
	checkpoint_t cp;
	struct stat st;

	(void)state;
	path_in(priv, "audit.key");
	path_in(pub, "audit.pub.pem");
	CHECK(signkey_generate(&key));
	CHECK(signkey_write(key, priv));
	CHECK(signkey_write_public(key, pub));
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(pub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	EXPECT(signkey_write(key, priv), ISA_ERR_EXISTS);
	EXPECT(signkey_write_public(key, pub), ISA_ERR_EXISTS);
	EXPECT(signkey_write(NULL, path_in(p, "null.key")), ISA_ERR_INVAL);
	assert_int_equal(access(p, F_OK), -1);

	CHECK(signkey_read(priv, &rpriv, err, sizeof(err)));
	/* Its private half is in OpenSSL's secure heap. */
	assert_true(CRYPTO_secure_used() > 0);
	CHECK(checkpoint_key_read_public(pub, &rpub, err, sizeof(err)));
	CHECK(signkey_public(key, &vk));
	CHECK(checkpoint_key_id("o", vk, &a));
	checkpoint_key_free(vk);
	CHECK(signkey_public(rpriv, &vk));
	CHECK(checkpoint_key_id("o", vk, &b));
	checkpoint_key_free(vk);
	CHECK(checkpoint_key_id("o", rpub, &c));
	assert_int_equal(a, b);
	assert_int_equal(a, c);
	/* What the daemon signs with its file, an auditor verifies with
	 * theirs. */
	CHECK(signkey_signer(rpriv, &signer));
	CHECK(checkpoint_sign(&signer, "o", 3, root, &note));
	CHECK(checkpoint_parse(note, strlen(note), &cp, err, sizeof(err)));
	CHECK(checkpoint_verify(&cp, rpub));
	checkpoint_clear(&cp);
	free(note);
	EXPECT(signkey_signer(NULL, &signer), ISA_ERR_INVAL);

	/* A private key that group or others may read is refused, naming
	 * the file and the fix. */
	assert_int_equal(chmod(priv, 0640), 0);
	EXPECT(signkey_read(priv, &k, err, sizeof(err)), ISA_ERR_PERM);
	assert_null(k);
	assert_non_null(strstr(err, priv));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(priv, 0602), 0);
	EXPECT(signkey_read(priv, &k, err, sizeof(err)), ISA_ERR_PERM);
	assert_int_equal(chmod(priv, 0600), 0);

	/* The wrong kind of file, a link, garbage. */
	EXPECT(checkpoint_key_read_public(priv, &vk, err, sizeof(err)),
	    ISA_ERR_PARSE);
	assert_null(vk);
	assert_non_null(strstr(err, priv));
	EXPECT(signkey_read(pub, &k, err, sizeof(err)), ISA_ERR_PERM);
	assert_int_equal(chmod(pub, 0600), 0);
	EXPECT(signkey_read(pub, &k, err, sizeof(err)), ISA_ERR_PARSE);
	assert_non_null(strstr(err, "private"));
	assert_int_equal(symlink(priv, path_in(p, "link")), 0);
	EXPECT(signkey_read(path_in(p, "link"), &k, err, sizeof(err)),
	    ISA_ERR_IO);
	{
		static const char junk[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
		    "-----END PRIVATE KEY-----\n";

		write_file(path_in(p, "junk"), junk, strlen(junk), 0600);
	}
	EXPECT(signkey_read(path_in(p, "junk"), &k, err, sizeof(err)),
	    ISA_ERR_PARSE);
	EXPECT(signkey_read(path_in(p, "none"), &k, err, sizeof(err)),
	    ISA_ERR_NOTFOUND);
	unlink(path_in(p, "junk"));
	unlink(path_in(p, "link"));
	unlink(priv);
	unlink(pub);
	checkpoint_key_free(vk);
	checkpoint_key_free(rpub);
	signkey_free(rpriv);
	signkey_free(key);
	signkey_free(NULL);
}

static int
setup(void **state)
{
	bool locked;

	(void)state;
	/* As isad does before it loads its key. */
	if (signkey_heap_init(&locked) != 0 || signkey_heap_init(&locked) != 0)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "%s", "/tmp/isa-test-keys-XXXXXX");
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
		cmocka_unit_test(test_wrap_unwrap),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_signkey_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
