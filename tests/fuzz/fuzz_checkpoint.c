/* fuzz_checkpoint.c: libFuzzer target for the checkpoint and signed-note parsers, verification with a fixed key, verifier keys and compact ranges. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "proto/checkpoint.h"
#include "proto/merkle.h"

/* The seeds (tests/fuzz/seeds/fuzz_checkpoint/) are signed with the key of
 * golang.org/x/mod/sumdb/note's PeterNeumann example, so the fuzzer starts
 * from notes that verify. */
static const char fixed_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *
fixed_key(void)
{
	static EVP_PKEY *key;	/* kept for the whole run */
	char *name;

	if (key == NULL) {
		if (checkpoint_key_vkey_parse(fixed_vkey, &name, &key) != 0)
			abort();
		free(name);
	}
	return key;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *note = (const char *)data;
	EVP_PKEY *key = fixed_key(), *k;
	uint8_t buf[MERKLE_COMPACT_ENCODED_MAX];
	merkle_compact_t r;
	checkpoint_t cp;
	char err[256], *s, *name;
	size_t text_len, len;

	/* The checkpoint, and its signature by the fixed key. */
	if (checkpoint_parse(note, size, &cp, err, sizeof(err)) == 0) {
		int rc = checkpoint_verify(&cp, key);

		if (rc != 0 && rc != ISA_ERR_NOTFOUND && rc != ISA_ERR_CRYPTO)
			abort();
		checkpoint_clear(&cp);
	} else if (cp.origin != NULL || cp.note != NULL)
		abort();

	/* Any signed note, under the key's own name and the golden origin. */
	if (checkpoint_note_verify(note, size, "PeterNeumann", key,
	    &text_len) == 0 && (text_len == 0 || text_len >= size))
		abort();
	(void)checkpoint_note_verify(note, size, "hppb.example.org/isa", key,
	    NULL);

	/* A verifier key, from a NUL-terminated copy. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (checkpoint_key_vkey_parse(s, &name, &k) == 0) {
		free(name);
		checkpoint_key_free(k);
	}
	free(s);

	/* A compact range: what decodes encodes to the same bytes. */
	if (merkle_compact_decode(data, size, &r) == 0) {
		if (merkle_compact_encode(&r, buf, sizeof(buf), &len) != 0 ||
		    len != size || memcmp(buf, data, size) != 0)
			abort();
	}
	return 0;
}
