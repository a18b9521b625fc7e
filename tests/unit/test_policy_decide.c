/* test_policy_decide.c: the decision table over every rule of DESIGN §6, the clearance x marking x membership x caveat x role matrix, and the existence-leak property. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "policy/decide.h"
#include "policy/policy.h"
#include "policy/z85.h"

#define NOW	INT64_C(1700000000)	/* 2023-11-14T22:13:20Z */
#define LATER	INT64_C(1893456000)	/* 2030-01-01T00:00:00Z */
#define ID	"7QK3MZ2XW4ABCDEFGHJKLMNPQR"
#define REQ	"RQ3MZ2XW4ABCDEFGHJKLMNPQRS"
#define PD	UINT64_C(1)		/* caveat 0: PERSONAL-DATA */
#define UKEO	UINT64_C(2)		/* caveat 1: UK-EYES-ONLY */

/*
 * Users: id, agency, clearance, roles, attributes, expiry, enabled.  The
 * matrix below reads the same facts from this table, not from the policy,
 * so it checks the loader's expansion as well as the decision.
 */
struct tuser {
	const char *id;
	const char *agency;
	const char *clearance;
	const char *roles;	/* libconfig list body */
	const char *attrs;	/* libconfig list body */
	const char *expires;	/* or NULL */
	bool enabled;
};

static const struct tuser tusers[] = {
	{ "board-admin", "hcc", "SC", "\"admin\"", "", NULL, true },
	{ "ctp-analyst", "ctpse", "SC", "", "\"safeguarding\", \"uk-national\"", NULL, true },
	{ "ctp-approver", "ctpse", "DV", "\"approver\"", "\"safeguarding\", \"uk-national\"", "2030-12-31", true },
	{ "council-lead", "hcc", "BPSS", "", "\"safeguarding\"", NULL, true },
	{ "council-officer", "hcc", "NONE", "", "", NULL, true },
	{ "health-lead", "nhs", "SC", "", "\"uk-national\"", NULL, true },
	{ "nhs-approver", "nhs", "SC", "\"approver\"", "\"safeguarding\"", NULL, true },
	{ "chair", "hcc", "SC", "\"chair\"", "\"safeguarding\"", NULL, true },
	{ "auditor", "ctpse", "BPSS", "\"auditor\"", "", NULL, true },
	{ "auditor-none", "ctpse", "NONE", "\"auditor\"", "", NULL, true },
	{ "expired", "nhs", "SC", "", "\"safeguarding\"", "2020-01-01", true },
	{ "disabled", "nhs", "SC", "", "\"safeguarding\"", NULL, false },
	{ "nested-user", "police", "CTC", "", "\"safeguarding\"", NULL, true },
	{ "ctc-user", "police", "CTC", "\"admin\", \"chair\", \"auditor\"", "\"safeguarding\", \"uk-national\"", NULL, true },
};
#define N_USERS	(sizeof(tusers) / sizeof(tusers[0]))

/* Groups: ppb = agency:hcc + group:mid; mid = group:inner; inner =
 * user:nested-user; health = agency:nhs; empty = nobody. */
static const char *const tgroups[][4] = {
	{ "ppb", "agency:hcc", "group:mid", NULL },
	{ "mid", "group:inner", NULL, NULL },
	{ "inner", "user:nested-user", NULL, NULL },
	{ "health", "agency:nhs", NULL, NULL },
	{ "empty", NULL, NULL, NULL },
};
#define N_GROUPS	(sizeof(tgroups) / sizeof(tgroups[0]))
static const char *const tagencies[] = { "hcc", "ctpse", "nhs", "police" };
#define N_AGENCIES	4

static policy_t *pol;

