/* load.c: policy.conf (libconfig) into an immutable policy; any fault is one "FILE:LINE: fault" line. */
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/conferr.h"
#include "common/err.h"
#include "policy/policy_impl.h"
#include "policy/z85.h"

#define MAX_FILE	(16u << 20)	/* policy.conf larger than this is refused */
#define MAX_ID		64
#define MAX_NAME	256
#define Z85_KEY_LEN	40

/* A group member before expansion. */
struct member {
	principal_kind_t kind;
	uint32_t index;
	unsigned line;
};

/* Per-group state while expanding: members, DFS colour, users reached. */
struct gtmp {
	struct member *m;
	size_t n;
	int state;		/* 0 unvisited, 1 on the DFS stack, 2 expanded */
	size_t stackpos;
};

struct loader {
	struct policy *p;
	const char *name;
	char *err;
	size_t errlen;
};

static const char *const root_settings[] = { "minimum_clearance", "caveats",
    "agencies", "users", "groups", NULL };
static const char *const minclr_settings[] = { "official",
    "official_sensitive", "secret", NULL };
static const char *const caveat_settings[] = { "name", "requires", NULL };
static const char *const agency_settings[] = { "id", "name", NULL };
static const char *const user_settings[] = { "id", "name", "agency",
    "clearance", "clearance_expires", "roles", "attributes", "key",
    "enabled", NULL };
static const char *const group_settings[] = { "id", "members", NULL };

/* Words a caveat may not be called, so the marking line stays unambiguous. */
static const char *const reserved_words[] = { "OFFICIAL",
    "OFFICIAL-SENSITIVE", "SECRET", "TOP", "TOP-SECRET", "PERSONAL",
    "COMMERCIAL", "LOCSEN", "RECIPIENTS", "RECIPIENT", "AGENCY", "USE",
    "ONLY", "FOR", "PUBLIC", "RELEASE", NULL };

/* Write "NAME:LINE: fault" into L->err, with control characters replaced so
 * it stays one line; returns ISA_ERR_CONFIG. */
__attribute__((format(printf, 3, 4)))
static int
fail(struct loader *L, unsigned line, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int k;

	if (L->err == NULL || L->errlen == 0)
		return ISA_ERR_CONFIG;
	if (line > 0)
		k = snprintf(L->err, L->errlen, "%s:%u: ", L->name, line);
	else
		k = snprintf(L->err, L->errlen, "%s: ", L->name);
	n = k < 0 ? 0 : (size_t)k;
	if (n < L->errlen) {
		va_start(ap, fmt);
		vsnprintf(L->err + n, L->errlen - n, fmt, ap);
		va_end(ap);
	}
	for (n = 0; L->err[n] != '\0'; n++) {
		unsigned char c = (unsigned char)L->err[n];

		if (c < 0x20 || c == 0x7f)
			L->err[n] = '?';
	}
	return ISA_ERR_CONFIG;
}

static unsigned
line_of(const config_setting_t *s)
{
	return config_setting_source_line(s);
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Refuse any member of group g not named in allowed (typos must not pass). */
static int
check_known(struct loader *L, const config_setting_t *g,
    const char *const *allowed, const char *what)
{
	int i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *nm = config_setting_name(s);

		if (nm == NULL || !in_list(nm, allowed))
			return fail(L, line_of(s), "unknown setting \"%s\" in %s",
			    nm ? nm : "?", what);
	}
	return 0;
}

/* Member name of group g as a string in *out; NULL when absent and not
 * required. */
