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
 * ISA_ERR_NOTFOUND, ISA_ERR_IO or ISA_ERR_CONFIG is returned.
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

/* Counts, and the i-th user / agency for summaries (0 <= i < count). */
size_t policy_user_count(const policy_t *p);
const policy_user_t *policy_user_at(const policy_t *p, size_t i);
size_t policy_agency_count(const policy_t *p);
const char *policy_agency_id_at(const policy_t *p, size_t i);
const char *policy_agency_name_at(const policy_t *p, size_t i);
size_t policy_group_count(const policy_t *p);

/* The printable name of a clearance ("NONE", "BPSS", ...). */
const char *policy_clearance_name(clearance_t c);

#endif
