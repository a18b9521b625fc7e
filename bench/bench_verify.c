/* bench_verify.c: writes a signed audit export of N realistic records (and its public key) for timing `isa audit verify` on it (not a test). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "verify/auditfmt.h"
#include "daemon/keys/signkey.h"
#include "proto/checkpoint.h"
#include "proto/isa.pb-c.h"
#include "proto/merkle.h"

/*
 * bench_verify N EXPORT PUB.pem
 * Records look like isad's: a user reading a document, with its key, marking
 * and content hash, encoded by protobuf-c as isad encodes them; the export
 * is written by the same formatter `isa audit export` uses, under a
 * checkpoint signed with a fresh Ed25519 key.
 */

static void
check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "bench_verify: %s: %s\n", what,
		    isa_strerror(rc));
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	static const char *const actions[] = { "get", "info", "ls", "put" };
	merkle_compact_t range;
	uint8_t root[MERKLE_HASH_LEN], sha[32], buf[1024];
	char doc[32], actor[32], *line, *note;
	checkpoint_signer_t signer;
	signkey_t *key = NULL;
	FILE *f;
	long n;

	if (argc != 4 || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_verify N EXPORT PUB.pem\n");
		return 2;
	}
	check(signkey_generate(&key), "key");
	check(signkey_signer(key, &signer), "signer");
	if ((f = fopen(argv[2], "w")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	/* The header needs the root: hash first, then write. */
	merkle_compact_init(&range);
	for (int pass = 0; pass < 2; pass++) {
		for (long i = 0; i < n; i++) {
			Isa__AuditRecord r = ISA__AUDIT_RECORD__INIT;
			size_t len;

			for (int k = 0; k < 32; k++)
				sha[k] = (uint8_t)(i * 31 + k);
			snprintf(doc, sizeof(doc), "D%010ld", i % 5000);
			snprintf(actor, sizeof(actor), "user%03ld", i % 500);
			r.seq = (uint64_t)i;
			r.time_ms = 1795000000000 + i;
			r.actor = actor;
			r.agency = "ctpu";
			r.key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
			r.action = (char *)actions[i % 4];
			r.doc = doc;
			r.marking = "OFFICIAL-SENSITIVE";
			r.decision = i % 10 == 0 ? "deny" : "permit";
			r.reason = i % 10 == 0 ? "not_on_list" : "ok";
			r.request = (uint64_t)i;
			r.sha256.data = sha;
			r.sha256.len = sizeof(sha);
			len = isa__audit_record__pack(&r, buf);
			if (pass == 0) {
				uint8_t leaf[MERKLE_HASH_LEN];

				check(merkle_hash_leaf(buf, len, leaf), "leaf");
				check(merkle_compact_append(&range, leaf),
				    "append");
				continue;
			}
			check(auditfmt_json(buf, len, true, &line), "json");
			fprintf(f, "%s\n", line);
			free(line);
		}
		if (pass == 0) {
			check(merkle_compact_root(&range, root), "root");
			check(checkpoint_sign(&signer, "bench.example/isa",
			    (uint64_t)n, root, &note), "sign");
			check(auditfmt_header(note, &line), "header");
			fprintf(f, "%s\n", line);
			free(line);
			free(note);
		}
	}
	if (fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	check(signkey_write_public(key, argv[3]), "public key");
	signkey_free(key);
	return 0;
}
