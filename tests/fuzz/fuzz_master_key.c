/* fuzz_master_key.c: libFuzzer target for the master key file parser: each input read as isad reads master.key, with no passphrase and with the seeds' one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/keys/crypto.h"
#include "daemon/keys/kek.h"
#include "input_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The passphrase the seed kdf-scrypt was wrapped with: a throwaway key made
 * by `isad init` in a temp dir for these seeds only (kdf-none and
 * kdf-scrypt-other-passphrase likewise), never a deployment's.  An input
 * must match its file's check value to get past the parser, which a
 * mutation cannot forge: the seeds carry the unwrap (right and wrong
 * passphrase) and the key id check, the mutations the parser.
 */
#define PASS	"fuzz: a throwaway passphrase"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = input_file(data, size);
	crypto_kek_t *kek = NULL;
	char err[512];

	if (crypto_kek_load(path, NULL, 0, &kek, err, sizeof(err)) == 0)
		crypto_kek_free(kek);
	else if (kek != NULL)
		abort();	/* on error *out is NULL */
	kek = NULL;
	if (crypto_kek_load(path, PASS, strlen(PASS), &kek, err,
	    sizeof(err)) == 0)
		crypto_kek_free(kek);
	else if (kek != NULL)
		abort();
	return 0;
}
