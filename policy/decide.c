/* decide.c: the one pure access decision of DESIGN §6, and the sentences that explain it. */
#include "policy/decide.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "policy/policy_impl.h"

/* Principals that match nobody: the dummy document's distribution list, so
 * a missing id walks the same loop as a real document. */
static const policy_principal_t dummy_access[8];

static bool
originator_approver(const struct policy_user *u, const policy_doc_t *d)
{
	return (u->roles & ROLE_APPROVER) != 0 && d->originator >= 0 &&
	    u->agency == (uint32_t)d->originator;
}

/* Whether pr covers u on a document of classification c. */
static bool
covers(const policy_t *p, policy_principal_t pr, const struct policy_user *u,
    classification_t c)
{
	switch (pr.kind) {
	case PRINCIPAL_USER:
		return pr.index == u->index;
	case PRINCIPAL_AGENCY:
		return pr.index == u->agency;
	case PRINCIPAL_GROUP:
		return pr.index < p->n_groups &&
		    (u->groups[pr.index / 64] >> (pr.index % 64) & 1) != 0;
	case PRINCIPAL_ALL:
		/* `all` is for OFFICIAL only, whatever a list says. */
		return c == CLASSIFICATION_OFFICIAL;
	case PRINCIPAL_NONE:
		break;
	}
	return false;
}

/* Rule 2.  Walks the whole list without stopping early, so the time taken
 * says nothing about where (or whether) the subject matched. */
static bool
need_to_know(const policy_t *p, const struct policy_user *u,
    const policy_doc_t *d)
{
	bool ok = d->author == u;
	size_t i;

	ok |= d->ingested_by == u;
	ok |= originator_approver(u, d);
	for (i = 0; i < d->n_access; i++)
		ok |= covers(p, d->access[i], u, d->marking.classification);
	return ok;
}

/* Whether user t could hold a document marked m (rules 6(d), 7). */
static bool
could_hold(const policy_t *p, const struct policy_user *t, const marking_t *m,
    bool caveats_unknown, int64_t now)
{
	return t->enabled && !caveats_unknown &&
	    (unsigned)m->classification < POLICY_N_CLASSES &&
	    policy_user_effective(t, now) >= p->min_clearance[m->classification] &&
	    (m->caveats & ~t->caveats) == 0;
}

static policy_outcome_t
verdict(policy_decision_t *out, policy_outcome_t o, policy_reason_t r)
{
	out->outcome = o;
	out->reason = r;
	return o;
}

/* Rules 3 and 4 for u and marking m: false (and *out filled) when u may
 * not hold it. */
static bool
cleared(const policy_t *p, const struct policy_user *u, const marking_t *m,
    bool caveats_unknown, int64_t now, policy_decision_t *out)
{
	uint64_t missing;

	out->classification = m->classification;
	if ((unsigned)m->classification >= POLICY_N_CLASSES) {
		verdict(out, POLICY_DENY, POLICY_REASON_NOT_ACCREDITED);
		out->fault = MARKING_NOT_ACCREDITED;
		return false;
	}
	out->needed = p->min_clearance[m->classification];
	out->held = policy_user_effective(u, now);
	if (out->held < out->needed) {
		out->configured = u->clearance;
		out->expired = out->held != u->clearance ? u->expires : NULL;
		verdict(out, POLICY_DENY, POLICY_REASON_CLEARANCE);
		return false;
	}
	missing = m->caveats & ~u->caveats;
	if (caveats_unknown || missing != 0) {
		out->caveat_unknown = caveats_unknown;
		out->caveat = missing ? (uint32_t)__builtin_ctzll(missing) : 0;
		verdict(out, POLICY_DENY, POLICY_REASON_CAVEAT);
		return false;
	}
	return true;
}

/* Rules 2-5 on document d, in order; false (and *out filled) at the first
 * that fails.  DESTROY may act on a recalled document. */