static int
get_string(struct loader *L, const config_setting_t *g, const char *name,
    bool required, const char *what, const char **out)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	*out = NULL;
	if (s == NULL) {
		if (required)
			return fail(L, line_of(g), "%s: missing setting \"%s\"",
			    what, name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(L, line_of(s), "%s: \"%s\" must be a string", what,
		    name);
	*out = config_setting_get_string(s);
	return 0;
}

/* Member name of g as a list (or an empty array) in *out; NULL when absent
 * and not required. */
static int
get_list(struct loader *L, const config_setting_t *g, const char *name,
    bool required, const char *what, config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(g, name);

	*out = NULL;
	if (s == NULL) {
		if (required)
			return fail(L, line_of(g), "%s: missing setting \"%s\"",
			    what, name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY &&
	    config_setting_length(s) == 0))
		return fail(L, line_of(s), "%s: \"%s\" must be a list ( ... )",
		    what, name);
	*out = s;
	return 0;
}

/* Member name of g as an array or list of strings in *out, or NULL. */
static int
get_strings(struct loader *L, const config_setting_t *g, const char *name,
    const char *what, config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(g, name);
	int i, n;

	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail(L, line_of(s), "%s: \"%s\" must be a list of strings "
		    "[ ... ]", what, name);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail(L, line_of(e), "%s: \"%s\" must be a list of "
			    "strings", what, name);
	}
	*out = s;
	return 0;
}

/* Ids: 1-64 of [A-Za-z0-9._@-], starting with a letter or digit. */
static bool
valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > MAX_ID)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '@' &&
		    c != '-')))
			return false;
	}
	return true;
}

/* Caveat names: 1-64 of [A-Z0-9-], starting with a letter or digit. */
static bool
valid_token(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > MAX_ID)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || c != '-'))
			return false;
	}
	return true;
}

/* Display names: 1-256 bytes, no control characters. */
static bool
valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > MAX_NAME)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int
cmp_agency(const void *a, const void *b)
{
	const struct policy_agency *x = *(const struct policy_agency *const *)a;
	const struct policy_agency *y = *(const struct policy_agency *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x > y) - (x < y);
}

static int
cmp_user_id(const void *a, const void *b)
{
	const struct policy_user *x = *(const struct policy_user *const *)a;
	const struct policy_user *y = *(const struct policy_user *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x > y) - (x < y);
}

static int
cmp_user_key(const void *a, const void *b)
{
	const struct policy_user *x = *(const struct policy_user *const *)a;
	const struct policy_user *y = *(const struct policy_user *const *)b;
	int c = memcmp(x->key, y->key, POLICY_KEY_LEN);

	return c ? c : (x > y) - (x < y);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct policy_group *x = *(const struct policy_group *const *)a;
	const struct policy_group *y = *(const struct policy_group *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x > y) - (x < y);
}

static int
load_min_clearance(struct loader *L, const config_setting_t *root)
{
	static const char *const what[] = { "OFFICIAL", "OFFICIAL-SENSITIVE",
	    "SECRET" };
	const config_setting_t *g = config_setting_get_member(root,
	    "minimum_clearance");
	struct policy *p = L->p;
	int i, rc;

	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g))
		return fail(L, line_of(g), "minimum_clearance must be a group "
		    "{ ... }");
	if ((rc = check_known(L, g, minclr_settings, "minimum_clearance")) != 0)
		return rc;
	for (i = 0; i < POLICY_N_CLASSES; i++) {
		const char *v;

		if ((rc = get_string(L, g, minclr_settings[i], false,
		    "minimum_clearance", &v)) != 0)
			return rc;
		if (v == NULL)
			continue;
		if (policy_clearance_parse(v, &p->min_clearance[i]) != 0)
			return fail(L, line_of(config_setting_get_member(g,
			    minclr_settings[i])), "minimum_clearance: unknown "
			    "clearance \"%s\" (NONE, BPSS, CTC, SC or DV)", v);
	}
	for (i = 1; i < POLICY_N_CLASSES; i++)
		if (p->min_clearance[i] < p->min_clearance[i - 1])
			return fail(L, line_of(g), "minimum_clearance: %s needs "
			    "less (%s) than %s (%s)", what[i],
			    policy_clearance_name(p->min_clearance[i]), what[i - 1],
			    policy_clearance_name(p->min_clearance[i - 1]));
	return 0;
}

/* Attributes: the same shape as ids. */
static bool
valid_attribute(const char *s)
{
	return valid_id(s) && strchr(s, '@') == NULL;
}

static const char *
name_of(const struct policy *p, size_t i)
{
	return p->caveats[i].name;
}

