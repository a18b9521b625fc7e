/* mayknow.c: rule 2's narrowing by the indexes: whether a caller could be on a document's list (the same lookups whatever the answer), the documents they could be on the list of, whether they may see a request. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "daemon/docs/mayknow.h"
#include "daemon/store/docindex.h"
#include "daemon/store/reqindex.h"
#include "policy/marking.h"

#define NAME_MAX_LEN 300	/* a group's principal name */

typedef int (*key_fn)(void *arg, const char *key, size_t klen);

/* kind+id as a key to fn; a name too long for one is on no list. */
static int
one_key(key_fn fn, void *arg, const char *kind, const char *id)
{
	char key[DOCINDEX_KEY_MAX];
	size_t n;

	if (id == NULL || (n = docindex_principal_key(key, kind, id)) == 0)
		return 0;
	return fn(arg, key, n);
}

/*
 * fn with each key of the access index u could be filed under: rule 2 in
 * policy/decide.c (uploader, originator approver, the list directly, by
 * agency, by `all`, by group).  How many, and which, depends only on who
 * is asking.  The one list of them: doc_may_know and the walk both ask
 * here, so they cannot disagree.
 */
static int
caller_keys(const policy_t *p, const policy_user_t *u, key_fn fn, void *arg)
{
	policy_user_view_t v;
	policy_principal_t g = { PRINCIPAL_GROUP, 0 };
	char name[NAME_MAX_LEN];
	size_t ng = policy_group_count(p);
	int rc;

	policy_user_view(p, u, 0, &v);
	if ((rc = one_key(fn, arg, "up:", v.id)) != 0 ||
	    (rc = one_key(fn, arg, "user:", v.id)) != 0 ||
	    (rc = one_key(fn, arg, "agency:", v.agency)) != 0 ||
	    (rc = one_key(fn, arg, "", "all")) != 0)
		return rc;
	if ((v.roles & ROLE_APPROVER) != 0 &&
	    (rc = one_key(fn, arg, "orig:", v.agency)) != 0)
		return rc;
	for (size_t i = 0; i < ng; i++) {
		g.index = (uint32_t)i;
		if (policy_principal_covers(p, g, u) &&
		    policy_principal_format(p, g, name, sizeof(name)) == 0 &&
		    (rc = one_key(fn, arg, "", name)) != 0)
			return rc;
	}
	return 0;
}

typedef struct {
	store_txn_t *t;
	const uint8_t *id;
	bool ok;
} know_t;

/* Every key looked up, whatever the ones before said. */
static int
know_key(void *arg, const char *key, size_t klen)
{
	know_t *k = arg;

	k->ok |= docindex_access_filed(k->t, key, klen, k->id);
	return 0;
}

bool
doc_may_know(store_txn_t *t, const policy_t *p, const policy_user_t *u,
    const uint8_t id[DOCID_LEN])
{
	know_t k = { t, id, false };

	if (u == NULL)
		return false;
	(void)caller_keys(p, u, know_key, &k);
	return k.ok;
}

/* ---- The walk ---- */

/* One of the caller's keys and where its entries have got to. */
typedef struct {
	char key[DOCINDEX_KEY_MAX];
	size_t klen;
	uint8_t id[DOCID_LEN];	/* its next document, when live */
	docindex_entry_t e;
	bool own;	/* "up:" or "orig:": the caller's own, past an embargo */
	bool live;
} head_t;

struct doc_walk {
	store_txn_t *t;
	const policy_t *p;
	clearance_t held;	/* the caller's effective clearance, now */
	int64_t now;
	head_t *heads;
	size_t n, cap;
};

/* h's first document after after (NULL: its first). */
static int
head_next(store_txn_t *t, head_t *h, const uint8_t *after)
{
	int rc = docindex_access_next(t, h->key, h->klen, after, h->id,
	    &h->e);

	h->live = rc == 0;
	return rc == ISA_ERR_NOTFOUND ? 0 : rc;
}

static int
add_head(void *arg, const char *key, size_t klen)
{
	doc_walk_t *w = arg;
	head_t *h;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;

		if ((h = realloc(w->heads, cap * sizeof(*h))) == NULL)
			return ISA_ERR_NOMEM;
		w->heads = h;
		w->cap = cap;
	}
	h = &w->heads[w->n++];
	memcpy(h->key, key, klen);
	h->klen = klen;
	h->live = false;
	h->own = strncmp(key, "up:", 3) == 0 || strncmp(key, "orig:", 5) == 0;
	return 0;
}

/*
 * Whether h's entry already rules w's caller out, as policy_decide would
 * (policy/decide.c rules_doc): gone (rule 5), a classification above the
 * caller's clearance (rule 3), an embargo still running under a key that
 * is not the caller's own uploads or originated documents (those pass the
 * embargo).  A value that says nothing sure (damage) rules nobody out.
 */
static bool
ruled_out(const doc_walk_t *w, const head_t *h)
{
	const docindex_entry_t *e = &h->e;

	if (!e->known)
		return false;
	if (e->state != DOC_ACTIVE)
		return true;
	if (e->classification <= CLASSIFICATION_SECRET && w->held <
	    policy_minimum_clearance(w->p, (classification_t)e->classification))
		return true;
	return !h->own && e->embargo_until != 0 && w->now < e->embargo_until;
}

int
doc_walk_begin(store_txn_t *t, const policy_t *p, const policy_user_t *u,
    int64_t now, const uint8_t *after, doc_walk_t **out)
{
	policy_user_view_t v;
	doc_walk_t *w;
	int rc = 0;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return ISA_ERR_NOMEM;
	w->t = t;
	w->p = p;
	w->now = now;
	w->held = CLEARANCE_NONE;
	if (u != NULL) {
		policy_user_view(p, u, now, &v);
		w->held = v.effective;
	}
	if (u != NULL)
		rc = caller_keys(p, u, add_head, w);
	for (size_t i = 0; rc == 0 && i < w->n; i++)
		rc = head_next(t, &w->heads[i], after);
	if (rc != 0) {
		doc_walk_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int
doc_walk_next(doc_walk_t *w, uint8_t id[DOCID_LEN])
{
	uint8_t cand[DOCID_LEN];
	const head_t *min;
	bool shown;
	int rc;

	for (;;) {
		min = NULL;
		for (size_t i = 0; i < w->n; i++)
			if (w->heads[i].live && (min == NULL ||
			    memcmp(w->heads[i].id, min->id, DOCID_LEN) < 0))
				min = &w->heads[i];
		if (min == NULL)
			return ISA_ERR_NOTFOUND;
		memcpy(cand, min->id, DOCID_LEN);
		/* Every key holding it moves past it: each id once.  A
		 * candidate unless every key holding it rules the caller
		 * out (an embargo does not hold under their own key). */
		shown = false;
		for (size_t i = 0; i < w->n; i++) {
			head_t *h = &w->heads[i];

			if (!h->live || memcmp(h->id, cand, DOCID_LEN) != 0)
				continue;
			shown |= !ruled_out(w, h);
			if ((rc = head_next(w->t, h, cand)) != 0)
				return rc;
		}
		if (shown) {
			memcpy(id, cand, DOCID_LEN);
			return 0;
		}
	}
}

void
doc_walk_free(doc_walk_t *w)
{
	if (w == NULL)
		return;
	free(w->heads);
	free(w);
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
