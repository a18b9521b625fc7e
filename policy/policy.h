/* policy.h: the loaded policy (policy.conf): agencies, users, groups, caveats, clearances. */
#ifndef ISA_POLICY_POLICY_H
#define ISA_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Clearances, in order: a higher value holds everything below it. */
typedef enum {
	CLEARANCE_NONE = 0,
	CLEARANCE_BPSS,
	CLEARANCE_CTC,
	CLEARANCE_SC,
	CLEARANCE_DV,
} clearance_t;

/* Roles, as bits of policy_user_view_t.roles. */
enum {
	ROLE_ADMIN = 1u << 0,
	ROLE_CHAIR = 1u << 1,
	ROLE_AUDITOR = 1u << 2,
	ROLE_APPROVER = 1u << 3,
};

#define POLICY_KEY_LEN 32	/* a CURVE public key, raw */

/*
 * An immutable, reference-counted policy.  Once loaded it never changes, so
 * any number of threads may read it at once; a reload makes a new one.
 */
typedef struct policy policy_t;
typedef struct policy_user policy_user_t;	/* owned by its policy */

/* What a caller may see of a user.  Every pointer is owned by the policy and
 * valid for as long as the caller holds a reference to it. */
typedef struct {
	const char *id;
	const char *name;
	const char *agency;		/* agency id */
	const char *agency_name;
	clearance_t clearance;		/* as configured */
	clearance_t effective;		/* NONE once clearance_expires has passed */
	const char *clearance_expires;	/* "YYYY-MM-DD", or NULL */
	unsigned roles;			/* ROLE_* bits */
	const char *const *attributes;
	size_t n_attributes;
	const uint8_t *key;		/* POLICY_KEY_LEN bytes */
	bool enabled;
} policy_user_view_t;

/*
 * Load policy.conf at path.  On success *out holds a new policy with one
 * reference and 0 is returned.  On failure *out is NULL, err (errlen bytes,
 * may be NULL) holds one line "FILE:LINE: fault" a person can act on, and
 * ISA_ERR_NOTFOUND, ISA_ERR_IO or ISA_ERR_CONFIG is returned
 * (ISA_ERR_NOMEM when memory runs out).  Unknown settings, unknown
 * references, group cycles, duplicate ids or keys, malformed keys or dates,
 * and unknown clearances, roles or attributes are all ISA_ERR_CONFIG.
 */
__attribute__((warn_unused_result))
int policy_load(const char *path, policy_t **out, char *err, size_t errlen);

/* As policy_load, from text in memory; name stands for the file in errors. */
__attribute__((warn_unused_result))
int policy_load_string(const char *text, const char *name, policy_t **out,
    char *err, size_t errlen);

/* Take one more reference to p (thread-safe); returns p. */
policy_t *policy_ref(policy_t *p);

/* Drop one reference (thread-safe); the last frees the policy.  NULL is
 * accepted. */
void policy_unref(policy_t *p);

/* The user whose CURVE public key is key (POLICY_KEY_LEN bytes), enabled or
 * not; NULL when none.  O(log n), allocates nothing. */
const policy_user_t *policy_user_by_key(const policy_t *p, const uint8_t *key);

/* The user with this id, enabled or not; NULL when none.  Allocates nothing. */
const policy_user_t *policy_user_by_id(const policy_t *p, const char *id);

/* Fill *out with what may be shown of u; now (Unix seconds) decides whether
 * the clearance has expired: it counts as NONE from the day after
 * clearance_expires (UTC). */
void policy_user_view(const policy_t *p, const policy_user_t *u, int64_t now,
    policy_user_view_t *out);

/* Counts, and the i-th user / agency / group in policy.conf's order, for
 * summaries (0 <= i < count; NULL out of range). */
size_t policy_user_count(const policy_t *p);
const policy_user_t *policy_user_at(const policy_t *p, size_t i);
size_t policy_agency_count(const policy_t *p);
const char *policy_agency_id_at(const policy_t *p, size_t i);
const char *policy_agency_name_at(const policy_t *p, size_t i);
size_t policy_group_count(const policy_t *p);
const char *policy_group_id_at(const policy_t *p, size_t i);

/* For listings in order of id (strcmp), such as the directory: the index of
 * the i-th agency, group or user by id, for the *_at accessors above
 * (0 <= i < its count; out of range: the count).  O(1), allocates nothing. */