static int
load_caveats(struct loader *L, const config_setting_t *root)
{
	struct policy *p = L->p;
	config_setting_t *list;
	int i, n, rc;
	size_t j;
	char what[48];

	if ((rc = get_list(L, root, "caveats", false, "policy", &list)) != 0)
		return rc;
	if (list == NULL)
		return 0;
	n = config_setting_length(list);
	if (n > POLICY_MAX_CAVEATS)
		return fail(L, line_of(list), "caveats: more than %d",
		    POLICY_MAX_CAVEATS);
	p->caveats = policy_arena_alloc(p, (size_t)n * sizeof(*p->caveats));
	if (n > 0 && p->caveats == NULL)
		return ISA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *c = config_setting_get_elem(list, (unsigned)i);
		struct policy_caveat *cv = &p->caveats[i];
		const char *name, *req;

		snprintf(what, sizeof(what), "caveats[%d]", i);
		if (!config_setting_is_group(c))
			return fail(L, line_of(c), "%s must be a group { ... }", what);
		if ((rc = check_known(L, c, caveat_settings, what)) != 0 ||
		    (rc = get_string(L, c, "name", true, what, &name)) != 0 ||
		    (rc = get_string(L, c, "requires", true, what, &req)) != 0)
			return rc;
		if (!valid_token(name))
			return fail(L, line_of(c), "%s: malformed caveat name \"%s\" "
			    "(upper case letters, digits and '-')", what, name);
		if (in_list(name, reserved_words))
			return fail(L, line_of(c), "%s: \"%s\" is a marking word, "
			    "not a caveat", what, name);
		if (!valid_attribute(req))
			return fail(L, line_of(c), "caveat \"%s\": malformed "
			    "attribute \"%s\"", name, req);
		for (j = 0; j < (size_t)i; j++)
			if (strcmp(p->caveats[j].name, name) == 0)
				return fail(L, line_of(c), "duplicate caveat \"%s\" "
				    "(first at line %u)", name, p->caveats[j].line);
		cv->name = policy_arena_strdup(p, name);
		cv->requires = policy_arena_strdup(p, req);
		if (cv->name == NULL || cv->requires == NULL)
			return ISA_ERR_NOMEM;
		cv->line = line_of(c);
		if (strcmp(name, "UK-EYES-ONLY") == 0)
			p->ukeo = i;
		p->n_caveats++;
	}
	/* The marking line prints caveats by name: sort once, here. */
	for (j = 0; j < p->n_caveats; j++) {
		size_t k = j;

		while (k > 0 && strcmp(p->caveats[p->caveat_order[k - 1]].name,
		    name_of(p, j)) > 0) {
			p->caveat_order[k] = p->caveat_order[k - 1];
			k--;
		}
		p->caveat_order[k] = (uint8_t)j;
	}
	return 0;
}

static int
load_agencies(struct loader *L, const config_setting_t *root)
{
	struct policy *p = L->p;
	config_setting_t *list;
	int i, n, rc;
	size_t j;
	char what[48];

	if ((rc = get_list(L, root, "agencies", true, "policy", &list)) != 0)
		return rc;
	n = config_setting_length(list);
	p->agencies = policy_arena_alloc(p, (size_t)n * sizeof(*p->agencies));
	p->agencies_by_id = policy_arena_alloc(p, (size_t)n * sizeof(void *));
	if (p->agencies == NULL || p->agencies_by_id == NULL)
		return ISA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *a = config_setting_get_elem(list, (unsigned)i);
		struct policy_agency *ag = &p->agencies[i];
		const char *id, *name;

		snprintf(what, sizeof(what), "agencies[%d]", i);
		if (!config_setting_is_group(a))
			return fail(L, line_of(a), "%s must be a group { ... }", what);
		if ((rc = check_known(L, a, agency_settings, what)) != 0 ||
		    (rc = get_string(L, a, "id", true, what, &id)) != 0)
			return rc;
		if (!valid_id(id))
			return fail(L, line_of(a), "%s: malformed id \"%s\"", what, id);
		snprintf(what, sizeof(what), "agency \"%s\"", id);
		if ((rc = get_string(L, a, "name", true, what, &name)) != 0)
			return rc;
		if (!valid_name(name))
			return fail(L, line_of(a), "%s: name must be 1-%d printable "
			    "characters", what, MAX_NAME);
		ag->id = policy_arena_strdup(p, id);
		ag->name = policy_arena_strdup(p, name);
		if (ag->id == NULL || ag->name == NULL)
			return ISA_ERR_NOMEM;
		ag->line = line_of(a);
		p->agencies_by_id[i] = ag;
		p->n_agencies++;
	}
	qsort(p->agencies_by_id, p->n_agencies, sizeof(void *), cmp_agency);
	for (j = 1; j < p->n_agencies; j++)
		if (strcmp(p->agencies_by_id[j - 1]->id, p->agencies_by_id[j]->id) == 0)
			return fail(L, p->agencies_by_id[j]->line, "duplicate agency "
			    "id \"%s\" (first at line %u)", p->agencies_by_id[j]->id,
			    p->agencies_by_id[j - 1]->line);
	return 0;
}