static void
build_policy(char *buf, size_t len)
{
	size_t n = 0, i, j;
	uint8_t raw[POLICY_KEY_LEN];
	char key[41];

	n += (size_t)snprintf(buf + n, len - n,
	    "caveats = ( { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; },\n"
	    "  { name = \"UK-EYES-ONLY\"; requires = \"uk-national\"; } );\n"
	    "agencies = (");
	for (i = 0; i < N_AGENCIES; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s{ id = \"%s\"; name = "
		    "\"Agency %s\"; }", i ? ", " : " ", tagencies[i], tagencies[i]);
	n += (size_t)snprintf(buf + n, len - n, " );\nusers = (\n");
	for (i = 0; i < N_USERS; i++) {
		const struct tuser *u = &tusers[i];

		memset(raw, (int)i + 1, sizeof(raw));
		assert_int_equal(policy_z85_encode(raw, sizeof(raw), key,
		    sizeof(key)), 0);
		n += (size_t)snprintf(buf + n, len - n, "%s  { id = \"%s\"; name = "
		    "\"%s\"; agency = \"%s\"; clearance = \"%s\"; roles = [ %s ]; "
		    "attributes = [ %s ]; key = \"%s\"; enabled = %s;", i ? ",\n" :
		    "", u->id, u->id, u->agency, u->clearance, u->roles, u->attrs,
		    key, u->enabled ? "true" : "false");
		if (u->expires)
			n += (size_t)snprintf(buf + n, len - n,
			    " clearance_expires = \"%s\";", u->expires);
		n += (size_t)snprintf(buf + n, len - n, " }");
	}
	n += (size_t)snprintf(buf + n, len - n, "\n);\ngroups = (\n");
	for (i = 0; i < N_GROUPS; i++) {
		n += (size_t)snprintf(buf + n, len - n, "%s  { id = \"%s\"; members "
		    "= [", i ? ",\n" : "", tgroups[i][0]);
		for (j = 1; j < 4 && tgroups[i][j]; j++)
			n += (size_t)snprintf(buf + n, len - n, "%s\"%s\"",
			    j > 1 ? ", " : " ", tgroups[i][j]);
		n += (size_t)snprintf(buf + n, len - n, " ]; }");
	}
	snprintf(buf + n, len - n, "\n);\n");
}

static int
setup(void **state)
{
	char text[16384], err[512];

	(void)state;
	build_policy(text, sizeof(text));
	if (policy_load_string(text, "decide.conf", &pol, err, sizeof(err)) != 0) {
		print_error("%s:%d: %s\n", __FILE__, __LINE__, err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	policy_unref(pol);
	return 0;
}

/* A document, as a row spells it. */
struct tdoc {
	classification_t cls;
	uint64_t caveats;
	onward_t onward;
	const char *originator;		/* agency id, or NULL: unresolvable */
	const char *author;
	const char *ingested;
	const char *access[4];
	doc_state_t state;
	int64_t embargo;		/* 0: none */
	bool handling;
	bool caveats_unknown;
	bool missing;			/* the id exists not: a dummy */
};

static const policy_user_t *
user(const char *id)
{
	return id ? policy_user_by_id(pol, id) : NULL;
}

static policy_principal_t
principal(const char *text)
{
	policy_principal_t pr = { PRINCIPAL_NONE, 0 };

	if (text != NULL && policy_principal_resolve(pol, text, &pr) != 0)
		pr.kind = PRINCIPAL_NONE;
	return pr;
}

static void
make_doc(const struct tdoc *t, policy_doc_t *d, policy_principal_t acc[4])
{
	uint32_t ag;
	size_t i;

	if (t->missing) {
		policy_doc_dummy(d, ID);
		return;
	}
	memset(d, 0, sizeof(*d));
	d->id = ID;
	d->marking.classification = t->cls;
	d->marking.caveats = t->caveats;
	d->marking.onward = t->onward;
	d->marking.has_handling = t->handling || t->cls == CLASSIFICATION_SECRET;
	d->marking.embargo = t->embargo != 0;
	d->marking.embargo_until = t->embargo;
	d->caveats_unknown = t->caveats_unknown;
	d->originator = t->originator && policy_agency_resolve(pol, t->originator,
	    &ag) == 0 ? (int32_t)ag : -1;
	d->author = user(t->author);
	d->ingested_by = user(t->ingested);
	for (i = 0; i < 4 && t->access[i] != NULL; i++)
		acc[i] = principal(t->access[i]);
	d->access = acc;
	d->n_access = i;
	d->state = t->state;
}

/* One row of the decision table. */
struct row {
	int line;
	const char *subject;		/* NULL: not enrolled */
	policy_action_t action;
	struct tdoc doc;
	const char *target;		/* SHARE */
	bool req;			/* a request: */
	bool req_missing;
	const char *req_by;
	const char *req_to;
	request_state_t req_state;
	bool derive;			/* DERIVE: the new marking */
	classification_t derived_cls;
	uint64_t derived_caveats;
	const char *ceiling;		/* UPLOAD: NULL is SECRET */
	const char *same_author;	/* UPLOAD: an active twin by this author */
	policy_outcome_t outcome;
	policy_reason_t reason;
	policy_share_t share;
	const char *sentence;
};

/* Documents the rows share. */
#define OS_PD_PPB { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE, .caveats = PD, \
	.originator = "ctpse", .author = "ctp-analyst", .ingested = "ctp-analyst", \
	.access = { "group:ppb" } }
#define OFF_ALL { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse", \
	.author = "ctp-analyst", .ingested = "ctp-analyst", .access = { "all" } }
#define OS_ALL { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE, .originator = "ctpse", \
	.author = "ctp-analyst", .ingested = "ctp-analyst", .access = { "all" } }
#define SEC_HCC { .cls = CLASSIFICATION_SECRET, .originator = "ctpse", \
	.author = "ctp-analyst", .ingested = "ctp-analyst", .access = { "agency:hcc" } }
#define OS_HCC { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE, .originator = "ctpse", \
	.author = "ctp-analyst", .ingested = "ctp-analyst", .access = { "agency:hcc", "agency:nhs" } }
#define OFF_WA { .cls = CLASSIFICATION_OFFICIAL, .onward = ONWARD_WITHIN_AGENCY, \
	.originator = "ctpse", .author = "ctp-analyst", .ingested = "ctp-analyst", \
	.access = { "agency:hcc" } }
#define OFF_OPEN { .cls = CLASSIFICATION_OFFICIAL, .onward = ONWARD_OPEN, \
	.originator = "ctpse", .author = "ctp-analyst", .ingested = "ctp-analyst", \
	.access = { "agency:hcc" } }
/* Ingested by the administrator for ctpse: no author. */
#define OS_INGESTED { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE, .originator = "ctpse", \
	.ingested = "board-admin", .access = { "user:council-lead" } }
#define SEC_UP(...) { .cls = CLASSIFICATION_SECRET, .originator = "ctpse", \
	.handling = true, __VA_ARGS__ }

#define P POLICY_PERMIT
#define D POLICY_DENY
#define NF POLICY_NOT_FOUND
#define G POLICY_GONE
#define BR POLICY_BAD_REQUEST
#define C POLICY_CONFLICT
#define UA POLICY_UNAUTHENTICATED
#define A(x) POLICY_ACTION_##x
#define R(x) POLICY_REASON_##x

