/* test_policy_marking.c: markings: parsing, each validity rule, the canonical line (golden), parsing the line back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "policy/marking.h"
#include "policy/policy.h"

#define CHECK(cond, err) do {						\
	if (!(cond))							\
		fail_msg("%s:%d: %s (error: %s)", __FILE__, __LINE__,	\
		    #cond, (err));					\
} while (0)

/* Caveats deliberately out of name order: the line sorts them by name. */
static const char policy_text[] =
    "caveats = ( { name = \"UK-EYES-ONLY\"; requires = \"uk-national\"; },\n"
    "            { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; },\n"
    "            { name = \"CHANNEL\"; requires = \"channel-panel\"; } );\n"
    "agencies = ( { id = \"hcc\"; name = \"HCC\"; } );\n"
    "users = ( );\n";

static policy_t *
load(void)
{
	char err[256];
	policy_t *p = NULL;

	CHECK(policy_load_string(policy_text, "m.conf", &p, err, sizeof(err)) == 0,
	    err);
	return p;
}

/* One marking request and what must come of it. */
struct mcase {
	const char *cls;
	const char *desc[4];
	const char *cav[4];
	const char *onward;
	const char *handling;
	const char *embargo;
	classification_t ceiling;
};

#define S CLASSIFICATION_SECRET
static const struct mcase mcases[] = {
	{ "OFFICIAL", { NULL }, { NULL }, NULL, NULL, NULL, S },
	{ "OFFICIAL-SENSITIVE", { "PERSONAL" }, { "PERSONAL-DATA" }, NULL, NULL, NULL, S },
	{ "SECRET", { "LOCSEN", "COMMERCIAL", "PERSONAL" },
	    { "UK-EYES-ONLY", "PERSONAL-DATA", "CHANNEL" }, "approval", "Do not copy.", NULL, S },
	{ "OFFICIAL", { NULL }, { NULL }, "open", NULL, NULL, S },
	{ "OFFICIAL", { "COMMERCIAL" }, { NULL }, "open", NULL, NULL, S },
	{ "OFFICIAL", { NULL }, { "CHANNEL" }, "within-agency", NULL, NULL, S },
	{ "official-sensitive", { "personal" }, { "personal-data" }, "Within-Agency", NULL, NULL, S },
	{ "OFFICIAL-SENSITIVE", { NULL }, { NULL }, "", "", NULL, S },
	{ "OFFICIAL-SENSITIVE", { NULL }, { NULL }, NULL, NULL, "2025-01-31T09:00:00Z", S },
	{ "OFFICIAL-SENSITIVE", { NULL }, { NULL }, NULL, NULL, "2025-01-31T10:00:00.5+01:00", S },
	{ "SECRET", { NULL }, { "UK-EYES-ONLY" }, NULL, "UK eyes only.", NULL, S },
	/* refused */
	{ "TOP SECRET", { NULL }, { NULL }, NULL, "x", NULL, S },
	{ "top-secret", { NULL }, { NULL }, NULL, "x", NULL, S },
	{ "SECRET", { NULL }, { NULL }, NULL, "x", NULL, CLASSIFICATION_OFFICIAL_SENSITIVE },
	{ "OFFICIAL-SENSITIVE", { NULL }, { NULL }, NULL, NULL, NULL, CLASSIFICATION_OFFICIAL },
	{ "OFFICIAL-SENSITIVE", { NULL }, { NULL }, "open", NULL, NULL, S },
	{ "OFFICIAL", { NULL }, { "CHANNEL" }, "open", NULL, NULL, S },
	{ "OFFICIAL-SENSITIVE", { NULL }, { "UK-EYES-ONLY" }, NULL, NULL, NULL, S },
	{ "SECRET", { NULL }, { NULL }, NULL, NULL, NULL, S },
	{ "SECRET", { NULL }, { NULL }, NULL, "", NULL, S },
	{ "OFFICIAL", { NULL }, { NULL }, NULL, NULL, "", S },
	{ "OFFICIAL", { NULL }, { NULL }, NULL, NULL, "tomorrow", S },
	{ "OFFICIAL", { NULL }, { NULL }, NULL, NULL, "2025-02-30T00:00:00Z", S },
	{ "OFFICIAL", { NULL }, { NULL }, NULL, NULL, "2025-01-31T09:00:00", S },
	{ "RESTRICTED", { NULL }, { NULL }, NULL, NULL, NULL, S },
	{ NULL, { NULL }, { NULL }, NULL, NULL, NULL, S },
	{ "OFFICIAL", { "SENSITIVE" }, { NULL }, NULL, NULL, NULL, S },
	{ "OFFICIAL", { "PERSONAL", "personal" }, { NULL }, NULL, NULL, NULL, S },
	{ "OFFICIAL", { NULL }, { "NATO" }, NULL, NULL, NULL, S },
	{ "OFFICIAL", { NULL }, { "CHANNEL", "CHANNEL" }, NULL, NULL, NULL, S },
	{ "OFFICIAL", { NULL }, { NULL }, "public", NULL, NULL, S },
	{ "OFFICIAL", { NULL }, { NULL }, NULL, NULL, NULL, CLASSIFICATION_TOP_SECRET },
};

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (n < 4 && v[n] != NULL)
		n++;
	return n;
}