static int
load_roles(struct loader *L, const config_setting_t *u, const char *what,
    unsigned *roles)
{
	static const unsigned all[] = { ROLE_ADMIN, ROLE_CHAIR, ROLE_AUDITOR,
	    ROLE_APPROVER };
	config_setting_t *list;
	int i, n, rc;
	size_t k;

	*roles = 0;
	if ((rc = get_strings(L, u, "roles", what, &list)) != 0 || list == NULL)
		return rc;
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *r = config_setting_get_string(e);

		for (k = 0; k < sizeof(all) / sizeof(all[0]); k++)
			if (strcmp(r, policy_role_name(all[k])) == 0)
				break;
		if (k == sizeof(all) / sizeof(all[0]))
			return fail(L, line_of(e), "%s: unknown role \"%s\" (admin, "
			    "chair, auditor or approver)", what, r);
		*roles |= all[k];
	}
	return 0;
}

static int
load_attributes(struct loader *L, const config_setting_t *u, const char *what,
    struct policy_user *user)
{
	struct policy *p = L->p;
	config_setting_t *list;
	int i, n, rc;
	size_t k;

	if ((rc = get_strings(L, u, "attributes", what, &list)) != 0 ||
	    list == NULL)
		return rc;
	n = config_setting_length(list);
	user->attributes = policy_arena_alloc(p, (size_t)n * sizeof(char *));
	if (user->attributes == NULL)
		return ISA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *a = config_setting_get_string(e);
		bool needed = false;

		if (!valid_attribute(a))
			return fail(L, line_of(e), "%s: malformed attribute \"%s\"",
			    what, a);
		for (k = 0; k < p->n_caveats; k++) {
			if (strcmp(a, p->caveats[k].requires) == 0) {
				user->caveats |= UINT64_C(1) << k;
				needed = true;
			}
		}
		/* An attribute no caveat needs grants nothing: most likely a typo. */
		if (!needed)
			return fail(L, line_of(e), "%s: attribute \"%s\" is required "
			    "by no caveat", what, a);
		if ((user->attributes[i] = policy_arena_strdup(p, a)) == NULL)
			return ISA_ERR_NOMEM;
		user->n_attributes++;
	}
	return 0;
}

static int
load_user(struct loader *L, const config_setting_t *u, int i,
    struct policy_user *user)
{
	struct policy *p = L->p;
	const config_setting_t *s;
	const char *id, *name, *agency, *clr, *exp, *key;
	char what[96];
	int64_t days;
	int rc;