static bool
rules_doc(const policy_t *p, const struct policy_user *u,
    const policy_doc_t *d, policy_action_t action, int64_t now,
    policy_decision_t *out)
{
	out->id = d->id;
	if (!need_to_know(p, u, d)) {
		verdict(out, POLICY_NOT_FOUND, POLICY_REASON_NEED_TO_KNOW);
		return false;
	}
	if (!cleared(p, u, &d->marking, d->caveats_unknown, now, out))
		return false;
	if (d->state == DOC_DESTROYED ||
	    (d->state == DOC_RECALLED && action != POLICY_ACTION_DESTROY) ||
	    (unsigned)d->state > DOC_DESTROYED) {
		verdict(out, POLICY_GONE, d->state == DOC_RECALLED ?
		    POLICY_REASON_RECALLED : POLICY_REASON_DESTROYED);
		return false;
	}
	/* An embargo holds recipients back; those who uploaded or own the
	 * material already hold it (and may need to recall it). */
	if (d->marking.embargo && now < d->marking.embargo_until &&
	    d->author != u && d->ingested_by != u && !originator_approver(u, d)) {
		out->when = d->marking.embargo_until;
		verdict(out, POLICY_DENY, POLICY_REASON_EMBARGO);
		return false;
	}
	return true;
}

/* Whether target pr may receive document marking m (6(d), 7); false (and
 * *out filled) when not. */
static bool
target_ok(const policy_t *p, policy_principal_t pr, const marking_t *m,
    bool caveats_unknown, int64_t now, policy_decision_t *out)
{
	out->principal = pr;
	switch (pr.kind) {
	case PRINCIPAL_USER:
		if (pr.index >= p->n_users)
			break;
		if (!could_hold(p, &p->users[pr.index], m, caveats_unknown, now)) {
			verdict(out, POLICY_DENY, POLICY_REASON_RECIPIENT);
			return false;
		}
		return true;
	case PRINCIPAL_AGENCY:
		if (pr.index >= p->n_agencies)
			break;
		return true;
	case PRINCIPAL_GROUP:
		if (pr.index >= p->n_groups)
			break;
		return true;
	case PRINCIPAL_ALL:
		if (m->classification != CLASSIFICATION_OFFICIAL) {
			verdict(out, POLICY_DENY, POLICY_REASON_RECIPIENT);
			return false;
		}
		return true;
	case PRINCIPAL_NONE:
		break;
	}
	verdict(out, POLICY_BAD_REQUEST, POLICY_REASON_TARGET);
	return false;
}

/* Whether child is marked strictly lower than parent: no higher a
 * classification, no caveat the parent lacks, and not the same. */
static bool
marked_lower(const marking_t *child, const marking_t *parent)
{
	return child->classification <= parent->classification &&
	    (child->caveats & ~parent->caveats) == 0 &&
	    (child->classification < parent->classification ||
	    child->caveats != parent->caveats);
}

static policy_outcome_t
decide_upload(const policy_t *p, const struct policy_user *u,
    const policy_doc_t *d, const policy_args_t *args, int64_t now,
    policy_decision_t *out)
{
	classification_t ceiling = args ? args->accreditation :
	    CLASSIFICATION_SECRET;
	const policy_doc_t *same = args ? args->same_content : NULL;
	size_t i;

	out->id = d->id;
	out->classification = d->marking.classification;
	/* (a) known, valid, within the accreditation. */
	out->fault = d->caveats_unknown ? MARKING_UNKNOWN :
	    policy_marking_check(p, &d->marking, ceiling);
	if (out->fault == MARKING_NOT_ACCREDITED)
		return verdict(out, POLICY_BAD_REQUEST,
		    POLICY_REASON_NOT_ACCREDITED);
	if (out->fault != MARKING_VALID)
		return verdict(out, POLICY_BAD_REQUEST, POLICY_REASON_MARKING);
	/* (b) the uploader may hold it. */
	if (!cleared(p, u, &d->marking, false, now, out))
		return out->outcome;
	/* (c) only the administrator or a member may name the originator. */
	out->principal.kind = PRINCIPAL_AGENCY;
	out->principal.index = d->originator < 0 ? 0 : (uint32_t)d->originator;
	if (d->originator < 0 || (size_t)d->originator >= p->n_agencies)
		return verdict(out, POLICY_BAD_REQUEST, POLICY_REASON_ORIGINATOR);
	if ((u->roles & ROLE_ADMIN) == 0 && u->agency != (uint32_t)d->originator)
		return verdict(out, POLICY_DENY, POLICY_REASON_ORIGINATOR);
	/* (d) each named user could hold it; `all` only for OFFICIAL. */
	for (i = 0; i < d->n_access; i++)
		if (!target_ok(p, d->access[i], &d->marking, false, now, out))
			return out->outcome;
	/* (e) only the author (the uploader, when of the originator agency)
	 * or an originator approver (likewise of that agency) may loosen. */
	out->principal.kind = PRINCIPAL_AGENCY;
	out->principal.index = (uint32_t)d->originator;
	if (d->marking.onward != ONWARD_APPROVAL &&
	    u->agency != (uint32_t)d->originator)
		return verdict(out, POLICY_DENY, POLICY_REASON_ONWARD);
	/* (f) no laundering: the same content again only by who may grant. */
	if (same != NULL && same->author != u && !originator_approver(u, same))
		return verdict(out, POLICY_CONFLICT, POLICY_REASON_DUPLICATE);
	return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
}

