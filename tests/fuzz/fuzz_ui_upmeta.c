/* fuzz_ui_upmeta.c: libFuzzer target for an upload's description (X-ISA-Meta): any header parses or is refused with a sentence, and what parses is within isa put's bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/upmeta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ui_upmeta_t um;
	ui_err_t e;
	char *hdr;

	if ((hdr = malloc(size + 1)) == NULL)
		return 0;
	memcpy(hdr, data, size);
	hdr[size] = '\0';
	memset(&um, 0, sizeof(um));
	memset(&e, 0, sizeof(e));
	if (ui_upmeta_parse(&um, hdr, &e) == 0) {
		const Isa__DocMeta *m = &um.m;

		if (m->title[0] == '\0' || m->classification[0] == '\0' ||
		    m->n_to == 0 || m->n_to > ISA_PUT_MAX_LIST ||
		    m->n_caveats > ISA_PUT_MAX_LIST ||
		    m->n_descriptors > ISA_PUT_MAX_LIST ||
		    strchr(m->filename, '/') != NULL)
			abort();
		for (size_t i = 0; i < m->n_to; i++)
			if (m->to[i][0] == '\0')
				abort();
	} else if (e.message[0] == '\0' || (e.http != 400 && e.http != 500) ||
	    (e.http == 400 && strcmp(e.kind, "bad") != 0))
		abort();
	ui_upmeta_free(&um);
	free(hdr);
	return 0;
}
