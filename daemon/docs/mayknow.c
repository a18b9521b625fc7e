/* mayknow.c: rule 2's narrowing by the indexes: whether a caller could be on a document's list, or may see a request, asked in the same lookups whatever the answer. */
#include <stdbool.h>
#include <stdint.h>

#include "daemon/docs/mayknow.h"
#include "daemon/store/docindex.h"
#include "daemon/store/reqindex.h"

#define NAME_MAX_LEN 300	/* a group's principal name */

bool
doc_may_know(store_txn_t *t, const policy_t *p, const policy_user_t *u,
    const uint8_t id[DOCID_LEN])
{
	policy_user_view_t v;
	policy_principal_t g = { PRINCIPAL_GROUP, 0 };
	char name[NAME_MAX_LEN];
	size_t ng = policy_group_count(p);
	bool ok;

	if (u == NULL)
		return false;
	/* The caller's keys, every one looked up: how many depends only on
	 * who is asking (rule 2 in policy/decide.c: uploader, originator
	 * approver, the list directly, by agency, by group, by `all`). */
	policy_user_view(p, u, 0, &v);
	ok = docindex_access_has(t, "up:", v.id, id);
	ok |= docindex_access_has(t, "user:", v.id, id);
	ok |= docindex_access_has(t, "agency:", v.agency, id);
	ok |= docindex_access_has(t, "", "all", id);
	if ((v.roles & ROLE_APPROVER) != 0)
		ok |= docindex_access_has(t, "orig:", v.agency, id);
	for (size_t i = 0; i < ng; i++) {
		g.index = (uint32_t)i;
		if (policy_principal_covers(p, g, u) &&
		    policy_principal_format(p, g, name, sizeof(name)) == 0)
			ok |= docindex_access_has(t, "", name, id);
	}
	return ok;
}

bool
doc_may_see_request(store_txn_t *t, const policy_t *p,
    const policy_user_t *u, const uint8_t id[DOCID_LEN])
{
	policy_user_view_t v;
	bool ok;

	if (u == NULL)
		return false;
	policy_user_view(p, u, 0, &v);
	ok = reqindex_seen_by(t, "user:", v.id, id);
	if ((v.roles & ROLE_APPROVER) != 0)
		ok |= reqindex_seen_by(t, "orig:", v.agency, id);
	/* §5: the administrator sees every request. */
	return ok || (v.roles & ROLE_ADMIN) != 0;
}
