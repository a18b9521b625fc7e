/* decide.h: the one pure access decision of DESIGN §6: (policy, subject, action, document) -> outcome, reason, sentence. */
#ifndef ISA_POLICY_DECIDE_H
#define ISA_POLICY_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/marking.h"
#include "policy/policy.h"

/* What a decision says; the daemon maps each to the wire status of the
 * same name (PERMIT is OK, DENY is DENIED). */
typedef enum {
	POLICY_PERMIT = 0,
	POLICY_DENY,
	POLICY_NOT_FOUND,	/* indistinguishable from an id that does not exist */
	POLICY_GONE,		/* recalled or destroyed (rule 5) */
	POLICY_BAD_REQUEST,	/* an invalid or unaccredited marking (6a), a bad target */
	POLICY_CONFLICT,	/* duplicate content (6f), a request already decided */
	POLICY_UNAUTHENTICATED,	/* rule 1: not enrolled, or disabled */
} policy_outcome_t;

/* Every action the daemon asks about. */
typedef enum {
	POLICY_ACTION_GET = 0,		/* isa get: the content */
	POLICY_ACTION_INFO,		/* isa info: the metadata */
	POLICY_ACTION_LIST,		/* isa ls: one call per document; list it iff PERMIT */
	POLICY_ACTION_UPLOAD,		/* isa put: rule 6, on the document to be stored */
	POLICY_ACTION_SHARE,		/* isa share: rule 7; PERMIT says grant or request */
	POLICY_ACTION_APPROVE,		/* isa approve REQ: doc is the request's document */
	POLICY_ACTION_REFUSE,		/* isa refuse REQ */
	POLICY_ACTION_WITHDRAW,		/* the requester withdraws a pending request */
	POLICY_ACTION_REQUEST_VIEW,	/* isa requests: show this request iff PERMIT */
	POLICY_ACTION_RECALL,		/* isa recall: rule 9 */
	POLICY_ACTION_DESTROY,		/* destruction on request: rule 9 */
	POLICY_ACTION_DERIVE,		/* put --derived-from: rule 8; doc is the parent */
	POLICY_ACTION_SUPERSEDE,	/* put --supersedes: doc is the old version */
	POLICY_ACTION_AUDIT,		/* any audit query, export, checkpoint or proof: rule 10 */
	POLICY_ACTION_COUNT_
} policy_action_t;

/* Stable reason codes, for the audit log (policy_reason_name). */
typedef enum {
	POLICY_REASON_OK = 0,		/* "ok" */
	POLICY_REASON_NOT_ENROLLED,	/* "not_enrolled": rule 1 */
	POLICY_REASON_DISABLED,		/* "disabled": rule 1 */
	POLICY_REASON_NEED_TO_KNOW,	/* "need_to_know": rule 2, and every id that does not exist */
	POLICY_REASON_CLEARANCE,	/* "clearance": rules 3, 6(b), 10 */
	POLICY_REASON_CAVEAT,		/* "caveat": rules 4, 6(b) */
	POLICY_REASON_RECALLED,		/* "recalled": rule 5 */
	POLICY_REASON_DESTROYED,	/* "destroyed": rule 5 */
	POLICY_REASON_EMBARGO,		/* "embargo": rule 5 */
	POLICY_REASON_NOT_ACCREDITED,	/* "not_accredited": rule 6(a) */
	POLICY_REASON_MARKING,		/* "marking": rule 6(a), an invalid marking */
	POLICY_REASON_ORIGINATOR,	/* "originator": rule 6(c) */
	POLICY_REASON_RECIPIENT,	/* "recipient": 6(d), 7: a target who could not hold the marking */
	POLICY_REASON_ONWARD,		/* "onward_rule": rule 6(e) */
	POLICY_REASON_DUPLICATE,	/* "duplicate_content": rule 6(f) */
	POLICY_REASON_AUTHORITY,	/* "authority": rules 7-9, not the one who may do this */
	POLICY_REASON_DERIVE_MARKING,	/* "derive_marking": rule 8, not marked lower than the parent */
	POLICY_REASON_DECIDED,		/* "request_decided": the request is no longer pending */
	POLICY_REASON_ROLE,		/* "role": rule 10, not an auditor */
	POLICY_REASON_TARGET,		/* "target": a share names no valid principal */
	POLICY_REASON_DEFAULT,		/* "default_deny": nothing permits it */
	POLICY_REASON_COUNT_
} policy_reason_t;