	snprintf(what, sizeof(what), "users[%d]", i);
	if (!config_setting_is_group(u))
		return fail(L, line_of(u), "%s must be a group { ... }", what);
	if ((rc = check_known(L, u, user_settings, what)) != 0 ||
	    (rc = get_string(L, u, "id", true, what, &id)) != 0)
		return rc;
	if (!valid_id(id))
		return fail(L, line_of(u), "%s: malformed id \"%s\"", what, id);
	snprintf(what, sizeof(what), "user \"%s\"", id);
	if ((rc = get_string(L, u, "name", true, what, &name)) != 0 ||
	    (rc = get_string(L, u, "agency", true, what, &agency)) != 0 ||
	    (rc = get_string(L, u, "clearance", true, what, &clr)) != 0 ||
	    (rc = get_string(L, u, "key", true, what, &key)) != 0 ||
	    (rc = get_string(L, u, "clearance_expires", false, what, &exp)) != 0)
		return rc;
	user->owner = p;
	user->index = (uint32_t)i;
	user->line = line_of(u);
	user->expires_at = INT64_MAX;
	user->enabled = true;
	if (!valid_name(name))
		return fail(L, line_of(config_setting_get_member(u, "name")),
		    "%s: name must be 1-%d printable characters", what, MAX_NAME);
	if (policy_agency_resolve(p, agency, &user->agency) != 0)
		return fail(L, line_of(config_setting_get_member(u, "agency")),
		    "%s: unknown agency \"%s\"", what, agency);
	if (policy_clearance_parse(clr, &user->clearance) != 0)
		return fail(L, line_of(config_setting_get_member(u, "clearance")),
		    "%s: unknown clearance \"%s\" (NONE, BPSS, CTC, SC or DV)",
		    what, clr);
	if (exp != NULL) {
		if (policy_date_parse(exp, &days) != 0)
			return fail(L, line_of(config_setting_get_member(u,
			    "clearance_expires")), "%s: malformed clearance_expires "
			    "\"%s\" (a date YYYY-MM-DD)", what, exp);
		user->expires_at = (days + 1) * 86400;	/* the end of that UTC day */
		if ((user->expires = policy_arena_strdup(p, exp)) == NULL)
			return ISA_ERR_NOMEM;
	}
	if (strlen(key) != Z85_KEY_LEN ||
	    policy_z85_decode(key, Z85_KEY_LEN, user->key, POLICY_KEY_LEN) != 0)
		return fail(L, line_of(config_setting_get_member(u, "key")),
		    "%s: malformed key (a CURVE public key is %d Z85 characters)",
		    what, Z85_KEY_LEN);
	if ((s = config_setting_get_member(u, "enabled")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail(L, line_of(s), "%s: \"enabled\" must be true or "
			    "false", what);
		user->enabled = config_setting_get_bool(s) != 0;
	}
	if ((rc = load_roles(L, u, what, &user->roles)) != 0 ||
	    (rc = load_attributes(L, u, what, user)) != 0)
		return rc;
	user->id = policy_arena_strdup(p, id);
	user->name = policy_arena_strdup(p, name);
	if (user->id == NULL || user->name == NULL)
		return ISA_ERR_NOMEM;
	return 0;
}

static int
load_users(struct loader *L, const config_setting_t *root)
{
	struct policy *p = L->p;
	config_setting_t *list;
	int i, n, rc;
	size_t j;

	if ((rc = get_list(L, root, "users", true, "policy", &list)) != 0)
		return rc;
	n = config_setting_length(list);
	p->users = policy_arena_alloc(p, (size_t)n * sizeof(*p->users));
	p->users_by_id = policy_arena_alloc(p, (size_t)n * sizeof(void *));
	p->users_by_key = policy_arena_alloc(p, (size_t)n * sizeof(void *));
	if (p->users == NULL || p->users_by_id == NULL || p->users_by_key == NULL)
		return ISA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if ((rc = load_user(L, config_setting_get_elem(list, (unsigned)i),
		    i, &p->users[i])) != 0)
			return rc;
		p->users_by_id[i] = p->users_by_key[i] = &p->users[i];
		p->n_users++;
	}
	qsort(p->users_by_id, p->n_users, sizeof(void *), cmp_user_id);
	for (j = 1; j < p->n_users; j++)
		if (strcmp(p->users_by_id[j - 1]->id, p->users_by_id[j]->id) == 0)
			return fail(L, p->users_by_id[j]->line, "duplicate user id "
			    "\"%s\" (first at line %u)", p->users_by_id[j]->id,
			    p->users_by_id[j - 1]->line);
	qsort(p->users_by_key, p->n_users, sizeof(void *), cmp_user_key);
	for (j = 1; j < p->n_users; j++)
		if (memcmp(p->users_by_key[j - 1]->key, p->users_by_key[j]->key,
		    POLICY_KEY_LEN) == 0)
			return fail(L, p->users_by_key[j]->line, "user \"%s\": "
			    "duplicate key: user \"%s\" (line %u) has the same key",
			    p->users_by_key[j]->id, p->users_by_key[j - 1]->id,
			    p->users_by_key[j - 1]->line);
	return 0;
}

