/* fuzz_policy_marking.c: libFuzzer target for marking parsing: requests' words and stored canonical lines. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/marking.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static policy_t *pol;

static const char policy_text[] =
    "caveats = ( { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; },\n"
    "  { name = \"UK-EYES-ONLY\"; requires = \"uk-national\"; },\n"
    "  { name = \"CHANNEL\"; requires = \"channel\"; } );\n"
    "agencies = ( { id = \"hcc\"; name = \"HCC\"; } );\n"
    "users = ( );\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *words[16], line[POLICY_MARKING_LINE_MAX], err[256];
	char again[POLICY_MARKING_LINE_MAX];
	marking_spec_t spec;
	marking_t m, back;
	size_t n = 0, i;
	char *s, *save = NULL;

	if (pol == NULL && policy_load_string(policy_text, "m", &pol, err,
	    sizeof(err)) != 0)
		abort();
	if (size > 4096 || (text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	/* As a stored line: what parses must print back identically. */
	if (policy_marking_line_parse(pol, text, &m) == 0) {
		if (policy_marking_line(pol, &m, line, sizeof(line)) != 0 ||
		    strcmp(line, text) != 0)
			abort();
	}

	/* As a request: '|'-separated words: class, onward, handling, embargo,
	 * then descriptors and caveats (by their case). */
	for (s = strtok_r(text, "|", &save); s != NULL && n < 16;
	    s = strtok_r(NULL, "|", &save))
		words[n++] = s;
	memset(&spec, 0, sizeof(spec));
	spec.classification = n > 0 ? words[0] : NULL;
	spec.onward = n > 1 ? words[1] : NULL;
	spec.handling = n > 2 ? words[2] : NULL;
	spec.embargo_until = n > 3 && words[3][0] != '-' ? words[3] : NULL;
	if (n > 4) {
		spec.descriptors = (const char *const *)&words[4];
		spec.n_descriptors = (n - 4) / 2;
		spec.caveats = (const char *const *)&words[4 + spec.n_descriptors];
		spec.n_caveats = n - 4 - spec.n_descriptors;
	}
	for (i = 0; i <= CLASSIFICATION_TOP_SECRET; i++) {
		if (policy_marking_parse(pol, &spec, (classification_t)i, &m, err,
		    sizeof(err)) != 0) {
			if (err[0] == '\0' || strchr(err, '\n') != NULL)
				abort();
			continue;
		}
		/* Accepted markings are valid, and their line round-trips. */
		if (policy_marking_check(pol, &m, (classification_t)i) != MARKING_VALID ||
		    policy_marking_line(pol, &m, line, sizeof(line)) != 0 ||
		    policy_marking_line_parse(pol, line, &back) != 0 ||
		    policy_marking_line(pol, &back, again, sizeof(again)) != 0 ||
		    strcmp(line, again) != 0 || back.caveats != m.caveats)
			abort();
	}
	free(text);
	return 0;
}