/* For a permitted share or approval: grant at once, or file a request. */
typedef enum {
	POLICY_SHARE_NONE = 0,		/* not a share */
	POLICY_SHARE_GRANT,		/* add the target to the access list now; notify Chair and admin */
	POLICY_SHARE_REQUEST,		/* file a share request for the originator to decide */
} policy_share_t;

/* A document's state (rule 5). */
typedef enum {
	DOC_ACTIVE = 0,
	DOC_RECALLED,
	DOC_DESTROYED,
} doc_state_t;

/*
 * A document as the decision sees it, filled by the daemon from what it
 * stores (names) resolved against the policy it decides with.  Nothing is
 * copied: every pointer must stay valid for the call.
 */
typedef struct {
	const char *id;			/* the id as the request named it (sentences only) */
	marking_t marking;		/* with caveats resolved in this policy */
	bool caveats_unknown;		/* a stored caveat no longer resolves: nobody may read it */
	int32_t originator;		/* agency index; -1 when it no longer resolves */
	const policy_user_t *author;	/* NULL: none (ingested for another agency) or no longer enrolled */
	const policy_user_t *ingested_by; /* who uploaded it; NULL when no longer enrolled */
	const policy_principal_t *access; /* distribution list and granted targets */
	size_t n_access;		/* unresolvable names are PRINCIPAL_NONE or left out */
	doc_state_t state;
} policy_doc_t;

/* A share request's state. */
typedef enum {
	REQUEST_PENDING = 0,
	REQUEST_APPROVED,
	REQUEST_REFUSED,
	REQUEST_WITHDRAWN,
} request_state_t;

/* A share request as the decision sees it; its document is passed as doc. */
typedef struct {
	const char *id;			/* as the request named it (sentences only) */
	bool exists;			/* false only in policy_request_dummy */
	const policy_user_t *requester;	/* NULL when no longer enrolled */
	policy_principal_t target;
	request_state_t state;
} policy_request_t;

/* The rest of what an action needs; unused fields are ignored. */
typedef struct {
	policy_principal_t target;	/* SHARE: whom to share with */
	const policy_request_t *request; /* APPROVE, REFUSE, WITHDRAW, REQUEST_VIEW */
	const marking_t *derived;	/* DERIVE: the new document's marking */
	classification_t accreditation;	/* UPLOAD: isad.conf accreditation (default SECRET) */
	const policy_doc_t *same_content; /* UPLOAD: an active document with the same SHA-256, or NULL */
} policy_args_t;

/*
 * The result.  Besides outcome and reason it keeps what its sentence names
 * (policy_decision_explain), so that deciding formats nothing.
 */
typedef struct {
	policy_outcome_t outcome;
	policy_reason_t reason;
	policy_share_t share;		/* SHARE and APPROVE when PERMIT */
	policy_action_t action;
	const char *id;			/* document or request id named, or NULL */
	classification_t classification;
	clearance_t needed;		/* CLEARANCE: what the marking needs */
	clearance_t held;		/* CLEARANCE: the subject's effective clearance */
	clearance_t configured;		/* CLEARANCE: as in policy.conf (differs once expired) */
	const char *expired;		/* CLEARANCE: the clearance_expires date once past, else NULL */
	uint32_t caveat;		/* CAVEAT: the first caveat not held */
	bool caveat_unknown;		/* CAVEAT: a caveat the policy no longer defines */
	policy_principal_t principal;	/* RECIPIENT, ORIGINATOR, AUTHORITY: who or which agency */
	marking_fault_t fault;		/* MARKING, NOT_ACCREDITED */
	request_state_t request_state;	/* DECIDED */
	int64_t when;			/* EMBARGO: until when */
} policy_decision_t;