/* Resolve one group member ("user:ID", "agency:ID", "group:ID"). */
static int
load_member(struct loader *L, const config_setting_t *e, const char *gid,
    struct member *m)
{
	const char *text = config_setting_get_string(e);
	policy_principal_t pr;
	int rc;

	m->line = line_of(e);
	rc = policy_principal_resolve(L->p, text, &pr);
	if (rc == ISA_ERR_PARSE || pr.kind == PRINCIPAL_ALL)
		return fail(L, m->line, "group \"%s\": member \"%s\" is not "
		    "user:ID, agency:ID or group:ID", gid, text);
	if (rc == ISA_ERR_NOTFOUND) {
		const char *colon = strchr(text, ':');

		return fail(L, m->line, "group \"%s\": unknown %.*s \"%s\"", gid,
		    (int)(colon - text), text, colon + 1);
	}
	m->kind = pr.kind;
	m->index = pr.index;
	return 0;
}

/* Report the cycle closed by an edge from the group on top of the stack to
 * group `to`, which is on the stack at position from. */
static int
fail_cycle(struct loader *L, const uint32_t *stack, size_t sp, size_t from,
    uint32_t to, unsigned line)
{
	char path[512];
	size_t i, n = 0;

	path[0] = '\0';
	for (i = from; i < sp && n < sizeof(path); i++) {
		int k = snprintf(path + n, sizeof(path) - n, "%s -> ",
		    L->p->groups[stack[i]].id);

		n += k > 0 ? (size_t)k : 0;
	}
	if (n < sizeof(path))
		snprintf(path + n, sizeof(path) - n, "%s", L->p->groups[to].id);
	return fail(L, line, "group cycle: %s", path);
}

/*
 * Expand every group to the users it reaches (through users, agencies and
 * nested groups), refusing cycles, and give each user the bitset of groups
 * it belongs to.  Iterative, so deep nesting cannot exhaust the stack.
 */
static int
expand_groups(struct loader *L, struct gtmp *gt)
{
	struct policy *p = L->p;
	size_t uw = (p->n_users + 63) / 64, gw = p->group_words;
	uint64_t *reach = NULL, *bits;
	uint32_t *stack = NULL;
	size_t *next = NULL;
	size_t g, sp, i, u;
	int rc = ISA_ERR_NOMEM;

	if (uw == 0)
		uw = 1;
	if (p->n_groups > SIZE_MAX / 64 / uw)
		goto cleanup;
	reach = calloc(p->n_groups * uw, sizeof(uint64_t));
	stack = calloc(p->n_groups, sizeof(*stack));
	next = calloc(p->n_groups, sizeof(*next));
	if (p->n_groups > 0 && (reach == NULL || stack == NULL || next == NULL))
		goto cleanup;
	for (g = 0; g < p->n_groups; g++) {
		if (gt[g].state != 0)
			continue;
		sp = 0;
		stack[sp++] = (uint32_t)g;
		gt[g].state = 1;
		gt[g].stackpos = 0;
		next[g] = 0;
		while (sp > 0) {
			uint32_t top = stack[sp - 1];

			if (next[top] < gt[top].n) {
				const struct member *m = &gt[top].m[next[top]++];

				if (m->kind != PRINCIPAL_GROUP)
					continue;
				if (gt[m->index].state == 1) {
					rc = fail_cycle(L, stack, sp,
					    gt[m->index].stackpos, m->index, m->line);
					goto cleanup;
				}
				if (gt[m->index].state == 0) {
					gt[m->index].state = 1;
					gt[m->index].stackpos = sp;
					next[m->index] = 0;
					stack[sp++] = m->index;
				}
				continue;
			}
			/* Every nested group is expanded: now this one. */
			bits = &reach[(size_t)top * uw];
			for (i = 0; i < gt[top].n; i++) {
				const struct member *m = &gt[top].m[i];

				switch (m->kind) {
				case PRINCIPAL_USER:
					bits[m->index / 64] |= UINT64_C(1) << (m->index % 64);
					break;
				case PRINCIPAL_AGENCY:
					for (u = 0; u < p->n_users; u++)
						if (p->users[u].agency == m->index)
							bits[u / 64] |= UINT64_C(1) << (u % 64);
					break;
				case PRINCIPAL_GROUP:
					for (u = 0; u < uw; u++)
						bits[u] |= reach[(size_t)m->index * uw + u];
					break;
				default:
					break;
				}
			}
			gt[top].state = 2;
			sp--;
		}
	}
	/* Transpose: each user's bitset of groups. */
	if (p->n_users > SIZE_MAX / 8 / gw)
		goto cleanup;
	bits = policy_arena_alloc(p, p->n_users * gw * sizeof(uint64_t));
	if (bits == NULL)
		goto cleanup;
	for (u = 0; u < p->n_users; u++)
		p->users[u].groups = &bits[u * gw];
	for (g = 0; g < p->n_groups; g++)
		for (u = 0; u < p->n_users; u++)
			if (reach[g * uw + u / 64] >> (u % 64) & 1)
				bits[u * gw + g / 64] |= UINT64_C(1) << (g % 64);
	rc = 0;
cleanup:
	free(reach);
	free(stack);
	free(next);
	return rc;
}

