/* policy.c: the loaded policy's lifetime, lookups and views (the loader is load.c). */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/timefmt.h"
#include "policy/policy_impl.h"

#define ARENA_BLOCK	16384

void *
policy_arena_alloc(struct policy *p, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct arena_block *b = p->arena;
	size_t size;
	void *out;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = calloc(1, sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->next = p->arena;
		p->arena = b;
	}
	out = (char *)b->data + b->used;
	b->used += n;
	return out;
}

char *
policy_arena_strdup(struct policy *p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = policy_arena_alloc(p, n);

	if (out != NULL)
		memcpy(out, s, n);
	return out;
}

struct policy *
policy_new(void)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	atomic_init(&p->refs, 1);
	p->min_clearance[0] = CLEARANCE_NONE;
	p->min_clearance[1] = CLEARANCE_BPSS;
	p->min_clearance[2] = CLEARANCE_SC;
	p->ukeo = -1;
	return p;
}

policy_t *
policy_ref(policy_t *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}

void
policy_unref(policy_t *p)
{
	struct arena_block *b, *next;

	if (p == NULL)
		return;
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (b = p->arena; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(p);
}

const policy_user_t *
policy_user_by_key(const policy_t *p, const uint8_t *key)
{
	size_t lo = 0, hi = p->n_users;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(key, p->users_by_key[mid]->key, POLICY_KEY_LEN);

		if (c == 0)
			return p->users_by_key[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const policy_user_t *
policy_user_by_id(const policy_t *p, const char *id)
{
	size_t lo = 0, hi = p->n_users;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, p->users_by_id[mid]->id);

		if (c == 0)
			return p->users_by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
agency_find(const policy_t *p, const char *id, size_t n, uint32_t *out)
{
	size_t lo = 0, hi = p->n_agencies;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *cand = p->agencies_by_id[mid]->id;
		int c = strncmp(id, cand, n);

		if (c == 0 && cand[n] != '\0')
			c = -1;
		if (c == 0) {
			*out = (uint32_t)(p->agencies_by_id[mid] - p->agencies);
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ISA_ERR_NOTFOUND;
}

static int
group_find(const policy_t *p, const char *id, uint32_t *out)
{
	size_t lo = 0, hi = p->n_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, p->groups_by_id[mid]->id);

		if (c == 0) {
			*out = (uint32_t)(p->groups_by_id[mid] - p->groups);
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ISA_ERR_NOTFOUND;
}

void
policy_user_view(const policy_t *p, const policy_user_t *u, int64_t now,
    policy_user_view_t *out)
{
	memset(out, 0, sizeof(*out));
	out->id = u->id;
	out->name = u->name;
	out->agency = p->agencies[u->agency].id;
	out->agency_name = p->agencies[u->agency].name;
	out->clearance = u->clearance;
	out->effective = policy_user_effective(u, now);
	out->clearance_expires = u->expires;
	out->roles = u->roles;
	out->attributes = u->attributes;
	out->n_attributes = u->n_attributes;
	out->key = u->key;
	out->enabled = u->enabled;
}

size_t
policy_user_count(const policy_t *p)
{
	return p->n_users;
}

const policy_user_t *
policy_user_at(const policy_t *p, size_t i)
{
	return i < p->n_users ? &p->users[i] : NULL;
}

size_t
policy_agency_count(const policy_t *p)
{
	return p->n_agencies;
}

const char *
policy_agency_id_at(const policy_t *p, size_t i)
{
	return i < p->n_agencies ? p->agencies[i].id : NULL;
}

const char *
policy_agency_name_at(const policy_t *p, size_t i)
{
	return i < p->n_agencies ? p->agencies[i].name : NULL;
}

size_t
policy_group_count(const policy_t *p)
{
	return p->n_groups;
}

const char *
policy_group_id_at(const policy_t *p, size_t i)
{
	return i < p->n_groups ? p->groups[i].id : NULL;
}

size_t
policy_agency_nth(const policy_t *p, size_t i)
{
	return i < p->n_agencies ? (size_t)(p->agencies_by_id[i] - p->agencies) :
	    p->n_agencies;
}

size_t
policy_group_nth(const policy_t *p, size_t i)
{
	return i < p->n_groups ? (size_t)(p->groups_by_id[i] - p->groups) :
	    p->n_groups;
}

size_t
policy_user_nth(const policy_t *p, size_t i)
{
	return i < p->n_users ? (size_t)(p->users_by_id[i] - p->users) :
	    p->n_users;
}

static const char *const clearance_names[] = {
	[CLEARANCE_NONE] = "NONE",
	[CLEARANCE_BPSS] = "BPSS",
	[CLEARANCE_CTC] = "CTC",
	[CLEARANCE_SC] = "SC",
	[CLEARANCE_DV] = "DV",
};

const char *
policy_clearance_name(clearance_t c)
{
	if ((unsigned)c < sizeof(clearance_names) / sizeof(clearance_names[0]))
		return clearance_names[c];
	return "unknown";
}

int
policy_clearance_parse(const char *name, clearance_t *out)
{
	size_t i;

	for (i = 0; i < sizeof(clearance_names) / sizeof(clearance_names[0]); i++) {
		if (strcmp(name, clearance_names[i]) == 0) {
			*out = (clearance_t)i;
			return 0;
		}
	}
	return ISA_ERR_NOTFOUND;
}

const char *
policy_role_name(unsigned role)
{
	switch (role) {
	case ROLE_ADMIN: return "admin";
	case ROLE_CHAIR: return "chair";
	case ROLE_AUDITOR: return "auditor";
	case ROLE_APPROVER: return "approver";
	}
	return NULL;
}

int
policy_principal_resolve(const policy_t *p, const char *text,
    policy_principal_t *out)
{
	const policy_user_t *u;
	uint32_t idx;
	int rc;

	out->kind = PRINCIPAL_NONE;
	out->index = 0;
	if (strcmp(text, "all") == 0) {
		out->kind = PRINCIPAL_ALL;
		return 0;
	}
	if (strncmp(text, "user:", 5) == 0) {
		if ((u = policy_user_by_id(p, text + 5)) == NULL)
			return text[5] ? ISA_ERR_NOTFOUND : ISA_ERR_PARSE;
		out->kind = PRINCIPAL_USER;
		out->index = u->index;
		return 0;
	}
	if (strncmp(text, "agency:", 7) == 0) {
		if (text[7] == '\0')
			return ISA_ERR_PARSE;
		if ((rc = agency_find(p, text + 7, strlen(text + 7), &idx)) != 0)
			return rc;
		out->kind = PRINCIPAL_AGENCY;
		out->index = idx;
		return 0;
	}
	if (strncmp(text, "group:", 6) == 0) {
		if (text[6] == '\0')
			return ISA_ERR_PARSE;
		if ((rc = group_find(p, text + 6, &idx)) != 0)
			return rc;
		out->kind = PRINCIPAL_GROUP;
		out->index = idx;
		return 0;
	}
	return ISA_ERR_PARSE;
}

/* Copy "prefix" and "id" into buf, truncating; always NUL-terminated. */
static void
join2(char *buf, size_t len, const char *prefix, const char *id)
{
	size_t a, b;

	if (len == 0)
		return;
	a = strlen(prefix);
	if (a > len - 1)
		a = len - 1;
	memcpy(buf, prefix, a);
	b = strlen(id);
	if (b > len - 1 - a)
		b = len - 1 - a;
	memcpy(buf + a, id, b);
	buf[a + b] = '\0';
}

int
policy_principal_format(const policy_t *p, policy_principal_t pr, char *buf,
    size_t len)
{
	switch (pr.kind) {
	case PRINCIPAL_USER:
		if (pr.index >= p->n_users)
			break;
		join2(buf, len, "user:", p->users[pr.index].id);
		return 0;
	case PRINCIPAL_AGENCY:
		if (pr.index >= p->n_agencies)
			break;
		join2(buf, len, "agency:", p->agencies[pr.index].id);
		return 0;
	case PRINCIPAL_GROUP:
		if (pr.index >= p->n_groups)
			break;
		join2(buf, len, "group:", p->groups[pr.index].id);
		return 0;
	case PRINCIPAL_ALL:
		join2(buf, len, "all", "");
		return 0;
	case PRINCIPAL_NONE:
		break;
	}
	join2(buf, len, "none", "");
	return ISA_ERR_INVAL;
}

int
policy_agency_resolve(const policy_t *p, const char *id, uint32_t *out)
{
	return agency_find(p, id, strlen(id), out);
}

uint32_t
policy_user_index(const policy_user_t *u)
{
	return u->index;
}

uint32_t
policy_user_agency(const policy_user_t *u)
{
	return u->agency;
}

size_t
policy_caveat_count(const policy_t *p)
{
	return p->n_caveats;
}

const char *
policy_caveat_name_at(const policy_t *p, size_t i)
{
	return i < p->n_caveats ? p->caveats[i].name : NULL;
}

const char *
policy_caveat_requires_at(const policy_t *p, size_t i)
{
	return i < p->n_caveats ? p->caveats[i].requires : NULL;
}

size_t
policy_caveat_nth(const policy_t *p, size_t i)
{
	return i < p->n_caveats ? p->caveat_order[i] : p->n_caveats;
}

int
policy_caveat_resolve(const policy_t *p, const char *name, uint32_t *out)
{
	size_t i;

	/* At most 64 caveats: a scan beats a sorted index. */
	for (i = 0; i < p->n_caveats; i++) {
		if (strcmp(name, p->caveats[i].name) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	return ISA_ERR_NOTFOUND;
}

const char *
policy_source(const policy_t *p)
{
	return p->name;
}

int64_t
policy_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
policy_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
policy_date_parse(const char *s, int64_t *days)
{
	int64_t ms;

	/* The one parser (common/timefmt): a date that does not exist, or
	 * one before 1970, is no date here. */
	if (timefmt_parse_date(s, &ms) != 0 || ms < 0)
		return ISA_ERR_PARSE;
	*days = ms / 86400000;
	return 0;
}

void
policy_time_format(int64_t t, char *buf, size_t len)
{
	int64_t days, secs, y;
	unsigned m, d;
	char tmp[21];
	size_t n;

	/* Clamp to 1970..9999 so every field has its fixed width. */
	if (t < 0)
		t = 0;
	if (t > INT64_C(253402300799))
		t = INT64_C(253402300799);
	days = t / 86400;
	secs = t % 86400;
	policy_civil_from_days(days, &y, &m, &d);
	/* By hand: no locale, no time zone, no allocation. */
	tmp[0] = (char)('0' + y / 1000);
	tmp[1] = (char)('0' + y / 100 % 10);
	tmp[2] = (char)('0' + y / 10 % 10);
	tmp[3] = (char)('0' + y % 10);
	tmp[4] = '-';
	tmp[5] = (char)('0' + m / 10);
	tmp[6] = (char)('0' + m % 10);
	tmp[7] = '-';
	tmp[8] = (char)('0' + d / 10);
	tmp[9] = (char)('0' + d % 10);
	tmp[10] = 'T';
	tmp[11] = (char)('0' + secs / 36000);
	tmp[12] = (char)('0' + secs / 3600 % 10);
	tmp[13] = ':';
	tmp[14] = (char)('0' + secs % 3600 / 600);
	tmp[15] = (char)('0' + secs % 600 / 60);
	tmp[16] = ':';
	tmp[17] = (char)('0' + secs % 60 / 10);
	tmp[18] = (char)('0' + secs % 10);
	tmp[19] = 'Z';
	tmp[20] = '\0';
	if (len == 0)
		return;
	n = len - 1 < 20 ? len - 1 : 20;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

bool
policy_principal_covers(const policy_t *p, policy_principal_t pr,
    const policy_user_t *u)
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
		return true;
	case PRINCIPAL_NONE:
		break;
	}
	return false;
}