static const char *
rc_name(int rc)
{
	switch (rc) {
	case 0: return "ok";
	case ISA_ERR_PARSE: return "PARSE";
	case ISA_ERR_RANGE: return "RANGE";
	case ISA_ERR_INVAL: return "INVAL";
	case ISA_ERR_NOTFOUND: return "NOTFOUND";
	}
	return "?";
}

/* The golden file's path: beside this source. */
static void
golden_path(const char *name, char *buf, size_t len)
{
	const char *src = getenv("ISA_SOURCE_DIR");

	if (src != NULL)
		snprintf(buf, len, "%s/tests/unit/golden/%s", src, name);
	else
		snprintf(buf, len, "%.*s/golden/%s",
		    (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__, name);
}

/* Compare got with the golden file name, line by line; ISA_UPDATE_GOLDEN=1
 * rewrites it instead. */
static void
check_golden(const char *name, const char *got)
{
	char path[1024], *want;
	FILE *f;
	long n;
	size_t i, line = 1;

	golden_path(name, path, sizeof(path));
	if (getenv("ISA_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("%s:%d: cannot open golden file %s", __FILE__, __LINE__,
		    path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	want = calloc(1, (size_t)n + 1);
	assert_non_null(want);
	assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	for (i = 0; got[i] != '\0' && got[i] == want[i]; i++)
		if (got[i] == '\n')
			line++;
	if (got[i] != want[i]) {
		const char *g = got + i, *w = want + i;

		while (g > got && g[-1] != '\n')
			g--;
		while (w > want && w[-1] != '\n')
			w--;
		fail_msg("%s:%d: %s:%zu differs:\n want: %.*s\n  got: %.*s",
		    __FILE__, __LINE__, path, line, (int)strcspn(w, "\n"), w,
		    (int)strcspn(g, "\n"), g);
	}
	free(want);
}

static void
test_marking_golden(void **state)
{
	policy_t *p = load();
	char *out = calloc(1, 65536), line[POLICY_MARKING_LINE_MAX], err[256];
	size_t n = 0, i;

	(void)state;
	assert_non_null(out);
	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const struct mcase *c = &mcases[i];
		marking_spec_t spec = {
			.classification = c->cls,
			.descriptors = c->desc, .n_descriptors = count(c->desc),
			.caveats = c->cav, .n_caveats = count(c->cav),
			.onward = c->onward, .handling = c->handling,
			.embargo_until = c->embargo,
		};
		marking_t m, back;
		int rc = policy_marking_parse(p, &spec, c->ceiling, &m, err,
		    sizeof(err));

		if (rc == 0) {
			assert_int_equal(policy_marking_check(p, &m, c->ceiling),
			    MARKING_VALID);
			assert_int_equal(policy_marking_line(p, &m, line,
			    sizeof(line)), 0);
			/* The line parses back to the same marking. */
			CHECK(policy_marking_line_parse(p, line, &back) == 0, line);
			assert_int_equal(back.classification, m.classification);
			assert_int_equal(back.descriptors, m.descriptors);
			assert_true(back.caveats == m.caveats);
			assert_int_equal(back.onward, m.onward);
			n += (size_t)snprintf(out + n, 65536 - n, "%zu ok %s%s",
			    i, line, m.embargo ? " embargo=" : "");
			if (m.embargo)
				n += (size_t)snprintf(out + n, 65536 - n, "%lld",
				    (long long)m.embargo_until);
			n += (size_t)snprintf(out + n, 65536 - n, "\n");
		} else {
			assert_true(strchr(err, '\n') == NULL && err[0] != '\0');
			n += (size_t)snprintf(out + n, 65536 - n, "%zu %s %s\n", i,
			    rc_name(rc), err);
		}
	}
	check_golden("policy_marking_lines.txt", out);
	free(out);
	policy_unref(p);
}

static void
test_line_parse_errors(void **state)
{
	policy_t *p = load();
	marking_t m;

	(void)state;
	assert_int_equal(policy_marking_line_parse(p, "", &m), ISA_ERR_PARSE);
	assert_int_equal(policy_marking_line_parse(p, "OFFICIAL", &m),
	    ISA_ERR_PARSE);
	assert_int_equal(policy_marking_line_parse(p,
	    "OFFICIAL RECIPIENTS ONLY ", &m), ISA_ERR_PARSE);
	assert_int_equal(policy_marking_line_parse(p,
	    "OFFICIAL  RECIPIENTS ONLY", &m), ISA_ERR_PARSE);
	assert_int_equal(policy_marking_line_parse(p,
	    "official RECIPIENTS ONLY", &m), ISA_ERR_PARSE);
	/* Out of canonical order: caveats by name. */
	assert_int_equal(policy_marking_line_parse(p,
	    "SECRET UK-EYES-ONLY CHANNEL RECIPIENTS ONLY", &m), ISA_ERR_PARSE);
	assert_int_equal(policy_marking_line_parse(p,
	    "SECRET CHANNEL CHANNEL RECIPIENTS ONLY", &m), ISA_ERR_PARSE);
	assert_int_equal(policy_marking_line_parse(p,
	    "SECRET LOCSEN PERSONAL RECIPIENTS ONLY", &m), ISA_ERR_PARSE);
	/* A caveat a reload removed: NOTFOUND, with the rest parsed. */
	assert_int_equal(policy_marking_line_parse(p,
	    "OFFICIAL-SENSITIVE PERSONAL NATO RECIPIENTS ONLY", &m),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(m.classification, CLASSIFICATION_OFFICIAL_SENSITIVE);
	assert_int_equal(m.descriptors, DESCRIPTOR_PERSONAL);
	assert_int_equal(policy_marking_line_parse(p,
	    "OFFICIAL-SENSITIVE RECIPIENT AGENCY USE ONLY", &m), 0);
	assert_int_equal(m.onward, ONWARD_WITHIN_AGENCY);
	assert_int_equal(policy_marking_line_parse(p,
	    "TOP SECRET RECIPIENTS ONLY", &m), 0);
	assert_int_equal(m.classification, CLASSIFICATION_TOP_SECRET);
	assert_int_equal(policy_marking_check(p, &m, CLASSIFICATION_TOP_SECRET),
	    MARKING_NOT_ACCREDITED);
	policy_unref(p);
}

static void
test_line_truncation_and_invalid(void **state)
{
	policy_t *p = load();
	marking_t m = { 0 };
	char small[12];

	(void)state;
	m.classification = CLASSIFICATION_OFFICIAL_SENSITIVE;
	assert_int_equal(policy_marking_line(p, &m, small, sizeof(small)),
	    ISA_ERR_RANGE);
	assert_true(strlen(small) == sizeof(small) - 1);
	m.caveats = UINT64_C(1) << 3;		/* the policy has 3 caveats */
	assert_int_equal(policy_marking_line(p, &m, small, sizeof(small)),
	    ISA_ERR_INVAL);
	assert_int_equal(policy_marking_check(p, &m, CLASSIFICATION_SECRET),
	    MARKING_UNKNOWN);
	m.caveats = 0;
	m.onward = (onward_t)7;
	assert_int_equal(policy_marking_check(p, &m, CLASSIFICATION_SECRET),
	    MARKING_UNKNOWN);
	m.onward = ONWARD_APPROVAL;
	m.descriptors = 1u << 5;
	assert_int_equal(policy_marking_check(p, &m, CLASSIFICATION_SECRET),
	    MARKING_UNKNOWN);
	m.descriptors = 0;
	m.embargo = true;
	assert_int_equal(policy_marking_check(p, &m, CLASSIFICATION_SECRET),
	    MARKING_EMBARGO_NO_TIME);
	assert_string_equal(policy_marking_fault_text(MARKING_EMBARGO_NO_TIME),
	    "an embargo needs its time");
	policy_unref(p);
}

static void
test_names_and_resolve(void **state)
{
	policy_t *p = load();
	static const char *const names[] = { "CHANNEL", "UK-EYES-ONLY" };
	static const char *const bad[] = { "CHANNEL", "NATO" };
	classification_t c;
	uint64_t mask;

	(void)state;
	assert_int_equal(policy_classification_parse("Secret", &c), 0);
	assert_int_equal(c, CLASSIFICATION_SECRET);
	assert_int_equal(policy_classification_parse("TOP SECRET", &c), 0);
	assert_int_equal(c, CLASSIFICATION_TOP_SECRET);
	assert_int_equal(policy_classification_parse("CONFIDENTIAL", &c),
	    ISA_ERR_NOTFOUND);
	assert_string_equal(policy_classification_name(
	    CLASSIFICATION_OFFICIAL_SENSITIVE), "OFFICIAL-SENSITIVE");
	assert_string_equal(policy_classification_name((classification_t)9),
	    "unknown");
	assert_int_equal(policy_minimum_clearance(p, CLASSIFICATION_OFFICIAL),
	    CLEARANCE_NONE);
	assert_int_equal(policy_minimum_clearance(p,
	    CLASSIFICATION_OFFICIAL_SENSITIVE), CLEARANCE_BPSS);
	assert_int_equal(policy_minimum_clearance(p, CLASSIFICATION_SECRET),
	    CLEARANCE_SC);
	assert_string_equal(policy_onward_handling(ONWARD_OPEN),
	    "FOR PUBLIC RELEASE");
	assert_string_equal(policy_onward_name(ONWARD_WITHIN_AGENCY),
	    "within-agency");
	assert_int_equal(policy_caveats_resolve(p, names, 2, &mask), 0);
	assert_true(mask == (UINT64_C(1) << 2 | UINT64_C(1) << 0));
	assert_int_equal(policy_caveats_resolve(p, bad, 2, &mask),
	    ISA_ERR_NOTFOUND);
	assert_true(mask == UINT64_C(1) << 2);
	policy_unref(p);
}

/* What a chooser is told (the Directory): the descriptors in the line's
 * order, the caveats in byte order of their names (policy.conf has them
 * out of order), UK-EYES-ONLY alone needing SECRET. */
static void
test_chooser_accessors(void **state)
{
	policy_t *p = load();
	static const char *const by_name[] = { "CHANNEL", "PERSONAL-DATA",
	    "UK-EYES-ONLY" };

	(void)state;
	assert_int_equal(policy_descriptor_count(), 3);
	assert_string_equal(policy_descriptor_name_at(0), "PERSONAL");
	assert_string_equal(policy_descriptor_name_at(1), "COMMERCIAL");
	assert_string_equal(policy_descriptor_name_at(2), "LOCSEN");
	assert_null(policy_descriptor_name_at(3));
	assert_int_equal(policy_caveat_count(p), 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(policy_caveat_name_at(p,
		    policy_caveat_nth(p, i)), by_name[i]);
	assert_int_equal(policy_caveat_nth(p, 3), 3);
	/* policy.conf order: UK-EYES-ONLY 0, PERSONAL-DATA 1, CHANNEL 2 */
	assert_int_equal(policy_caveat_minimum_classification(p, 0),
	    CLASSIFICATION_SECRET);
	assert_int_equal(policy_caveat_minimum_classification(p, 1),
	    CLASSIFICATION_OFFICIAL);
	assert_int_equal(policy_caveat_minimum_classification(p, 2),
	    CLASSIFICATION_OFFICIAL);
	assert_int_equal(policy_caveat_minimum_classification(p, 7),
	    CLASSIFICATION_OFFICIAL);
	policy_unref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marking_golden),
		cmocka_unit_test(test_line_parse_errors),
		cmocka_unit_test(test_line_truncation_and_invalid),
		cmocka_unit_test(test_names_and_resolve),
		cmocka_unit_test(test_chooser_accessors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