static int
load_groups(struct loader *L, const config_setting_t *root)
{
	struct policy *p = L->p;
	config_setting_t *list, *members;
	struct gtmp *gt = NULL;
	int i, n = 0, rc;
	size_t j, k;
	char what[96];

	if ((rc = get_list(L, root, "groups", false, "policy", &list)) != 0)
		return rc;
	if (list != NULL)
		n = config_setting_length(list);
	p->group_words = ((size_t)n + 63) / 64;
	if (p->group_words == 0)
		p->group_words = 1;
	p->groups = policy_arena_alloc(p, (size_t)n * sizeof(*p->groups));
	p->groups_by_id = policy_arena_alloc(p, (size_t)n * sizeof(void *));
	gt = calloc((size_t)n + 1, sizeof(*gt));
	if (p->groups == NULL || p->groups_by_id == NULL || gt == NULL) {
		rc = ISA_ERR_NOMEM;
		goto cleanup;
	}
	/* First the ids, so members may name groups defined later. */
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		const char *id;

		snprintf(what, sizeof(what), "groups[%d]", i);
		if (!config_setting_is_group(g)) {
			rc = fail(L, line_of(g), "%s must be a group { ... }", what);
			goto cleanup;
		}
		if ((rc = check_known(L, g, group_settings, what)) != 0 ||
		    (rc = get_string(L, g, "id", true, what, &id)) != 0)
			goto cleanup;
		if (!valid_id(id)) {
			rc = fail(L, line_of(g), "%s: malformed id \"%s\"", what, id);
			goto cleanup;
		}
		if ((p->groups[i].id = policy_arena_strdup(p, id)) == NULL) {
			rc = ISA_ERR_NOMEM;
			goto cleanup;
		}
		p->groups[i].line = line_of(g);
		p->groups_by_id[i] = &p->groups[i];
		p->n_groups++;
	}
	qsort(p->groups_by_id, p->n_groups, sizeof(void *), cmp_group);
	for (j = 1; j < p->n_groups; j++) {
		if (strcmp(p->groups_by_id[j - 1]->id, p->groups_by_id[j]->id) == 0) {
			rc = fail(L, p->groups_by_id[j]->line, "duplicate group id "
			    "\"%s\" (first at line %u)", p->groups_by_id[j]->id,
			    p->groups_by_id[j - 1]->line);
			goto cleanup;
		}
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		const char *gid = p->groups[i].id;

		snprintf(what, sizeof(what), "group \"%s\"", gid);
		if ((rc = get_strings(L, g, "members", what, &members)) != 0)
			goto cleanup;
		if (members == NULL) {
			rc = fail(L, line_of(g), "%s: missing setting \"members\"",
			    what);
			goto cleanup;
		}
		gt[i].n = (size_t)config_setting_length(members);
		gt[i].m = calloc(gt[i].n + 1, sizeof(struct member));
		if (gt[i].m == NULL) {
			rc = ISA_ERR_NOMEM;
			goto cleanup;
		}
		for (k = 0; k < gt[i].n; k++)
			if ((rc = load_member(L, config_setting_get_elem(members,
			    (unsigned)k), gid, &gt[i].m[k])) != 0)
				goto cleanup;
	}
	rc = expand_groups(L, gt);
