/* explain.c: the sentence for a decision, naming what was missing and nothing the subject may not know. */
#include "policy/decide.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "policy/policy_impl.h"

/* snprintf into buf; ISA_ERR_RANGE when it did not fit. */
__attribute__((format(printf, 3, 4)))
static int
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0)
		return ISA_ERR_RANGE;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? ISA_ERR_RANGE : 0;
}

static bool
about_request(policy_action_t a)
{
	return a == POLICY_ACTION_APPROVE || a == POLICY_ACTION_REFUSE ||
	    a == POLICY_ACTION_WITHDRAW || a == POLICY_ACTION_REQUEST_VIEW;
}

/* "agency ctpse", or "the originator agency" when it no longer resolves. */
static void
agency_phrase(const policy_t *p, policy_principal_t pr, char *buf, size_t len)
{
	if (pr.kind == PRINCIPAL_AGENCY && pr.index < p->n_agencies)
		snprintf(buf, len, "agency %s", p->agencies[pr.index].id);
	else
		snprintf(buf, len, "the originator agency");
}

static int
explain_clearance(const policy_decision_t *d, const char *doc, char *buf,
    size_t len)
{
	char why[96] = "";

	if (d->expired != NULL)
		snprintf(why, sizeof(why), " (your %s clearance expired on %s)",
		    policy_clearance_name(d->configured), d->expired);
	if (d->action == POLICY_ACTION_AUDIT)
		return say(buf, len, "the audit log needs %s; your clearance is "
		    "%s%s", policy_clearance_name(d->needed),
		    policy_clearance_name(d->held), why);
	if (d->action == POLICY_ACTION_UPLOAD)
		return say(buf, len, "you may not hold %s material, which needs "
		    "%s; your clearance is %s%s",
		    policy_classification_name(d->classification),
		    policy_clearance_name(d->needed),
		    policy_clearance_name(d->held), why);
	return say(buf, len, "document %s is %s, which needs %s; your clearance "
	    "is %s%s", doc, policy_classification_name(d->classification),
	    policy_clearance_name(d->needed), policy_clearance_name(d->held), why);
}

static int
explain_ok(const policy_t *p, const policy_decision_t *d, const char *id,
    char *buf, size_t len)
{
	char who[96];

	switch (d->action) {
	case POLICY_ACTION_SHARE:
		policy_principal_format(p, d->principal, who, sizeof(who));
		if (d->share == POLICY_SHARE_GRANT)
			return say(buf, len, "granted: %s may now read document %s",
			    who, id);
		return say(buf, len, "request filed: the originator decides "
		    "whether %s may read document %s", who, id);
	case POLICY_ACTION_APPROVE:
		policy_principal_format(p, d->principal, who, sizeof(who));
		return say(buf, len, "approved: %s may now read the document of "
		    "request %s", who, id);
	default:
		break;
	}
	return say(buf, len, "permitted: %s", policy_action_name(d->action));
}

static int
explain_authority(const policy_t *p, const policy_decision_t *d,
    const char *id, char *buf, size_t len)
{
	char ag[96];

	agency_phrase(p, d->principal, ag, sizeof(ag));
	switch (d->action) {
	case POLICY_ACTION_RECALL:
	case POLICY_ACTION_DESTROY:
	case POLICY_ACTION_SUPERSEDE:
		return say(buf, len, "only the author, an approver of %s or the "
		    "administrator may %s document %s", ag,
		    policy_action_name(d->action), id);
	case POLICY_ACTION_DERIVE:
		return say(buf, len, "only the author or an approver of %s may "
		    "derive from document %s", ag, id);
	case POLICY_ACTION_WITHDRAW:
		return say(buf, len, "only the requester may withdraw request %s",
		    id);
	default:
		break;
	}
	return say(buf, len, "only the author or an approver of %s may decide "
	    "request %s", ag, id);
}

