/* fuzz_input.c: libFuzzer target for isad's request bounds (daemon/serve/input.c) and the terminal escaper (common/utf8.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "daemon/ctx/config.h"
#include "daemon/serve/input.h"
#include "proto/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	isad_config_t cfg = { .max_title = 256, .max_handling = 4096,
	    .max_reason = 1024, .max_principal = 128, .max_filename = 255,
	    .max_recipients = 500 };
	Isa__Envelope *env = NULL;
	input_verdict_t v;
	char err[256], *s, *e;

	if (envelope_decode(data, size, ENVELOPE_REQUEST, &env, err,
	    sizeof(err)) == 0) {
		if (!input_check(&cfg, env, &v) &&
		    (v.message[0] == '\0' || v.reason[0] == '\0'))
			abort();	/* a refusal always says why */
		envelope_free(env);
	}
	/* Any bytes: the escaped copy holds no control character. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((e = utf8_escape(s)) != NULL) {
		for (const unsigned char *p = (const unsigned char *)e; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				abort();
		free(e);
	}
	free(s);
	return 0;
}