size_t policy_agency_nth(const policy_t *p, size_t i);
size_t policy_group_nth(const policy_t *p, size_t i);
size_t policy_user_nth(const policy_t *p, size_t i);

/* The printable name of a clearance ("NONE", "BPSS", ...). */
const char *policy_clearance_name(clearance_t c);

/*
 * Additions for principals, agencies and caveats.  Documents store names;
 * after every load (and reload) the daemon resolves them against the policy
 * it decides with, so decisions compare small integers, never strings.
 */

/* The kinds of principal a distribution list or share may name. */
typedef enum {
	PRINCIPAL_NONE = 0,	/* matches nobody (padding, or a name a reload removed) */
	PRINCIPAL_USER,		/* user:ID */
	PRINCIPAL_AGENCY,	/* agency:ID */
	PRINCIPAL_GROUP,	/* group:ID, members expanded transitively at load */
	PRINCIPAL_ALL,		/* all: every enrolled user, for OFFICIAL only */
} principal_kind_t;

/* A principal resolved against one policy: index is the user's, agency's or
 * group's position in that policy (0 for NONE and ALL).  Valid only with the
 * policy it was resolved against. */
typedef struct {
	principal_kind_t kind;
	uint32_t index;
} policy_principal_t;

/*
 * Resolve text ("user:ID", "agency:ID", "group:ID" or "all") against p into
 * *out.  O(log n), allocates nothing.  Returns 0; ISA_ERR_PARSE when text is
 * none of those forms; ISA_ERR_NOTFOUND when the id names nothing in p.  On
 * error *out is PRINCIPAL_NONE.
 */
__attribute__((warn_unused_result))
int policy_principal_resolve(const policy_t *p, const char *text,
    policy_principal_t *out);

/*
 * Write the text of pr ("group:ppb") into buf (len bytes, NUL-terminated,
 * truncated if short).  Returns 0, or ISA_ERR_INVAL when pr is not valid in
 * p (buf then holds "none").
 */
int policy_principal_format(const policy_t *p, policy_principal_t pr,
    char *buf, size_t len);

/* Whether principal pr covers user u, as the policy stands: u itself, u's
 * agency, a group u belongs to directly or through nested groups and
 * agencies, or `all` (every enrolled user; whether `all` may hold a marking
 * is for policy_decide).  O(1), allocates nothing; false for NONE or an
 * index out of range. */
bool policy_principal_covers(const policy_t *p, policy_principal_t pr,
    const policy_user_t *u);

/* The index of the agency with this id in *out; 0, or ISA_ERR_NOTFOUND.
 * O(log n). */
__attribute__((warn_unused_result))
int policy_agency_resolve(const policy_t *p, const char *id, uint32_t *out);

/* The index of user u in its policy (0 <= i < policy_user_count), and the
 * index of its agency. */
uint32_t policy_user_index(const policy_user_t *u);
uint32_t policy_user_agency(const policy_user_t *u);

/* Caveats, in policy.conf order: caveat i is bit i of a caveat mask. */
size_t policy_caveat_count(const policy_t *p);
const char *policy_caveat_name_at(const policy_t *p, size_t i);
const char *policy_caveat_requires_at(const policy_t *p, size_t i);

/* The index of the i-th caveat in byte order of its name, the order a
 * marking line prints caveats in (0 <= i < policy_caveat_count; out of
 * range: the count).  O(1), allocates nothing. */
size_t policy_caveat_nth(const policy_t *p, size_t i);

/* The index of the caveat named name (exact, as in policy.conf) in *out; 0,
 * or ISA_ERR_NOTFOUND.  A document whose caveat no longer resolves after a
 * reload must be treated as unreadable (policy_doc_t.caveats_unknown). */
__attribute__((warn_unused_result))
int policy_caveat_resolve(const policy_t *p, const char *name, uint32_t *out);

/* The name (file name) p was loaded from; owned by p. */
const char *policy_source(const policy_t *p);

/* The clearance named name ("NONE", "BPSS", "CTC", "SC", "DV") in *out; 0,
 * or ISA_ERR_NOTFOUND. */
__attribute__((warn_unused_result))
int policy_clearance_parse(const char *name, clearance_t *out);

/* The name of one ROLE_* bit ("admin", ...), or NULL for anything else. */
const char *policy_role_name(unsigned role);

#endif
