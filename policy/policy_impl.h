/* policy_impl.h: the loaded policy's layout, shared by the files of policy/ only (never included outside it). */
#ifndef ISA_POLICY_POLICY_IMPL_H
#define ISA_POLICY_POLICY_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#define POLICY_MAX_CAVEATS	64	/* caveats are bits of a uint64_t */
#define POLICY_N_CLASSES	3	/* OFFICIAL, OFFICIAL-SENSITIVE, SECRET */

/* One block of the policy's arena: everything a policy owns lives in these,
 * so one walk frees it all. */
struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct policy_caveat {
	const char *name;	/* "PERSONAL-DATA" */
	const char *requires;	/* the user attribute it needs */
	unsigned line;
};

struct policy_agency {
	const char *id;
	const char *name;
	unsigned line;
};

struct policy_user {
	const struct policy *owner;	/* the policy this user belongs to */
	uint32_t index;			/* position in policy.users */
	uint32_t agency;		/* index into policy.agencies */
	const char *id;
	const char *name;
	clearance_t clearance;
	int64_t expires_at;		/* first second it no longer holds; INT64_MAX: never */
	const char *expires;		/* "YYYY-MM-DD" or NULL */
	unsigned roles;			/* ROLE_* */
	uint64_t caveats;		/* bit i: holds the attribute caveat i needs */
	const char **attributes;
	size_t n_attributes;
	const uint64_t *groups;		/* bit g: member of group g, transitively */
	uint8_t key[POLICY_KEY_LEN];
	bool enabled;
	unsigned line;
};

struct policy_group {
	const char *id;
	unsigned line;
};

struct policy {
	atomic_uint refs;
	struct arena_block *arena;
	const char *name;			/* the file name, for messages */
	clearance_t min_clearance[POLICY_N_CLASSES];
	int ukeo;				/* index of caveat UK-EYES-ONLY, or -1 */

	struct policy_caveat *caveats;
	size_t n_caveats;
	uint8_t caveat_order[POLICY_MAX_CAVEATS];	/* caveat indices by name */
	struct policy_agency *agencies;
	struct policy_agency **agencies_by_id;
	size_t n_agencies;
	struct policy_user *users;
	struct policy_user **users_by_id;
	struct policy_user **users_by_key;
	size_t n_users;
	struct policy_group *groups;
	struct policy_group **groups_by_id;
	size_t n_groups;
	size_t group_words;			/* uint64_t words in each users[].groups */
};

/* Allocate n zeroed bytes owned by p (freed with it); NULL when out of
 * memory or n is absurd. */
void *policy_arena_alloc(struct policy *p, size_t n);

/* Copy s into p's arena; NULL when out of memory. */
char *policy_arena_strdup(struct policy *p, const char *s);

/* A new policy with one reference and an empty arena, or NULL. */
struct policy *policy_new(void);

/* The effective clearance of u at time now (Unix seconds). */
static inline clearance_t
policy_user_effective(const struct policy_user *u, int64_t now)
{
	return now >= u->expires_at ? CLEARANCE_NONE : u->clearance;
}

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (valid
 * ranges assumed). */
int64_t policy_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date of day z since 1970-01-01. */
void policy_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Parse exactly "YYYY-MM-DD" (a real date, year 1970-9999) into days since
 * 1970-01-01; returns 0 or ISA_ERR_PARSE. */
int policy_date_parse(const char *s, int64_t *days);

/* Write t (Unix seconds) as RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" into buf
 * (at least 21 bytes). */
void policy_time_format(int64_t t, char *buf, size_t len);

#endif