static const struct row rows[] = {
	/* Rule 1. */
	{ __LINE__, NULL, A(GET), OS_PD_PPB, .outcome = UA, .reason = R(NOT_ENROLLED),
	  .sentence = "your key is not enrolled in the current policy" },
	{ __LINE__, "disabled", A(GET), OFF_ALL, .outcome = UA, .reason = R(DISABLED),
	  .sentence = "your account is disabled" },
	{ __LINE__, "disabled", A(AUDIT), OFF_ALL, .outcome = UA, .reason = R(DISABLED),
	  .sentence = "your account is disabled" },
	/* Rule 2: every way in, and not. */
	{ __LINE__, "health-lead", A(GET), OS_PD_PPB, .outcome = NF, .reason = R(NEED_TO_KNOW),
	  .sentence = "no document " ID },
	{ __LINE__, "health-lead", A(GET), { .missing = true }, .outcome = NF,
	  .reason = R(NEED_TO_KNOW), .sentence = "no document " ID },
	{ __LINE__, "council-lead", A(GET), OS_PD_PPB, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },		/* group -> agency */
	{ __LINE__, "nested-user", A(GET), OS_PD_PPB, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },		/* group -> group -> group -> user */
	{ __LINE__, "health-lead", A(INFO), { .cls = CLASSIFICATION_SECRET, .caveats = UKEO,
	  .originator = "ctpse", .access = { "user:health-lead" } }, .outcome = P,
	  .reason = R(OK), .sentence = "permitted: info" },
	{ __LINE__, "council-officer", A(LIST), OFF_ALL, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: list" },
	{ __LINE__, "council-officer", A(GET), OS_ALL, .outcome = NF, .reason = R(NEED_TO_KNOW),
	  .sentence = "no document " ID },		/* all: OFFICIAL only */
	{ __LINE__, "ctp-analyst", A(GET), { .cls = CLASSIFICATION_SECRET, .caveats = PD | UKEO,
	  .originator = "ctpse", .author = "ctp-analyst", .ingested = "ctp-analyst" },
	  .outcome = P, .reason = R(OK), .sentence = "permitted: get" },	/* author */
	{ __LINE__, "board-admin", A(GET), OS_INGESTED, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },		/* the ingester */
	{ __LINE__, "ctp-approver", A(GET), OS_INGESTED, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },		/* originator approver */
	{ __LINE__, "nhs-approver", A(GET), OS_PD_PPB, .outcome = NF, .reason = R(NEED_TO_KNOW),
	  .sentence = "no document " ID },		/* approver elsewhere */
	{ __LINE__, "board-admin", A(GET), OS_HCC, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },		/* admin, but via agency:hcc */
	{ __LINE__, "board-admin", A(GET), OS_PD_PPB, .outcome = D, .reason = R(CAVEAT),
	  .sentence = "document " ID " carries caveat PERSONAL-DATA, which needs the attribute "
	  "safeguarding; you do not hold it" },	/* and no caveat by role */
	{ __LINE__, "board-admin", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .access = { "group:health" } }, .outcome = NF,
	  .reason = R(NEED_TO_KNOW), .sentence = "no document " ID },	/* roles give nothing */
	{ __LINE__, "ctc-user", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "group:ppb", "agency:nhs", "user:chair" } }, .outcome = NF,
	  .reason = R(NEED_TO_KNOW), .sentence = "no document " ID },
	{ __LINE__, "ctc-user", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "group:empty" } }, .outcome = NF, .reason = R(NEED_TO_KNOW),
	  .sentence = "no document " ID },
	/* Rule 3. */
	{ __LINE__, "council-officer", A(GET), OS_PD_PPB, .outcome = D, .reason = R(CLEARANCE),
	  .sentence = "document " ID " is OFFICIAL-SENSITIVE, which needs BPSS; your clearance is NONE" },
	{ __LINE__, "council-lead", A(GET), SEC_HCC, .outcome = D, .reason = R(CLEARANCE),
	  .sentence = "document " ID " is SECRET, which needs SC; your clearance is BPSS" },
	{ __LINE__, "nested-user", A(GET), { .cls = CLASSIFICATION_SECRET, .originator = "ctpse",
	  .access = { "group:ppb" } }, .outcome = D, .reason = R(CLEARANCE),
	  .sentence = "document " ID " is SECRET, which needs SC; your clearance is CTC" },
	{ __LINE__, "expired", A(GET), OS_HCC, .outcome = D, .reason = R(CLEARANCE),
	  .sentence = "document " ID " is OFFICIAL-SENSITIVE, which needs BPSS; your clearance "
	  "is NONE (your SC clearance expired on 2020-01-01)" },
	{ __LINE__, "expired", A(GET), OFF_ALL, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },
	{ __LINE__, "ctp-approver", A(GET), SEC_HCC, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },		/* expires 2030: still DV */
	/* Rule 4. */
	{ __LINE__, "health-lead", A(GET), { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE, .caveats = PD,
	  .originator = "ctpse", .access = { "user:health-lead" } }, .outcome = D,
	  .reason = R(CAVEAT), .sentence = "document " ID " carries caveat PERSONAL-DATA, which "
	  "needs the attribute safeguarding; you do not hold it" },
	{ __LINE__, "chair", A(GET), { .cls = CLASSIFICATION_SECRET, .caveats = PD | UKEO,
	  .originator = "ctpse", .access = { "user:chair" } }, .outcome = D, .reason = R(CAVEAT),
	  .sentence = "document " ID " carries caveat UK-EYES-ONLY, which needs the attribute "
	  "uk-national; you do not hold it" },
	{ __LINE__, "ctp-analyst", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .caveats_unknown = true,
	  .originator = "ctpse", .author = "ctp-analyst" }, .outcome = D, .reason = R(CAVEAT),
	  .sentence = "document " ID " carries a caveat the current policy does not define" },
	/* Rule 5. */
	{ __LINE__, "council-lead", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "agency:hcc" }, .state = DOC_RECALLED }, .outcome = G,
	  .reason = R(RECALLED), .sentence = "document " ID " was recalled" },
	{ __LINE__, "council-lead", A(INFO), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "agency:hcc" }, .state = DOC_DESTROYED }, .outcome = G,
	  .reason = R(DESTROYED), .sentence = "document " ID " was destroyed" },
	{ __LINE__, "health-lead", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "agency:hcc" }, .state = DOC_RECALLED }, .outcome = NF,
	  .reason = R(NEED_TO_KNOW), .sentence = "no document " ID },
	{ __LINE__, "council-lead", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .access = { "agency:hcc" }, .embargo = LATER }, .outcome = D,
	  .reason = R(EMBARGO), .sentence = "document " ID " is under embargo until 2030-01-01T00:00:00Z" },
	{ __LINE__, "ctp-analyst", A(RECALL), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .access = { "agency:hcc" }, .embargo = LATER }, .outcome = P,
	  .reason = R(OK), .sentence = "permitted: recall" },
	{ __LINE__, "council-lead", A(GET), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "agency:hcc" }, .embargo = NOW }, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: get" },
	/* Rule 6: upload. */
	{ __LINE__, "ctp-approver", A(UPLOAD), { .cls = CLASSIFICATION_TOP_SECRET, .originator = "ctpse",
	  .handling = true }, .outcome = BR, .reason = R(NOT_ACCREDITED),
	  .sentence = "not accredited: this system never holds TOP SECRET" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), SEC_UP(), .ceiling = "OFFICIAL-SENSITIVE",
	  .outcome = BR, .reason = R(NOT_ACCREDITED),
	  .sentence = "not accredited: this deployment may not hold SECRET" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE,
	  .onward = ONWARD_OPEN, .originator = "ctpse" }, .outcome = BR, .reason = R(MARKING),
	  .sentence = "marking refused: FOR PUBLIC RELEASE (onward rule open) is only for "
	  "OFFICIAL material" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE,
	  .caveats = UKEO, .originator = "ctpse" }, .outcome = BR, .reason = R(MARKING),
	  .sentence = "marking refused: the UK-EYES-ONLY caveat is only for SECRET material" },
	{ __LINE__, "council-lead", A(UPLOAD), { .cls = CLASSIFICATION_SECRET, .originator = "hcc",
	  .handling = true }, .outcome = D,
	  .reason = R(CLEARANCE), .sentence = "you may not hold SECRET material, which needs SC; "
	  "your clearance is BPSS" },
	{ __LINE__, "health-lead", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .caveats = PD,
	  .originator = "nhs" }, .outcome = D, .reason = R(CAVEAT),
	  .sentence = "you may not hold caveat PERSONAL-DATA: it needs the attribute safeguarding" },
	{ __LINE__, "council-lead", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse" },
	  .outcome = D, .reason = R(ORIGINATOR),
	  .sentence = "only the administrator or a member of agency ctpse may name it as originator" },
	{ __LINE__, "council-lead", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL }, .outcome = BR,
	  .reason = R(ORIGINATOR), .sentence = "the originator names no enrolled agency" },
	{ __LINE__, "board-admin", A(UPLOAD), SEC_UP(.ingested = "board-admin",
	  .access = { "group:ppb", "user:ctp-analyst" }), .outcome = P, .reason = R(OK),
	  .sentence = "permitted: upload" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE,
	  .originator = "ctpse", .access = { "agency:hcc", "user:council-officer" } }, .outcome = D,
	  .reason = R(RECIPIENT), .sentence = "user:council-officer could not hold this marking" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .access = { "user:disabled" } }, .outcome = D, .reason = R(RECIPIENT),
	  .sentence = "user:disabled could not hold this marking" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .caveats = PD,
	  .originator = "ctpse", .access = { "user:health-lead" } }, .outcome = D,
	  .reason = R(RECIPIENT), .sentence = "user:health-lead could not hold this marking" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), SEC_UP(.access = { "agency:hcc", "group:ppb" }),
	  .outcome = P, .reason = R(OK), .sentence = "permitted: upload" },	/* filtered at read */
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL_SENSITIVE,
	  .originator = "ctpse", .access = { "all" } }, .outcome = D, .reason = R(RECIPIENT),
	  .sentence = "all may receive only OFFICIAL material; this is OFFICIAL-SENSITIVE" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL,
	  .originator = "ctpse", .access = { "all" }, .onward = ONWARD_OPEN }, .outcome = P,
	  .reason = R(OK), .sentence = "permitted: upload" },
	{ __LINE__, "board-admin", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL,
	  .onward = ONWARD_WITHIN_AGENCY, .originator = "ctpse" }, .outcome = D,
	  .reason = R(ONWARD), .sentence = "only the author or an approver of agency ctpse may "
	  "choose within-agency or open; ingesting for another agency keeps approval" },
	{ __LINE__, "board-admin", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL,
	  .onward = ONWARD_WITHIN_AGENCY, .originator = "hcc" }, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: upload" },	/* an admin's own document */
	{ __LINE__, "council-lead", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .originator = "hcc" },
	  .same_author = "ctp-analyst", .outcome = C, .reason = R(DUPLICATE),
	  .sentence = "the same content is already held; only its author or an approver of its "
	  "originator agency may upload it again" },
	{ __LINE__, "ctp-analyst", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse" },
	  .same_author = "ctp-analyst", .outcome = P, .reason = R(OK), .sentence = "permitted: upload" },
	{ __LINE__, "ctp-approver", A(UPLOAD), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse" },
	  .same_author = "ctp-analyst", .outcome = P, .reason = R(OK), .sentence = "permitted: upload" },
	/* Rule 7: share. */
	{ __LINE__, "council-lead", A(SHARE), OS_PD_PPB, .target = "user:ctp-approver", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_REQUEST, .sentence = "request filed: the originator "
	  "decides whether user:ctp-approver may read document " ID },
	{ __LINE__, "ctp-analyst", A(SHARE), OS_PD_PPB, .target = "group:health", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_GRANT,
	  .sentence = "granted: group:health may now read document " ID },
	{ __LINE__, "ctp-approver", A(SHARE), OS_INGESTED, .target = "agency:nhs", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_GRANT,
	  .sentence = "granted: agency:nhs may now read document " ID },
	{ __LINE__, "board-admin", A(SHARE), OS_INGESTED, .target = "agency:nhs", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_REQUEST, .sentence = "request filed: the "
	  "originator decides whether agency:nhs may read document " ID },
	{ __LINE__, "council-lead", A(SHARE), OFF_WA, .target = "user:council-officer", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_GRANT,
	  .sentence = "granted: user:council-officer may now read document " ID },
	{ __LINE__, "council-lead", A(SHARE), OFF_WA, .target = "agency:hcc", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_GRANT,
	  .sentence = "granted: agency:hcc may now read document " ID },
	{ __LINE__, "council-lead", A(SHARE), OFF_WA, .target = "agency:nhs", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_REQUEST, .sentence = "request filed: the "
	  "originator decides whether agency:nhs may read document " ID },
	{ __LINE__, "council-lead", A(SHARE), OFF_WA, .target = "user:health-lead", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_REQUEST, .sentence = "request filed: the "
	  "originator decides whether user:health-lead may read document " ID },
	{ __LINE__, "council-lead", A(SHARE), OFF_WA, .target = "group:ppb", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_REQUEST, .sentence = "request filed: the "
	  "originator decides whether group:ppb may read document " ID },
	{ __LINE__, "council-lead", A(SHARE), OFF_OPEN, .target = "all", .outcome = P,
	  .reason = R(OK), .share = POLICY_SHARE_GRANT, .sentence = "granted: all may now read "
	  "document " ID },
	{ __LINE__, "ctp-analyst", A(SHARE), SEC_HCC, .target = "all", .outcome = D,
	  .reason = R(RECIPIENT), .sentence = "all may receive only OFFICIAL material; this is SECRET" },
	{ __LINE__, "ctp-analyst", A(SHARE), SEC_HCC, .target = "user:council-lead", .outcome = D,
	  .reason = R(RECIPIENT), .sentence = "user:council-lead could not hold the marking of "
	  "document " ID },
	{ __LINE__, "ctp-analyst", A(SHARE), SEC_HCC, .target = "user:expired", .outcome = D,
	  .reason = R(RECIPIENT), .sentence = "user:expired could not hold the marking of "
	  "document " ID },
	{ __LINE__, "health-lead", A(SHARE), OS_PD_PPB, .target = "user:health-lead", .outcome = NF,
	  .reason = R(NEED_TO_KNOW), .sentence = "no document " ID },
	{ __LINE__, "ctp-analyst", A(SHARE), OS_PD_PPB, .target = "user:nobody", .outcome = BR,
	  .reason = R(TARGET), .sentence = "the target is no enrolled user, agency or group, nor all" },
	/* Requests: visibility, then authority, then rules 1-5, then state. */
	{ __LINE__, "health-lead", A(APPROVE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = NF, .reason = R(NEED_TO_KNOW),
	  .sentence = "no request " REQ },
	{ __LINE__, "board-admin", A(APPROVE), { .missing = true }, .req = true, .req_missing = true,
	  .outcome = NF, .reason = R(NEED_TO_KNOW), .sentence = "no request " REQ },
	{ __LINE__, "board-admin", A(APPROVE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = D, .reason = R(AUTHORITY), .sentence = "only the "
	  "author or an approver of agency ctpse may decide request " REQ },
	{ __LINE__, "council-lead", A(REFUSE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = D, .reason = R(AUTHORITY), .sentence = "only the "
	  "author or an approver of agency ctpse may decide request " REQ },
	{ __LINE__, "ctp-approver", A(APPROVE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = P, .reason = R(OK), .share = POLICY_SHARE_GRANT,
	  .sentence = "approved: group:health may now read the document of request " REQ },
	{ __LINE__, "ctp-approver", A(APPROVE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .req_state = REQUEST_APPROVED, .outcome = C,
	  .reason = R(DECIDED), .sentence = "request " REQ " is already approved" },
	{ __LINE__, "ctp-analyst", A(APPROVE), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .state = DOC_RECALLED }, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = G, .reason = R(RECALLED),
	  .sentence = "document " ID " was recalled" },
	{ __LINE__, "ctp-analyst", A(APPROVE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "user:health-lead", .outcome = D, .reason = R(RECIPIENT),
	  .sentence = "user:health-lead could not hold the marking of the document of request " REQ },
	{ __LINE__, "ctp-analyst", A(REFUSE), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "user:health-lead", .outcome = P, .reason = R(OK), .sentence = "permitted: refuse" },
	{ __LINE__, "council-lead", A(WITHDRAW), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = P, .reason = R(OK), .sentence = "permitted: withdraw" },
	{ __LINE__, "ctp-approver", A(WITHDRAW), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = D, .reason = R(AUTHORITY),
	  .sentence = "only the requester may withdraw request " REQ },
	{ __LINE__, "council-lead", A(WITHDRAW), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .req_state = REQUEST_REFUSED, .outcome = C,
	  .reason = R(DECIDED), .sentence = "request " REQ " is already refused" },
	{ __LINE__, "board-admin", A(REQUEST_VIEW), SEC_HCC, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = P, .reason = R(OK),
	  .sentence = "permitted: request_view" },
	{ __LINE__, "chair", A(REQUEST_VIEW), OS_PD_PPB, .req = true, .req_by = "council-lead",
	  .req_to = "group:health", .outcome = NF, .reason = R(NEED_TO_KNOW),
	  .sentence = "no request " REQ },
	/* Rule 9: recall and destruction. */
	{ __LINE__, "ctp-analyst", A(RECALL), OS_PD_PPB, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: recall" },
	{ __LINE__, "ctp-approver", A(RECALL), OS_PD_PPB, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: recall" },
	{ __LINE__, "board-admin", A(RECALL), OS_INGESTED, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: recall" },
	{ __LINE__, "council-lead", A(RECALL), OS_PD_PPB, .outcome = D, .reason = R(AUTHORITY),
	  .sentence = "only the author, an approver of agency ctpse or the administrator may "
	  "recall document " ID },
	{ __LINE__, "board-admin", A(RECALL), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .access = { "agency:nhs" } }, .outcome = NF,
	  .reason = R(NEED_TO_KNOW), .sentence = "no document " ID },
	{ __LINE__, "ctp-analyst", A(RECALL), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .state = DOC_RECALLED }, .outcome = G, .reason = R(RECALLED),
	  .sentence = "document " ID " was recalled" },
	{ __LINE__, "ctp-analyst", A(DESTROY), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .state = DOC_RECALLED }, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: destroy" },
	{ __LINE__, "ctp-analyst", A(DESTROY), { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse",
	  .author = "ctp-analyst", .state = DOC_DESTROYED }, .outcome = G, .reason = R(DESTROYED),
	  .sentence = "document " ID " was destroyed" },
	{ __LINE__, "board-admin", A(SUPERSEDE), OS_INGESTED, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: supersede" },
	{ __LINE__, "council-lead", A(SUPERSEDE), OS_INGESTED, .outcome = D, .reason = R(AUTHORITY),
	  .sentence = "only the author, an approver of agency ctpse or the administrator may "
	  "supersede document " ID },
	/* Rule 8: derivatives. */
	{ __LINE__, "ctp-analyst", A(DERIVE), SEC_HCC, .derive = true,
	  .derived_cls = CLASSIFICATION_OFFICIAL, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: derive" },
	{ __LINE__, "ctp-approver", A(DERIVE), OS_PD_PPB, .derive = true,
	  .derived_cls = CLASSIFICATION_OFFICIAL_SENSITIVE, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: derive" },		/* a caveat removed */
	{ __LINE__, "ctp-analyst", A(DERIVE), SEC_HCC, .derive = true,
	  .derived_cls = CLASSIFICATION_SECRET, .outcome = BR, .reason = R(DERIVE_MARKING),
	  .sentence = "a derivative must be marked lower than document " ID " (SECRET)" },
	{ __LINE__, "ctp-analyst", A(DERIVE), SEC_HCC, .derive = true,
	  .derived_cls = CLASSIFICATION_OFFICIAL, .derived_caveats = PD, .outcome = BR,
	  .reason = R(DERIVE_MARKING),
	  .sentence = "a derivative must be marked lower than document " ID " (SECRET)" },
	{ __LINE__, "board-admin", A(DERIVE), OS_INGESTED, .derive = true,
	  .derived_cls = CLASSIFICATION_OFFICIAL, .outcome = D, .reason = R(AUTHORITY),
	  .sentence = "only the author or an approver of agency ctpse may derive from document " ID },
	{ __LINE__, "chair", A(DERIVE), OS_PD_PPB, .derive = true,
	  .derived_cls = CLASSIFICATION_OFFICIAL, .outcome = D, .reason = R(AUTHORITY),
	  .sentence = "only the author or an approver of agency ctpse may derive from document " ID },
	/* Rule 10: the audit log. */
	{ __LINE__, "auditor", A(AUDIT), { .missing = true }, .outcome = P, .reason = R(OK),
	  .sentence = "permitted: audit" },
	{ __LINE__, "auditor-none", A(AUDIT), { .missing = true }, .outcome = D,
	  .reason = R(CLEARANCE), .sentence = "the audit log needs BPSS; your clearance is NONE" },
	{ __LINE__, "board-admin", A(AUDIT), { .missing = true }, .outcome = D, .reason = R(ROLE),
	  .sentence = "only an auditor may query the audit log" },
	{ __LINE__, "chair", A(AUDIT), { .missing = true }, .outcome = D, .reason = R(ROLE),
	  .sentence = "only an auditor may query the audit log" },
	/* Default deny. */
	{ __LINE__, "ctp-analyst", POLICY_ACTION_COUNT_, OS_PD_PPB, .outcome = D,
	  .reason = R(DEFAULT), .sentence = "not permitted" },
};

/* Run one row; print file:line and what differed, and return false, when
 * it does not hold. */
static bool
run_row(const struct row *r)
{
	policy_principal_t acc[4], same_acc[4];
	policy_doc_t doc, same;
	policy_request_t req;
	policy_args_t args;
	marking_t derived;
	policy_decision_t d;
	char sentence[512];
	struct tdoc twin = { .cls = CLASSIFICATION_OFFICIAL, .originator = "ctpse" };
	classification_t ceiling = CLASSIFICATION_SECRET;
	policy_outcome_t o;

	make_doc(&r->doc, &doc, acc);
	memset(&args, 0, sizeof(args));
	args.target = principal(r->target);
	args.accreditation = CLASSIFICATION_SECRET;
	if (r->ceiling != NULL) {
		assert_int_equal(policy_classification_parse(r->ceiling, &ceiling), 0);
		args.accreditation = ceiling;
	}
	if (r->req) {
		if (r->req_missing) {
			policy_request_dummy(&req, REQ);
		} else {
			memset(&req, 0, sizeof(req));
			req.id = REQ;
			req.exists = true;
			req.requester = user(r->req_by);
			req.target = principal(r->req_to);
			req.state = r->req_state;
		}
		args.request = &req;
	}
	if (r->derive) {
		memset(&derived, 0, sizeof(derived));
		derived.classification = r->derived_cls;
		derived.caveats = r->derived_caveats;
		args.derived = &derived;
	}
	if (r->same_author != NULL) {
		twin.author = r->same_author;
		make_doc(&twin, &same, same_acc);
		args.same_content = &same;
	}
	o = policy_decide(pol, user(r->subject), r->action,
	    r->action == POLICY_ACTION_AUDIT ? NULL : &doc, &args, NOW, &d);
	policy_decision_explain(pol, &d, sentence, sizeof(sentence));
	if (o != d.outcome || o != r->outcome || d.reason != r->reason ||
	    d.share != r->share || strcmp(sentence, r->sentence) != 0) {
		print_error("%s:%d: %s %s: want %s/%s/%d \"%s\"\n"
		    "%*s got %s/%s/%d \"%s\"\n", __FILE__, r->line,
		    r->subject ? r->subject : "(none)",
		    policy_action_name(r->action), policy_outcome_name(r->outcome),
		    policy_reason_name(r->reason), (int)r->share, r->sentence,
		    (int)strlen(__FILE__) + 8, "", policy_outcome_name(o),
		    policy_reason_name(d.reason), (int)d.share, sentence);
		return false;
	}
	return true;
}

static void
test_rule_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!run_row(&rows[i]))
			bad++;
	if (bad)
		fail_msg("%s:%d: %d of %zu rows failed", __FILE__, __LINE__, bad,
		    sizeof(rows) / sizeof(rows[0]));
}

/* The oracle's view of membership: from the tables above, by name. */
static bool
oracle_in_group(const struct tuser *u, const char *g, int depth)
{
	size_t i, j;

	if (depth > 8)
		return false;
	for (i = 0; i < N_GROUPS; i++) {
		if (strcmp(tgroups[i][0], g) != 0)
			continue;
		for (j = 1; j < 4 && tgroups[i][j]; j++) {
			const char *m = tgroups[i][j];

			if ((strncmp(m, "user:", 5) == 0 && strcmp(m + 5, u->id) == 0) ||
			    (strncmp(m, "agency:", 7) == 0 && strcmp(m + 7, u->agency) == 0) ||
			    (strncmp(m, "group:", 6) == 0 &&
			    oracle_in_group(u, m + 6, depth + 1)))
				return true;
		}
	}
	return false;
}

static bool
oracle_covers(const struct tuser *u, const char *pr, classification_t c)
{
	if (strcmp(pr, "all") == 0)
		return c == CLASSIFICATION_OFFICIAL;
	if (strncmp(pr, "user:", 5) == 0)
		return strcmp(pr + 5, u->id) == 0;
	if (strncmp(pr, "agency:", 7) == 0)
		return strcmp(pr + 7, u->agency) == 0;
	return oracle_in_group(u, pr + 6, 0);
}

static int
oracle_rank(const char *clr)
{
	static const char *const order[] = { "NONE", "BPSS", "CTC", "SC", "DV" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(clr, order[i]) == 0)
			return i;
	return -1;
}

/* What DESIGN §6 says a GET gives, worked out from names. */
static policy_outcome_t
oracle_get(const struct tuser *u, const char *access, classification_t c,
    uint64_t caveats, const char *originator, policy_reason_t *why)
{
	static const int need[] = { 0, 1, 3 };	/* NONE, BPSS, SC */
	bool expired = u->expires != NULL && strcmp(u->expires, "2023-11-14") < 0;
	int held = expired ? 0 : oracle_rank(u->clearance);
	bool knows;

	*why = R(OK);
	if (!u->enabled) {
		*why = R(DISABLED);
		return UA;
	}
	knows = (access != NULL && oracle_covers(u, access, c)) ||
	    (strstr(u->roles, "approver") != NULL && strcmp(u->agency, originator) == 0);
	if (!knows) {
		*why = R(NEED_TO_KNOW);
		return NF;
	}
	if (held < need[c]) {
		*why = R(CLEARANCE);
		return D;
	}
	if (((caveats & PD) && strstr(u->attrs, "safeguarding") == NULL) ||
	    ((caveats & UKEO) && strstr(u->attrs, "uk-national") == NULL)) {
		*why = R(CAVEAT);
		return D;
	}
	return P;
}

/*
 * Every user x classification x caveat set x membership principal x
 * originator, GET and LIST, against the oracle; and every NOT_FOUND
 * against a missing id: same outcome, reason and sentence.
 */
static void
test_matrix(void **state)
{
	static const char *const access[] = { NULL, "all", "user:council-lead",
	    "user:ctp-analyst", "user:nested-user", "user:disabled", "user:expired",
	    "agency:hcc", "agency:ctpse", "agency:nhs", "agency:police", "group:ppb",
	    "group:mid", "group:inner", "group:health", "group:empty" };
	static const uint64_t cavs[] = { 0, PD, UKEO, PD | UKEO };
	size_t ui, ai, ci, ki, oi;
	int bad = 0, checked = 0, not_found = 0;

	(void)state;
	for (ui = 0; ui < N_USERS; ui++)
	for (ci = 0; ci < 3; ci++)
	for (ki = 0; ki < 4; ki++)
	for (ai = 0; ai < sizeof(access) / sizeof(access[0]); ai++)
	for (oi = 0; oi < N_AGENCIES; oi++) {
		const struct tuser *tu = &tusers[ui];
		struct tdoc t = { .cls = (classification_t)ci, .caveats = cavs[ki],
		    .originator = tagencies[oi], .access = { access[ai] } };
		policy_principal_t acc[4];
		policy_doc_t doc, dummy;
		policy_decision_t d, dd;
		policy_reason_t why;
		policy_outcome_t want, o, ol;
		char s1[256], s2[256];

		make_doc(&t, &doc, acc);
		want = oracle_get(tu, access[ai], t.cls, t.caveats, t.originator, &why);
		o = policy_decide(pol, user(tu->id), POLICY_ACTION_GET, &doc, NULL,
		    NOW, &d);
		ol = policy_decide(pol, user(tu->id), POLICY_ACTION_LIST, &doc, NULL,
		    NOW, &dd);
		checked++;
		if (o != want || d.reason != why || ol != o) {
			if (bad++ < 20)
				print_error("%s:%d: %s get %s %s caveats=%llu by %s: "
				    "want %s/%s, got %s/%s (list %s)\n", __FILE__,
				    __LINE__, tu->id, access[ai] ? access[ai] : "-",
				    policy_classification_name(t.cls),
				    (unsigned long long)t.caveats, tagencies[oi],
				    policy_outcome_name(want), policy_reason_name(why),
				    policy_outcome_name(o), policy_reason_name(d.reason),
				    policy_outcome_name(ol));
		}
		if (o != POLICY_NOT_FOUND)
			continue;
		/* The existence-leak property. */
		not_found++;
		policy_doc_dummy(&dummy, ID);
		policy_decide(pol, user(tu->id), POLICY_ACTION_GET, &dummy, NULL,
		    NOW, &dd) == o ? (void)0 : (void)bad++;
		policy_decision_explain(pol, &d, s1, sizeof(s1));
		policy_decision_explain(pol, &dd, s2, sizeof(s2));
		if (dd.reason != d.reason || strcmp(s1, s2) != 0) {
			if (bad++ < 20)
				print_error("%s:%d: %s: off-list \"%s\" != missing \"%s\"\n",
				    __FILE__, __LINE__, tu->id, s1, s2);
		}
	}
	if (bad)
		fail_msg("%s:%d: %d of %d matrix cells wrong", __FILE__, __LINE__,
		    bad, checked);
	/* The matrix must actually reach every outcome it claims to cover. */
	assert_true(not_found > 100);
}

/* Every action that names a document says the same for an off-list
 * document as for a missing one. */
static void
test_not_found_every_action(void **state)
{
	static const policy_action_t actions[] = { A(GET), A(INFO), A(LIST),
	    A(SHARE), A(RECALL), A(DESTROY), A(DERIVE), A(SUPERSEDE) };
	struct tdoc t = OS_PD_PPB;
	policy_principal_t acc[4];
	policy_doc_t doc, dummy;
	policy_request_t req, rdummy;
	policy_args_t args = { .accreditation = CLASSIFICATION_SECRET };
	marking_t lower = { 0 };
	policy_decision_t a, b;
	char s1[256], s2[256];
	size_t i;

	(void)state;
	make_doc(&t, &doc, acc);
	policy_doc_dummy(&dummy, ID);
	args.target = principal("agency:nhs");
	args.derived = &lower;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		assert_int_equal(policy_decide(pol, user("health-lead"), actions[i],
		    &doc, &args, NOW, &a), POLICY_NOT_FOUND);
		assert_int_equal(policy_decide(pol, user("health-lead"), actions[i],
		    &dummy, &args, NOW, &b), POLICY_NOT_FOUND);
		assert_int_equal(a.reason, b.reason);
		policy_decision_explain(pol, &a, s1, sizeof(s1));
		policy_decision_explain(pol, &b, s2, sizeof(s2));
		assert_string_equal(s1, s2);
	}
	/* Requests: invisible and missing alike. */
	memset(&req, 0, sizeof(req));
	req.id = REQ;
	req.exists = true;
	req.requester = user("council-lead");
	req.target = principal("group:health");
	policy_request_dummy(&rdummy, REQ);
	args.request = &req;
	assert_int_equal(policy_decide(pol, user("health-lead"), A(APPROVE), &doc,
	    &args, NOW, &a), POLICY_NOT_FOUND);
	args.request = &rdummy;
	assert_int_equal(policy_decide(pol, user("health-lead"), A(APPROVE), &dummy,
	    &args, NOW, &b), POLICY_NOT_FOUND);
	policy_decision_explain(pol, &a, s1, sizeof(s1));
	policy_decision_explain(pol, &b, s2, sizeof(s2));
	assert_string_equal(s1, s2);
	assert_int_equal(a.reason, b.reason);
}

/* Expiry is the end of the clearance_expires day, UTC. */
static void
test_expiry_boundary(void **state)
{
	struct tdoc t = SEC_HCC;
	policy_principal_t acc[4];
	policy_doc_t doc;
	policy_decision_t d;
	const int64_t end = INT64_C(1924992000);	/* 2031-01-01T00:00:00Z */

	(void)state;
	t.access[0] = "user:ctp-approver";
	t.author = NULL;
	make_doc(&t, &doc, acc);
	assert_int_equal(policy_decide(pol, user("ctp-approver"), A(GET), &doc,
	    NULL, end - 1, &d), POLICY_PERMIT);
	assert_int_equal(policy_decide(pol, user("ctp-approver"), A(GET), &doc,
	    NULL, end, &d), POLICY_DENY);
	assert_int_equal(d.reason, POLICY_REASON_CLEARANCE);
	assert_int_equal(d.held, CLEARANCE_NONE);
}

/* A user from another policy (a reload happened) is not enrolled here. */
static void
test_subject_from_other_policy(void **state)
{
	char text[16384], err[256], buf[8];
	policy_t *other;
	struct tdoc t = OFF_ALL;
	policy_principal_t acc[4];
	policy_doc_t doc;
	policy_decision_t d;

	(void)state;
	build_policy(text, sizeof(text));
	assert_int_equal(policy_load_string(text, "other", &other, err,
	    sizeof(err)), 0);
	make_doc(&t, &doc, acc);
	assert_int_equal(policy_decide(pol, policy_user_by_id(other, "chair"),
	    A(GET), &doc, NULL, NOW, &d), POLICY_UNAUTHENTICATED);
	assert_int_equal(d.reason, POLICY_REASON_NOT_ENROLLED);
	assert_int_equal(policy_decision_explain(pol, &d, buf, sizeof(buf)),
	    ISA_ERR_RANGE);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_false(policy_doc_visible(pol, policy_user_by_id(other, "chair"),
	    &doc, NOW));
	assert_true(policy_doc_visible(pol, user("chair"), &doc, NOW));
	assert_false(policy_doc_visible(pol, user("disabled"), &doc, NOW));
	policy_unref(other);
}

/* Stored names resolve, failing closed for whatever a reload removed. */
static void
test_doc_resolve(void **state)
{
	static const char *const cavs[] = { "PERSONAL-DATA" };
	static const char *const gone_cavs[] = { "PERSONAL-DATA", "NATO" };
	static const char *const acc[] = { "group:ppb", "group:removed", "all" };
	policy_doc_names_t in = {
		.id = ID, .caveats = cavs, .n_caveats = 1, .originator = "ctpse",
		.author = "ctp-analyst", .ingested_by = "ctp-analyst",
		.access = acc, .n_access = 3, .state = DOC_ACTIVE,
	};
	policy_principal_t slots[3];
	policy_doc_t doc;
	policy_decision_t d;

	(void)state;
	in.marking.classification = CLASSIFICATION_OFFICIAL_SENSITIVE;
	in.marking.caveats = UINT64_MAX;	/* ignored: names decide */
	assert_int_equal(policy_doc_resolve(pol, &in, slots, 3, &doc), 0);
	assert_true(doc.marking.caveats == PD);
	assert_false(doc.caveats_unknown);
	assert_int_equal(doc.n_access, 3);
	assert_int_equal(slots[0].kind, PRINCIPAL_GROUP);
	assert_int_equal(slots[1].kind, PRINCIPAL_NONE);
	assert_int_equal(slots[2].kind, PRINCIPAL_ALL);
	assert_ptr_equal(doc.author, user("ctp-analyst"));
	assert_int_equal(policy_decide(pol, user("council-lead"), A(GET), &doc,
	    NULL, NOW, &d), POLICY_PERMIT);

	/* A caveat the policy lost: nobody reads, not even the author. */
	in.caveats = gone_cavs;
	in.n_caveats = 2;
	assert_int_equal(policy_doc_resolve(pol, &in, slots, 3, &doc), 0);
	assert_true(doc.caveats_unknown);
	assert_int_equal(policy_decide(pol, user("ctp-analyst"), A(GET), &doc,
	    NULL, NOW, &d), POLICY_DENY);
	assert_int_equal(d.reason, POLICY_REASON_CAVEAT);

	/* An agency and an author the policy lost: no originator powers. */
	in.caveats = cavs;
	in.n_caveats = 1;
	in.originator = "disbanded";
	in.author = "left-the-service";
	assert_int_equal(policy_doc_resolve(pol, &in, slots, 3, &doc), 0);
	assert_int_equal(doc.originator, -1);
	assert_null(doc.author);
	assert_int_equal(policy_decide(pol, user("ctp-approver"), A(RECALL), &doc,
	    NULL, NOW, &d), POLICY_NOT_FOUND);

	/* Too many principals for the caller's slots: a document nobody knows. */
	assert_int_equal(policy_doc_resolve(pol, &in, slots, 2, &doc),
	    ISA_ERR_RANGE);
	assert_int_equal(policy_decide(pol, user("ctp-analyst"), A(GET), &doc,
	    NULL, NOW, &d), POLICY_NOT_FOUND);
}

static void
test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < POLICY_REASON_COUNT_; i++)
		assert_string_not_equal(policy_reason_name((policy_reason_t)i),
		    "unknown");
	for (i = 0; i < POLICY_ACTION_COUNT_; i++)
		assert_string_not_equal(policy_action_name((policy_action_t)i),
		    "unknown");
	assert_string_equal(policy_reason_name(POLICY_REASON_NEED_TO_KNOW),
	    "need_to_know");
	assert_string_equal(policy_outcome_name(POLICY_NOT_FOUND), "not_found");
	assert_string_equal(policy_outcome_name((policy_outcome_t)99), "unknown");
	assert_string_equal(policy_reason_name(POLICY_REASON_COUNT_), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_not_found_every_action),
		cmocka_unit_test(test_expiry_boundary),
		cmocka_unit_test(test_subject_from_other_policy),
		cmocka_unit_test(test_doc_resolve),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
