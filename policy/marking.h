/* marking.h: document markings (DESIGN §5): classification, descriptors, caveats, onward rule; validity; the one canonical line. */
#ifndef ISA_POLICY_MARKING_H
#define ISA_POLICY_MARKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

/* Classifications, in order.  TOP SECRET is recognised only to be refused:
 * this system never holds it. */
typedef enum {
	CLASSIFICATION_OFFICIAL = 0,
	CLASSIFICATION_OFFICIAL_SENSITIVE,
	CLASSIFICATION_SECRET,
	CLASSIFICATION_TOP_SECRET,
} classification_t;

/* Descriptors, as bits of marking_t.descriptors: printed, no effect on
 * access. */
enum {
	DESCRIPTOR_PERSONAL = 1u << 0,
	DESCRIPTOR_COMMERCIAL = 1u << 1,
	DESCRIPTOR_LOCSEN = 1u << 2,
};

/* The onward rule, printed as the handling instruction. */
typedef enum {
	ONWARD_APPROVAL = 0,	/* RECIPIENTS ONLY (the default) */
	ONWARD_WITHIN_AGENCY,	/* RECIPIENT AGENCY USE ONLY */
	ONWARD_OPEN,		/* FOR PUBLIC RELEASE: OFFICIAL without caveats only */
} onward_t;

/* A parsed marking.  caveats are bits over the caveats of the policy it was
 * parsed with (policy_caveat_name_at): valid only with that policy. */
typedef struct {
	classification_t classification;
	unsigned descriptors;		/* DESCRIPTOR_* */
	uint64_t caveats;		/* bit i: caveat i of the policy */
	onward_t onward;
	bool has_handling;		/* free-text handling instructions given */
	bool embargo;			/* embargoed until embargo_until */
	int64_t embargo_until;		/* Unix seconds (UTC) */
} marking_t;

/* A marking as a request spells it: each field a word the client sent.
 * Matching is ASCII case-insensitive. */
typedef struct {
	const char *classification;	/* "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET" */
	const char *const *descriptors;	/* "PERSONAL", "COMMERCIAL", "LOCSEN" */
	size_t n_descriptors;
	const char *const *caveats;	/* names from policy.conf */
	size_t n_caveats;
	const char *onward;		/* "approval" (NULL or "": the default), "within-agency", "open" */
	const char *handling;		/* free-text handling instructions, or NULL */
	const char *embargo_until;	/* RFC 3339 time, or NULL for no embargo */
} marking_spec_t;

/* Why a marking is not valid (policy_marking_check). */
typedef enum {
	MARKING_VALID = 0,
	MARKING_NOT_ACCREDITED,		/* TOP SECRET, or above the deployment's ceiling */
	MARKING_OPEN_NOT_OFFICIAL,	/* FOR PUBLIC RELEASE on more than OFFICIAL */
	MARKING_OPEN_WITH_CAVEAT,	/* FOR PUBLIC RELEASE with a caveat */
	MARKING_UKEO_NOT_SECRET,	/* UK-EYES-ONLY on less than SECRET */
	MARKING_SECRET_NO_HANDLING,	/* SECRET without handling instructions */
	MARKING_EMBARGO_NO_TIME,	/* an embargo without its time */
	MARKING_UNKNOWN,		/* a value or caveat bit this policy does not define */
} marking_fault_t;

/* Longest canonical line, NUL included: 64 caveats of 64 characters. */
#define POLICY_MARKING_LINE_MAX	4352

/*
 * Parse spec against p's caveats and check it (policy_marking_check) under
 * the deployment's ceiling accreditation.  On success *out is the marking
 * and 0 is returned.  On failure *out is zeroed, err (errlen bytes, may be
 * NULL) holds a sentence for the client, and the return is ISA_ERR_PARSE (a
 * word that is no classification, descriptor, caveat or onward rule, one
 * named twice, or a malformed embargo time), ISA_ERR_RANGE ("not
 * accredited": TOP SECRET or above the ceiling) or ISA_ERR_INVAL (a valid
 * word in an invalid combination).  All three are BAD_REQUEST on the wire.
 * Allocates nothing.
 */