/*
 * Decide whether subject may do action, by DESIGN §6: default deny; rule 1
 * (subject enrolled in p, enabled) for every action; rules 2-5 in order for
 * every action naming a document (GET, INFO, LIST, SHARE, RECALL, DESTROY,
 * DERIVE, SUPERSEDE, and APPROVE and REFUSE after the request's visibility);
 * then the action's own rule (6-10).  The first rule that fails decides.
 *
 * p: the policy subject was looked up in (a subject from another policy is
 * UNAUTHENTICATED).  subject: from policy_user_by_key at this request, or
 * NULL (not enrolled).  doc: the document named, or for an id that does not
 * exist a policy_doc_dummy with that id, so that both take the same path
 * and give the same outcome, reason and sentence; for UPLOAD the document
 * to be stored (originator resolved, access the named principals; author
 * is ignored: the uploader is its author iff of the originator agency); NULL
 * for AUDIT.  args: see policy_args_t; may be NULL when the action needs
 * none.  now: Unix seconds, for clearance expiry and embargoes.
 *
 * Fills *out and returns out->outcome.  Pure: reads only its arguments,
 * allocates nothing, compares no strings; safe from any number of threads.
 */
__attribute__((warn_unused_result))
policy_outcome_t policy_decide(const policy_t *p, const policy_user_t *subject,
    policy_action_t action, const policy_doc_t *doc, const policy_args_t *args,
    int64_t now, policy_decision_t *out);

/*
 * Write the sentence for d into buf (len bytes, NUL-terminated, truncated
 * if short), naming what was missing and never anything about a document
 * the subject may not know exists: e.g. "document 7QK3... is SECRET, which
 * needs SC; your clearance is BPSS", or "no document 7QK3...".  p must be the
 * policy d was decided with.  Returns 0, or ISA_ERR_RANGE when truncated.
 * Allocates nothing.
 */
int policy_decision_explain(const policy_t *p, const policy_decision_t *d,
    char *buf, size_t len);

/*
 * Rule 1 and rule 2 alone: whether subject may know doc exists (to name a
 * derivative's parent in `info`, rule 8).  Same conventions as policy_decide.
 */
__attribute__((warn_unused_result))
bool policy_doc_visible(const policy_t *p, const policy_user_t *subject,
    const policy_doc_t *doc, int64_t now);

/*
 * Fill *out as the stand-in for a document id that does not exist: an
 * active OFFICIAL document nobody may know, with a distribution list of
 * principals that match nobody, so the decision walks the same path as for
 * a real one.  id is kept (not copied) for the sentence.
 */
void policy_doc_dummy(policy_doc_t *out, const char *id);

/* The same for a request id that does not exist (exists is false). */
void policy_request_dummy(policy_request_t *out, const char *id);

/* A stored document by name, as the daemon keeps it (ids and names, so
 * that a reload cannot make an index point elsewhere). */
typedef struct {
	const char *id;			/* the id as the request named it */
	marking_t marking;		/* caveats ignored: taken from caveats below */
	const char *const *caveats;	/* caveat names */
	size_t n_caveats;
	const char *originator;		/* agency id */
	const char *author;		/* user id, or NULL for none */
	const char *ingested_by;	/* user id */
	const char *const *access;	/* principals: "user:ID", "agency:ID", "group:ID", "all" */
	size_t n_access;
	doc_state_t state;
} policy_doc_names_t;

/*
 * Resolve in against p into *out, failing closed: a caveat p no longer
 * defines sets caveats_unknown (nobody may read the document); an agency p
 * no longer has leaves originator -1 (nobody holds originator powers); a
 * user p no longer has leaves author or ingested_by NULL; a principal p no
 * longer has becomes PRINCIPAL_NONE (matches nobody).  The principals are
 * written to access (access_cap entries, owned by the caller, which must
 * outlive *out); out keeps in's id pointer.  O(n log n) string work: do it
 * once per request, outside the decision.  Returns 0, or ISA_ERR_RANGE
 * when in->n_access > access_cap (*out is then a document nobody may know).
 */
__attribute__((warn_unused_result))
int policy_doc_resolve(const policy_t *p, const policy_doc_names_t *in,
    policy_principal_t *access, size_t access_cap, policy_doc_t *out);

/* Stable names: "permit", "deny", "not_found", "gone", "bad_request",
 * "conflict", "unauthenticated"; the reason codes above; "get", "info", ...
 * for actions.  Never NULL. */
const char *policy_outcome_name(policy_outcome_t o);
const char *policy_reason_name(policy_reason_t r);
const char *policy_action_name(policy_action_t a);

#endif