static policy_outcome_t
decide_share(const policy_t *p, const struct policy_user *u,
    const policy_doc_t *d, const policy_args_t *args, policy_decision_t *out,
    int64_t now)
{
	policy_principal_t t;

	if (args == NULL)
		return verdict(out, POLICY_BAD_REQUEST, POLICY_REASON_TARGET);
	t = args->target;
	if (!target_ok(p, t, &d->marking, d->caveats_unknown, now, out))
		return out->outcome;
	out->share = POLICY_SHARE_REQUEST;
	if (d->author == u || originator_approver(u, d))
		out->share = POLICY_SHARE_GRANT;
	else if (d->marking.onward == ONWARD_OPEN)
		out->share = POLICY_SHARE_GRANT;
	else if (d->marking.onward == ONWARD_WITHIN_AGENCY &&
	    ((t.kind == PRINCIPAL_USER && p->users[t.index].agency == u->agency) ||
	    (t.kind == PRINCIPAL_AGENCY && t.index == u->agency)))
		out->share = POLICY_SHARE_GRANT;
	return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
}

static policy_outcome_t
decide_request(const policy_t *p, const struct policy_user *u,
    policy_action_t action, const policy_doc_t *d, const policy_args_t *args,
    int64_t now, policy_decision_t *out)
{
	const policy_request_t *r = args ? args->request : NULL;
	bool visible;

	if (r == NULL)
		return verdict(out, POLICY_DENY, POLICY_REASON_DEFAULT);
	out->id = r->id;
	/* §5: requester, author, originator approvers and the administrator
	 * see a request; for anyone else it does not exist. */
	visible = r->exists & ((r->requester == u) | (d->author == u) |
	    originator_approver(u, d) | ((u->roles & ROLE_ADMIN) != 0));
	if (!visible)
		return verdict(out, POLICY_NOT_FOUND, POLICY_REASON_NEED_TO_KNOW);
	if (action == POLICY_ACTION_REQUEST_VIEW)
		return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
	out->principal.kind = PRINCIPAL_AGENCY;
	out->principal.index = d->originator < 0 ? 0 : (uint32_t)d->originator;
	if (action == POLICY_ACTION_WITHDRAW) {
		out->principal.kind = d->originator < 0 ? PRINCIPAL_NONE :
		    PRINCIPAL_AGENCY;
		if (r->requester != u)
			return verdict(out, POLICY_DENY, POLICY_REASON_AUTHORITY);
		if (r->state != REQUEST_PENDING) {
			out->request_state = r->state;
			return verdict(out, POLICY_CONFLICT, POLICY_REASON_DECIDED);
		}
		return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
	}
	if (d->originator < 0)
		out->principal.kind = PRINCIPAL_NONE;
	if (d->author != u && !originator_approver(u, d))
		return verdict(out, POLICY_DENY, POLICY_REASON_AUTHORITY);
	if (!rules_doc(p, u, d, action, now, out))
		return out->outcome;
	out->id = r->id;
	if (r->state != REQUEST_PENDING) {
		out->request_state = r->state;
		return verdict(out, POLICY_CONFLICT, POLICY_REASON_DECIDED);
	}
	if (action == POLICY_ACTION_APPROVE) {
		if (!target_ok(p, r->target, &d->marking, d->caveats_unknown, now,
		    out))
			return out->outcome;
		out->share = POLICY_SHARE_GRANT;
	}
	return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
}