cleanup:
	if (gt != NULL)
		for (i = 0; i < n; i++)
			free(gt[i].m);
	free(gt);
	return rc;
}

/* libconfig would open any file an @include names: policy/ reads one file. */
static int
refuse_include(struct loader *L, const char *text)
{
	unsigned line = 1;
	const char *s = text;

	while (*s != '\0') {
		const char *t = s;

		while (*t == ' ' || *t == '\t')
			t++;
		if (strncmp(t, "@include", 8) == 0)
			return fail(L, line, "@include is not allowed in a policy");
		while (*s != '\0' && *s != '\n')
			s++;
		if (*s == '\n') {
			s++;
			line++;
		}
	}
	return 0;
}

int
policy_load_string(const char *text, const char *name, policy_t **out,
    char *err, size_t errlen)
{
	struct loader L = { NULL, name ? name : "policy", err, errlen };
	config_t cfg;
	const config_setting_t *root;
	int rc;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	config_init(&cfg);
	if ((rc = refuse_include(&L, text)) != 0)
		goto cleanup;
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		conferr_format(L.err, L.errlen, L.name,
		    config_error_line(&cfg), config_error_text(&cfg));
		rc = ISA_ERR_CONFIG;
		goto cleanup;
	}
	if ((L.p = policy_new()) == NULL ||
	    (L.p->name = policy_arena_strdup(L.p, L.name)) == NULL) {
		rc = ISA_ERR_NOMEM;
		goto cleanup;
	}
	root = config_root_setting(&cfg);
	if ((rc = check_known(&L, root, root_settings, "policy")) != 0 ||
	    (rc = load_min_clearance(&L, root)) != 0 ||
	    (rc = load_caveats(&L, root)) != 0 ||
	    (rc = load_agencies(&L, root)) != 0 ||
	    (rc = load_users(&L, root)) != 0 ||
	    (rc = load_groups(&L, root)) != 0)
		goto cleanup;
	*out = L.p;
	L.p = NULL;
cleanup:
	if (rc == ISA_ERR_NOMEM)
		fail(&L, 0, "out of memory");
	else if (rc != 0)
		rc = ISA_ERR_CONFIG;
	policy_unref(L.p);
	config_destroy(&cfg);
	return rc;
}

int
policy_load(const char *path, policy_t **out, char *err, size_t errlen)
{
	struct loader L = { NULL, path, err, errlen };
	struct stat st;
	char *text = NULL, msg[128];
	size_t got = 0;
	ssize_t n;
	int fd, rc, saved;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		saved = errno;
		strerror_r(saved, msg, sizeof(msg));
		fail(&L, 0, "cannot open: %s", msg);
		return saved == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = fail(&L, 0, "not a regular file");
		rc = ISA_ERR_IO;
		goto cleanup;
	}
	if ((uintmax_t)st.st_size > MAX_FILE) {
		rc = fail(&L, 0, "larger than %u bytes", MAX_FILE);
		goto cleanup;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = fail(&L, 0, "out of memory");
		rc = ISA_ERR_NOMEM;
		goto cleanup;
	}
	/* Read what fstat promised, and no more: the file may be growing. */
	while (got < (size_t)st.st_size) {
		n = read(fd, text + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strerror_r(errno, msg, sizeof(msg));
			fail(&L, 0, "read: %s", msg);
			rc = ISA_ERR_IO;
			goto cleanup;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	text[got] = '\0';
	if (memchr(text, '\0', got) != NULL) {
		rc = fail(&L, 0, "contains a NUL byte: not a text file");
		goto cleanup;
	}
	rc = policy_load_string(text, path, out, err, errlen);
cleanup:
	free(text);
	close(fd);
	return rc;
}
