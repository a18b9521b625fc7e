/* fuzz_envelope.c: libFuzzer target for the envelope decoder, both kinds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "proto/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Isa__Envelope *env = NULL;
	char err[256];
	uint8_t *buf;
	size_t len;

	for (int k = ENVELOPE_REQUEST; k <= ENVELOPE_REPLY; k++) {
		if (envelope_decode(data, size, (envelope_kind_t)k, &env, err,
		    sizeof(err)) != 0)
			continue;
		/* What decodes must encode again. */
		if (envelope_encode(env, &buf, &len) == 0)
			free(buf);
		envelope_free(env);
	}
	return 0;
}