policy_outcome_t
policy_decide(const policy_t *p, const policy_user_t *subject,
    policy_action_t action, const policy_doc_t *doc, const policy_args_t *args,
    int64_t now, policy_decision_t *out)
{
	const struct policy_user *u = subject;

	memset(out, 0, sizeof(*out));
	out->action = action;
	out->id = doc ? doc->id : NULL;
	/* Rule 1: enrolled in this very policy, and enabled. */
	if (u == NULL || u->owner != p)
		return verdict(out, POLICY_UNAUTHENTICATED,
		    POLICY_REASON_NOT_ENROLLED);
	if (!u->enabled)
		return verdict(out, POLICY_UNAUTHENTICATED, POLICY_REASON_DISABLED);
	if (action == POLICY_ACTION_AUDIT) {
		/* Rule 10: the log holds ids, markings and actors: BPSS. */
		if ((u->roles & ROLE_AUDITOR) == 0)
			return verdict(out, POLICY_DENY, POLICY_REASON_ROLE);
		out->needed = CLEARANCE_BPSS;
		out->held = policy_user_effective(u, now);
		if (out->held < out->needed) {
			out->configured = u->clearance;
			out->expired = out->held != u->clearance ? u->expires : NULL;
			return verdict(out, POLICY_DENY, POLICY_REASON_CLEARANCE);
		}
		return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
	}
	if (doc == NULL || (unsigned)action >= POLICY_ACTION_COUNT_)
		return verdict(out, POLICY_DENY, POLICY_REASON_DEFAULT);
	switch (action) {
	case POLICY_ACTION_UPLOAD:
		return decide_upload(p, u, doc, args, now, out);
	case POLICY_ACTION_APPROVE:
	case POLICY_ACTION_REFUSE:
	case POLICY_ACTION_WITHDRAW:
	case POLICY_ACTION_REQUEST_VIEW:
		return decide_request(p, u, action, doc, args, now, out);
	default:
		break;
	}
	if (!rules_doc(p, u, doc, action, now, out))
		return out->outcome;
	out->principal.kind = doc->originator < 0 ? PRINCIPAL_NONE :
	    PRINCIPAL_AGENCY;
	out->principal.index = doc->originator < 0 ? 0 : (uint32_t)doc->originator;
	switch (action) {
	case POLICY_ACTION_GET:
	case POLICY_ACTION_INFO:
	case POLICY_ACTION_LIST:
		return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
	case POLICY_ACTION_SHARE:
		return decide_share(p, u, doc, args, out, now);
	case POLICY_ACTION_RECALL:
	case POLICY_ACTION_DESTROY:
	case POLICY_ACTION_SUPERSEDE:
		/* Rule 9; a new version withdraws the old, so the same people. */
		if (doc->author == u || originator_approver(u, doc) ||
		    (u->roles & ROLE_ADMIN) != 0)
			return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
		return verdict(out, POLICY_DENY, POLICY_REASON_AUTHORITY);
	case POLICY_ACTION_DERIVE:
		/* Rule 8. */
		if (doc->author != u && !originator_approver(u, doc))
			return verdict(out, POLICY_DENY, POLICY_REASON_AUTHORITY);
		if (args == NULL || args->derived == NULL ||
		    !marked_lower(args->derived, &doc->marking))
			return verdict(out, POLICY_BAD_REQUEST,
			    POLICY_REASON_DERIVE_MARKING);
		return verdict(out, POLICY_PERMIT, POLICY_REASON_OK);
	default:
		break;
	}
	return verdict(out, POLICY_DENY, POLICY_REASON_DEFAULT);
}

bool
policy_doc_visible(const policy_t *p, const policy_user_t *subject,
    const policy_doc_t *doc, int64_t now)
{
	(void)now;
	return subject != NULL && subject->owner == p && subject->enabled &&
	    doc != NULL && need_to_know(p, subject, doc);
}

void
policy_doc_dummy(policy_doc_t *out, const char *id)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->marking.classification = CLASSIFICATION_OFFICIAL;
	out->originator = -1;
	out->access = dummy_access;
	out->n_access = sizeof(dummy_access) / sizeof(dummy_access[0]);
	out->state = DOC_ACTIVE;
}

