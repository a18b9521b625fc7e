/* fuzz_auditverify.c: libFuzzer target for the offline export verifier (JSON lines, base64, records). */
#define _GNU_SOURCE	/* fmemopen */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/auditfmt.h"
#include "verify/auditverify.h"
#include "daemon/keys/signkey.h"
#include "proto/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key;
static char *header;	/* a validly signed line 1, tree size 3 */

static void
init(void)
{
	uint8_t root[32] = { 0 };
	checkpoint_signer_t signer;
	signkey_t *sk = NULL;
	char *note = NULL;

	if (signkey_generate(&sk) != 0 || signkey_signer(sk, &signer) != 0 ||
	    signkey_public(sk, &key) != 0 ||
	    checkpoint_sign(&signer, "fuzz.example/isa", 3, root, &note) != 0 ||
	    auditfmt_header(note, &header) != 0)
		abort();
	signkey_free(sk);	/* only its public half, key, is kept */
	free(note);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t n, m;
	char err[512], *buf;
	size_t hl;
	FILE *f;

	if (key == NULL)
		init();
	if (size == 0)
		return 0;
	/* Odd first byte: the input is the whole file; even: record lines
	 * after a good header, to reach the record checks. */
	hl = data[0] & 1 ? 0 : strlen(header) + 1;
	if ((buf = malloc(hl + size)) == NULL)
		return 0;
	if (hl > 0) {
		memcpy(buf, header, hl - 1);
		buf[hl - 1] = '\n';
	}
	memcpy(buf + hl, data + 1, size - 1);
	if ((f = fmemopen(buf, hl + size - 1, "r")) != NULL) {
		(void)!auditverify_export(f, key, NULL, 0, &n, &m, err,
		    sizeof(err));
		fclose(f);
	}
	free(buf);
	return 0;
}