int
policy_decision_explain(const policy_t *p, const policy_decision_t *d,
    char *buf, size_t len)
{
	const char *id = d->id != NULL ? d->id : "(none)";
	const char *doc = d->id != NULL ? d->id : "this document";
	char who[96], when[24];
	static const char *const states[] = { "pending", "approved", "refused",
	    "withdrawn" };

	switch (d->reason) {
	case POLICY_REASON_OK:
		return explain_ok(p, d, id, buf, len);
	case POLICY_REASON_NOT_ENROLLED:
		return say(buf, len, "your key is not enrolled in the current "
		    "policy");
	case POLICY_REASON_DISABLED:
		return say(buf, len, "your account is disabled");
	case POLICY_REASON_NEED_TO_KNOW:
		/* Exactly what an id that does not exist gets. */
		return say(buf, len, "no %s %s", about_request(d->action) ?
		    "request" : "document", id);
	case POLICY_REASON_CLEARANCE:
		return explain_clearance(d, doc, buf, len);
	case POLICY_REASON_CAVEAT:
		if (d->caveat_unknown || d->caveat >= p->n_caveats)
			return say(buf, len, "document %s carries a caveat the "
			    "current policy does not define", doc);
		if (d->action == POLICY_ACTION_UPLOAD)
			return say(buf, len, "you may not hold caveat %s: it needs "
			    "the attribute %s", p->caveats[d->caveat].name,
			    p->caveats[d->caveat].requires);
		return say(buf, len, "document %s carries caveat %s, which needs "
		    "the attribute %s; you do not hold it", doc,
		    p->caveats[d->caveat].name, p->caveats[d->caveat].requires);
	case POLICY_REASON_RECALLED:
		return say(buf, len, "document %s was recalled", doc);
	case POLICY_REASON_DESTROYED:
		return say(buf, len, "document %s was destroyed", doc);
	case POLICY_REASON_EMBARGO:
		policy_time_format(d->when, when, sizeof(when));
		return say(buf, len, "document %s is under embargo until %s", doc,
		    when);
	case POLICY_REASON_NOT_ACCREDITED:
		if (d->classification >= CLASSIFICATION_TOP_SECRET)
			return say(buf, len, "not accredited: this system never "
			    "holds TOP SECRET");
		return say(buf, len, "not accredited: this deployment may not "
		    "hold %s", policy_classification_name(d->classification));
	case POLICY_REASON_MARKING:
		return say(buf, len, "marking refused: %s",
		    policy_marking_fault_text(d->fault));
	case POLICY_REASON_ORIGINATOR:
		if (d->outcome == POLICY_BAD_REQUEST)
			return say(buf, len, "the originator names no enrolled "
			    "agency");
		agency_phrase(p, d->principal, who, sizeof(who));
		return say(buf, len, "only the administrator or a member of %s "
		    "may name it as originator", who);
	case POLICY_REASON_RECIPIENT:
		if (d->principal.kind == PRINCIPAL_ALL)
			return say(buf, len, "all may receive only OFFICIAL "
			    "material; this is %s",
			    policy_classification_name(d->classification));
		/* Name the user, never their clearance or attributes. */
		policy_principal_format(p, d->principal, who, sizeof(who));
		if (d->action == POLICY_ACTION_UPLOAD)
			return say(buf, len, "%s could not hold this marking", who);
		if (about_request(d->action))
			return say(buf, len, "%s could not hold the marking of the "
			    "document of request %s", who, id);
		return say(buf, len, "%s could not hold the marking of document %s",
		    who, doc);
	case POLICY_REASON_ONWARD:
		agency_phrase(p, d->principal, who, sizeof(who));
		return say(buf, len, "only the author or an approver of %s may "
		    "choose within-agency or open; ingesting for another agency "
		    "keeps approval", who);
	case POLICY_REASON_DUPLICATE:
		return say(buf, len, "the same content is already held; only its "
		    "author or an approver of its originator agency may upload "
		    "it again");
	case POLICY_REASON_AUTHORITY:
		return explain_authority(p, d, id, buf, len);
	case POLICY_REASON_DERIVE_MARKING:
		return say(buf, len, "a derivative must be marked lower than "
		    "document %s (%s)", doc,
		    policy_classification_name(d->classification));
	case POLICY_REASON_DECIDED:
		return say(buf, len, "request %s is already %s", id,
		    (unsigned)d->request_state <= REQUEST_WITHDRAWN ?
		    states[d->request_state] : "decided");
	case POLICY_REASON_ROLE:
		return say(buf, len, "only an auditor may query the audit log");
	case POLICY_REASON_TARGET:
		return say(buf, len, "the target is no enrolled user, agency or "
		    "group, nor all");
	case POLICY_REASON_DEFAULT:
	case POLICY_REASON_COUNT_:
		break;
	}
	return say(buf, len, "not permitted");
}