int
policy_doc_resolve(const policy_t *p, const policy_doc_names_t *in,
    policy_principal_t *access, size_t access_cap, policy_doc_t *out)
{
	uint32_t ag;
	size_t i;

	if (in->n_access > access_cap) {
		policy_doc_dummy(out, in->id);
		return ISA_ERR_RANGE;
	}
	memset(out, 0, sizeof(*out));
	out->id = in->id;
	out->marking = in->marking;
	out->caveats_unknown = policy_caveats_resolve(p, in->caveats,
	    in->n_caveats, &out->marking.caveats) != 0;
	out->originator = in->originator != NULL &&
	    policy_agency_resolve(p, in->originator, &ag) == 0 ? (int32_t)ag : -1;
	out->author = in->author ? policy_user_by_id(p, in->author) : NULL;
	out->ingested_by = in->ingested_by ?
	    policy_user_by_id(p, in->ingested_by) : NULL;
	for (i = 0; i < in->n_access; i++)
		if (policy_principal_resolve(p, in->access[i], &access[i]) != 0)
			access[i].kind = PRINCIPAL_NONE;
	out->access = access;
	out->n_access = in->n_access;
	out->state = in->state;
	return 0;
}

void
policy_request_dummy(policy_request_t *out, const char *id)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->exists = false;
	out->state = REQUEST_PENDING;
}

const char *
policy_outcome_name(policy_outcome_t o)
{
	switch (o) {
	case POLICY_PERMIT: return "permit";
	case POLICY_DENY: return "deny";
	case POLICY_NOT_FOUND: return "not_found";
	case POLICY_GONE: return "gone";
	case POLICY_BAD_REQUEST: return "bad_request";
	case POLICY_CONFLICT: return "conflict";
	case POLICY_UNAUTHENTICATED: return "unauthenticated";
	}
	return "unknown";
}

static const char *const reason_names[POLICY_REASON_COUNT_] = {
	[POLICY_REASON_OK] = "ok",
	[POLICY_REASON_NOT_ENROLLED] = "not_enrolled",
	[POLICY_REASON_DISABLED] = "disabled",
	[POLICY_REASON_NEED_TO_KNOW] = "need_to_know",
	[POLICY_REASON_CLEARANCE] = "clearance",
	[POLICY_REASON_CAVEAT] = "caveat",
	[POLICY_REASON_RECALLED] = "recalled",
	[POLICY_REASON_DESTROYED] = "destroyed",
	[POLICY_REASON_EMBARGO] = "embargo",
	[POLICY_REASON_NOT_ACCREDITED] = "not_accredited",
	[POLICY_REASON_MARKING] = "marking",
	[POLICY_REASON_ORIGINATOR] = "originator",
	[POLICY_REASON_RECIPIENT] = "recipient",
	[POLICY_REASON_ONWARD] = "onward_rule",
	[POLICY_REASON_DUPLICATE] = "duplicate_content",
	[POLICY_REASON_AUTHORITY] = "authority",
	[POLICY_REASON_DERIVE_MARKING] = "derive_marking",
	[POLICY_REASON_DECIDED] = "request_decided",
	[POLICY_REASON_ROLE] = "role",
	[POLICY_REASON_TARGET] = "target",
	[POLICY_REASON_DEFAULT] = "default_deny",
};

const char *
policy_reason_name(policy_reason_t r)
{
	if ((unsigned)r < POLICY_REASON_COUNT_ && reason_names[r] != NULL)
		return reason_names[r];
	return "unknown";
}

static const char *const action_names[POLICY_ACTION_COUNT_] = {
	[POLICY_ACTION_GET] = "get",
	[POLICY_ACTION_INFO] = "info",
	[POLICY_ACTION_LIST] = "list",
	[POLICY_ACTION_UPLOAD] = "upload",
	[POLICY_ACTION_SHARE] = "share",
	[POLICY_ACTION_APPROVE] = "approve",
	[POLICY_ACTION_REFUSE] = "refuse",
	[POLICY_ACTION_WITHDRAW] = "withdraw",
	[POLICY_ACTION_REQUEST_VIEW] = "request_view",
	[POLICY_ACTION_RECALL] = "recall",
	[POLICY_ACTION_DESTROY] = "destroy",
	[POLICY_ACTION_DERIVE] = "derive",
	[POLICY_ACTION_SUPERSEDE] = "supersede",
	[POLICY_ACTION_AUDIT] = "audit",
};

const char *
policy_action_name(policy_action_t a)
{
	if ((unsigned)a < POLICY_ACTION_COUNT_)
		return action_names[a];
	return "unknown";
}
