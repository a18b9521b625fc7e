/* fuzz_policy_load.c: libFuzzer target for the policy.conf loader, and everything a loaded policy answers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/decide.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 (Debian 12) leaks string tokens (from its scanner) that a syntax error
 * discards (hyperrealm/libconfig#142, fixed by #155 in 1.7): its bug, not
 * the loader's, and a few bytes per refused file.  Everything else leaking
 * still fails the run.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\n"
	    "leak:libconfig_yylex\n";
}

/* Exercise every lookup and one decision per user, so a loader that builds
 * inconsistent indices or bitsets trips the sanitizers here. */
static void
exercise(const policy_t *p)
{
	char buf[256], err[256];
	size_t i, n = policy_user_count(p);
	policy_principal_t acc[3];
	policy_doc_t doc;
	policy_decision_t d;
	policy_user_view_t v;

	for (i = 0; i < policy_agency_count(p); i++) {
		uint32_t idx;

		snprintf(buf, sizeof(buf), "agency:%s", policy_agency_id_at(p, i));
		if (policy_principal_resolve(p, buf, &acc[0]) != 0 ||
		    policy_agency_resolve(p, policy_agency_id_at(p, i), &idx) != 0)
			abort();
		(void)policy_agency_name_at(p, i);
	}
	for (i = 0; i < policy_caveat_count(p); i++) {
		uint32_t idx;

		if (policy_caveat_resolve(p, policy_caveat_name_at(p, i), &idx) != 0)
			abort();
	}
	memset(acc, 0, sizeof(acc));
	acc[1].kind = PRINCIPAL_ALL;
	if (policy_group_count(p) > 0) {
		acc[2].kind = PRINCIPAL_GROUP;
		acc[2].index = (uint32_t)(policy_group_count(p) - 1);
		if (policy_principal_format(p, acc[2], buf, sizeof(buf)) != 0)
			abort();
	}
	for (i = 0; i < n; i++) {
		const policy_user_t *u = policy_user_at(p, i);

		policy_user_view(p, u, 1700000000, &v);
		if (policy_user_by_key(p, v.key) == NULL ||
		    policy_user_by_id(p, v.id) != u)
			abort();
		snprintf(buf, sizeof(buf), "user:%s", v.id);
		if (policy_principal_resolve(p, buf, &acc[0]) != 0)
			abort();
		memset(&doc, 0, sizeof(doc));
		doc.id = "FUZZ";
		doc.marking.classification = (classification_t)(i % 3);
		doc.marking.caveats = policy_caveat_count(p) > 0 ? 1 : 0;
		doc.originator = (int32_t)policy_user_agency(u);
		doc.access = acc;
		doc.n_access = 3;
		if (policy_decide(p, u, (policy_action_t)(i % POLICY_ACTION_COUNT_),
		    &doc, NULL, 1700000000, &d) != d.outcome)
			abort();
		policy_decision_explain(p, &d, err, sizeof(err));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, err[512];
	policy_t *p = NULL;

	if (size > 1 << 20)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (policy_load_string(text, "fuzz.conf", &p, err, sizeof(err)) == 0) {
		exercise(p);
		policy_unref(p);
	} else if (p != NULL || err[0] == '\0' || strchr(err, '\n') != NULL) {
		abort();	/* a failed load must say why, on one line */
	}
	free(text);
	return 0;
}