__attribute__((warn_unused_result))
int policy_marking_parse(const policy_t *p, const marking_spec_t *spec,
    classification_t accreditation, marking_t *out, char *err, size_t errlen);

/*
 * The validity rules of DESIGN §5 for m under p and the ceiling
 * accreditation: FOR PUBLIC RELEASE only on OFFICIAL with no caveat;
 * UK-EYES-ONLY only on SECRET; SECRET needs handling instructions; an
 * embargo needs its time; nothing above the ceiling, and never TOP SECRET.
 * Pure and allocation-free.
 */
__attribute__((warn_unused_result))
marking_fault_t policy_marking_check(const policy_t *p, const marking_t *m,
    classification_t accreditation);

/* A static sentence for fault f ("FOR PUBLIC RELEASE is only for OFFICIAL
 * material"); never NULL. */
const char *policy_marking_fault_text(marking_fault_t f);

/*
 * Write m's canonical line into buf (len bytes; POLICY_MARKING_LINE_MAX is
 * always enough): classification, descriptors (PERSONAL, COMMERCIAL,
 * LOCSEN), caveats (in byte order of their names, so a reload that reorders
 * policy.conf changes no line) and the handling instruction, separated by
 * single spaces, e.g. "OFFICIAL-SENSITIVE PERSONAL PERSONAL-DATA RECIPIENTS
 * ONLY".  Returns 0, ISA_ERR_RANGE when buf is too small (it then holds a
 * truncated, terminated line) or ISA_ERR_INVAL when m holds a value or
 * caveat bit p does not define.
 */
int policy_marking_line(const policy_t *p, const marking_t *m, char *buf,
    size_t len);

/*
 * Parse a canonical line (exactly as policy_marking_line writes it) back
 * into *out, resolving its caveats against p; has_handling and embargo are
 * not part of the line and come back false.  Returns 0, ISA_ERR_NOTFOUND
 * when a caveat is not in p (*out then holds the rest, for a caller that
 * must refuse the document), or ISA_ERR_PARSE for anything else.
 */
__attribute__((warn_unused_result))
int policy_marking_line_parse(const policy_t *p, const char *line,
    marking_t *out);

/*
 * Resolve n caveat names (exact, as in policy.conf) into a mask over p's
 * caveats in *mask.  Returns 0, or ISA_ERR_NOTFOUND when any name is not in
 * p (*mask then holds the names that were): a stored document whose caveat
 * a reload removed must be refused to everyone (policy_doc_t.caveats_unknown).
 */
__attribute__((warn_unused_result))
int policy_caveats_resolve(const policy_t *p, const char *const *names,
    size_t n, uint64_t *mask);

/* The printed name of c ("OFFICIAL-SENSITIVE", "TOP SECRET"), or "unknown". */
const char *policy_classification_name(classification_t c);

/* The classification named name (case-insensitive; "TOP SECRET" and
 * "TOP-SECRET" give CLASSIFICATION_TOP_SECRET, which no deployment may be
 * accredited for) in *out: 0, or ISA_ERR_NOTFOUND. */
__attribute__((warn_unused_result))
int policy_classification_parse(const char *name, classification_t *out);

/* The minimum clearance p requires for c (policy.conf minimum_clearance);
 * for TOP SECRET, DV (but nothing TOP SECRET is ever permitted). */
clearance_t policy_minimum_clearance(const policy_t *p, classification_t c);

/* The descriptors, in the order a marking line prints them: the i-th
 * ("PERSONAL", "COMMERCIAL", "LOCSEN"), NULL when i >= its count. */
size_t policy_descriptor_count(void);
const char *policy_descriptor_name_at(size_t i);

/* The lowest classification caveat i of p (policy_caveat_name_at) may
 * mark: SECRET for UK-EYES-ONLY, OFFICIAL for any other (and for i out of
 * range).  policy_marking_check enforces the same rule. */
classification_t policy_caveat_minimum_classification(const policy_t *p,
    size_t i);

/* The handling instruction of an onward rule ("RECIPIENTS ONLY"), and its
 * name in requests ("approval"); "unknown" for anything else. */
const char *policy_onward_handling(onward_t o);
const char *policy_onward_name(onward_t o);

#endif
