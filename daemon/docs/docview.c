/* docview.c: a stored document as the decision sees it, its marking and its metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/keys/crypto.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/docs/bounds.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/mayknow.h"
#include "daemon/keys/keys.h"
#include "policy/marking.h"
#include "proto/docid.h"

Isa__Status
doc_status(policy_outcome_t o)
{
	switch (o) {
	case POLICY_PERMIT: return ISA__STATUS__OK;
	case POLICY_DENY: return ISA__STATUS__DENIED;
	case POLICY_NOT_FOUND: return ISA__STATUS__NOT_FOUND;
	case POLICY_GONE: return ISA__STATUS__GONE;
	case POLICY_BAD_REQUEST: return ISA__STATUS__BAD_REQUEST;
	case POLICY_CONFLICT: return ISA__STATUS__CONFLICT;
	case POLICY_UNAUTHENTICATED: return ISA__STATUS__UNAUTHENTICATED;
	}
	return ISA__STATUS__INTERNAL;
}

/* Resolve a stored record against j's policy.  Names a reload removed
 * resolve to nobody; a caveat it removed makes the document unreadable. */
static int
doc_resolve(job_t *j, doc_t *d)
{
	const Isad__StoredDoc *r = d->rec;
	marking_spec_t spec = { 0 };
	policy_doc_t *v = &d->view;
	policy_principal_t *acc;
	uint32_t agency;
	char err[256];

	memset(v, 0, sizeof(*v));
	v->id = d->idtext;
	spec.classification = r->classification;
	spec.descriptors = (const char *const *)r->descriptors;
	spec.n_descriptors = r->n_descriptors;
	spec.onward = r->onward;
	spec.handling = r->has_handling ? "-" : NULL;
	/* Stored markings were valid when stored: check them against the
	 * highest ceiling, so a lowered accreditation hides nothing. */
	if (policy_marking_parse(j->policy, &spec, CLASSIFICATION_SECRET,
	    &v->marking, err, sizeof(err)) != 0) {
		log_warnx("document %s: stored marking unreadable: %s",
		    d->idtext, err);
		return ISA_ERR_PARSE;
	}
	if (policy_caveats_resolve(j->policy,
	    (const char *const *)r->caveats, r->n_caveats,
	    &v->marking.caveats) != 0)
		v->caveats_unknown = true;
	v->marking.embargo = r->embargo_until != 0;
	v->marking.embargo_until = r->embargo_until;
	v->originator = policy_agency_resolve(j->policy, r->originator,
	    &agency) == 0 ? (int32_t)agency : -1;
	v->author = r->author[0] != '\0' ?
	    policy_user_by_id(j->policy, r->author) : NULL;
	v->ingested_by = policy_user_by_id(j->policy, r->ingested_by);
	acc = job_alloc(j, sizeof(*acc) * (r->n_access + 1));
	for (size_t i = 0; i < r->n_access; i++)
		if (policy_principal_resolve(j->policy, r->access[i],
		    &acc[v->n_access]) == 0)
			v->n_access++;
	v->access = acc;
	v->state = records_doc_state(r);
	/* Past its destroy-after date it is destroyed, swept or not yet (a
	 * backlog at start goes on in the writer's ticks: sweeper.h). */
	if (v->state != DOC_DESTROYED &&
	    (dateindex_due(r, j->now) & DATEINDEX_DESTROY) != 0)
		v->state = DOC_DESTROYED;
	return 0;
}

/* d->rec as decoded (rc: the decoder's result) with its view; else
 * ISA_ERR_PARSE, logged, and d released. */
static int
doc_from_rec(job_t *j, int rc, doc_t *d)
{
	if (rc != 0 || d->rec->id.len != DOCID_LEN)
		goto bad;
	docid_format(d->rec->id.data, d->idtext);
	if (doc_resolve(j, d) != 0)
		goto bad;
	return 0;
bad:
	log_warnx("a stored document record is damaged and was skipped");
	doc_release(d);
	return ISA_ERR_PARSE;
}

int
doc_from_bytes(job_t *j, const void *val, size_t len, doc_t *d)
{
	memset(d, 0, sizeof(*d));
	return doc_from_rec(j, records_doc_decode(val, len, &d->rec), d);
}

int
doc_load(job_t *j, store_txn_t *txn, const uint8_t id[DOCID_LEN], doc_t *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	rc = records_doc_get(txn, id, &d->rec);
	if (rc != 0 && rc != ISA_ERR_PARSE)
		return rc;
	return doc_from_rec(j, rc, d);
}

/* The dummy view for id: a missing id, or one the subject cannot know. */
static void
doc_dummy(doc_t *d, const uint8_t id[DOCID_LEN])
{
	memset(d, 0, sizeof(*d));
	docid_format(id, d->idtext);
	policy_doc_dummy(&d->view, d->idtext);
}

int
doc_open(job_t *j, store_txn_t *txn, const char *idtext, doc_t *d)
{
	uint8_t id[DOCID_LEN];

	memset(d, 0, sizeof(*d));
	if (docid_parse(idtext, id) != 0)
		return ISA_ERR_PARSE;
	/* Rule 2, timing included: one the index does not place anywhere
	 * near the document's list is answered from the dummy, as for an id
	 * that does not exist, without the record being read: the same
	 * lookups either way.  Only its marking is fetched, for the audit
	 * record, one lookup whether there is one or not. */
	if (!doc_may_know(txn, j->policy, j->subject, id)) {
		const char *line;
		size_t len;

		doc_dummy(d, id);
		d->marking = docindex_marking(txn, id, d->sha256, &line, &len) ?
		    job_strndup(j, line, len) : NULL;
		return 0;
	}
	return doc_open_any(j, txn, idtext, d);
}

int
doc_open_any(job_t *j, store_txn_t *txn, const char *idtext, doc_t *d)
{
	uint8_t id[DOCID_LEN];
	int rc;

	memset(d, 0, sizeof(*d));
	if (docid_parse(idtext, id) != 0)
		return ISA_ERR_PARSE;
	rc = doc_load(j, txn, id, d);
	if (rc == ISA_ERR_NOTFOUND || rc == ISA_ERR_PARSE) {
		/* Nothing there, or damaged (doc_from_bytes said so in the
		 * log): answer as for nothing there. */
		doc_dummy(d, id);
		return 0;
	}
	return rc;
}

void
doc_release(doc_t *d)
{
	records_doc_free(d->rec);
	d->rec = NULL;
}

bool
doc_decide(job_t *j, policy_action_t action, const doc_t *d,
    const policy_args_t *args, policy_decision_t *dec)
{
	char msg[1024];

	policy_outcome_t o = policy_decide(j->policy, j->subject, action,
	    &d->view, args, j->now, dec);

	j->audit.reason = policy_reason_name(dec->reason);
	if (o == POLICY_PERMIT)
		return true;
	(void)policy_decision_explain(j->policy, dec, msg, sizeof(msg));
	job_error(j, doc_status(dec->outcome), "%s", msg);
	return false;
}

const char *
doc_marking_line(job_t *j, const doc_t *d)
{
	char line[POLICY_MARKING_LINE_MAX];

	if (policy_marking_line(j->policy, &d->view.marking, line,
	    sizeof(line)) != 0 || d->view.caveats_unknown) {
		/* A caveat a reload removed: show the stored words. */
		snprintf(line, sizeof(line), "%s (caveats no longer defined)",
		    d->rec->classification);
	}
	return job_strdup(j, line);
}

bool
doc_seal_text(job_t *j, crypto_dek_t *dek, const uint8_t *doc,
    uint64_t field, const char *text, ProtobufCBinaryData *out)
{
	size_t n = strlen(text);
	int rc;

	out->len = n + CRYPTO_TAG_LEN;
	out->data = job_alloc(j, out->len);
	/* AES-GCM with a valid key fails only for want of (secure) memory,
	 * which many open transfers can use up: a refusal, never an abort. */
	if ((rc = crypto_field_seal(dek, doc, field, (const uint8_t *)text, n,
	    out->data)) != 0) {
		docs_secmem_refused(j, rc, "seal a field");
		return false;
	}
	return true;
}

char *
doc_open_text(job_t *j, crypto_dek_t *dek, const uint8_t *doc,
    uint64_t field, const ProtobufCBinaryData *sealed)
{
	char *out;
	int rc;

	/* Every field is sealed, an empty one too (16 bytes): anything
	 * shorter was altered. */
	if (sealed->len < CRYPTO_TAG_LEN)
		return NULL;

	out = job_alloc(j, sealed->len - CRYPTO_TAG_LEN + 1);
	if ((rc = crypto_field_open(dek, doc, field, sealed->data, sealed->len,
	    (uint8_t *)out)) != 0) {
		if (rc == ISA_ERR_NOMEM) {	/* not damage: a busy moment */
			docs_secmem_refused(j, rc, "open a field");
		}
		return NULL;
	}
	return out;
}

static char *
field_open(job_t *j, crypto_dek_t *dek, const doc_t *d, uint64_t field,
    const ProtobufCBinaryData *sealed)
{
	return doc_open_text(j, dek, d->rec->id.data, field, sealed);
}

static char *
time_text(job_t *j, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];

	if (t == 0)
		return job_strdup(j, "");
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return job_strdup(j, buf);
}

crypto_dek_t *
doc_dek(job_t *j, const worker_env_t *env, const doc_t *d)
{
	crypto_dek_t *dek = NULL;
	int rc = ISA_ERR_CRYPTO;

	if (d->rec->wrapped_dek.len == CRYPTO_WRAPPED_LEN)
		rc = keys_unwrap_dek(env->keys, d->rec->kek_id.len ==
		    CRYPTO_KEK_ID_LEN ? d->rec->kek_id.data : NULL,
		    d->rec->wrapped_dek.data, &dek);
	if (rc == ISA_ERR_BUSY) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad has just changed its "
		    "master key: try again");
		return NULL;
	}
	if (rc == ISA_ERR_NOMEM) {
		docs_secmem_refused(j, rc, "unwrap a data key");
		return NULL;
	}
	if (rc != 0) {
		log_warnx("document %s: its data key does not unwrap under the "
		    "master key", d->idtext);
		job_error(j, ISA__STATUS__INTERNAL, "document %s cannot be "
		    "decrypted: tell the operator", d->idtext);
		return NULL;
	}
	return dek;
}

Isa__DocMeta *
doc_meta(job_t *j, const worker_env_t *env, const doc_t *d,
    crypto_dek_t **dekp)
{
	const Isad__StoredDoc *r = d->rec;
	Isa__DocMeta *m = job_alloc(j, sizeof(*m));
	crypto_dek_t *dek = NULL;

	if (dekp != NULL)
		*dekp = NULL;
	isa__doc_meta__init(m);
	if ((dek = doc_dek(j, env, d)) == NULL)
		return NULL;
	m->id = job_strdup(j, d->idtext);
	m->title = field_open(j, dek, d, DOC_FIELD_TITLE, &r->title_sealed);
	m->handling = field_open(j, dek, d, DOC_FIELD_HANDLING,
	    &r->handling_sealed);
	m->filename = field_open(j, dek, d, DOC_FIELD_FILENAME,
	    &r->filename_sealed);
	if (dekp != NULL && m->title != NULL && m->handling != NULL &&
	    m->filename != NULL)
		*dekp = dek;
	else
		crypto_dek_free(dek);
	if (m->title == NULL || m->handling == NULL || m->filename == NULL) {
		if (job_failed(j))	/* UNAVAILABLE: out of secure memory */
			return NULL;
		log_warnx("document %s: a sealed field failed its integrity "
		    "check", d->idtext);
		job_error(j, ISA__STATUS__INTERNAL, "document %s is damaged: "
		    "tell the operator", d->idtext);
		return NULL;
	}
	m->classification = job_strdup(j, r->classification);
	/* Everything is copied into j: the record is freed before the reply
	 * is encoded. */
	m->descriptors = job_strv(j, r->descriptors, r->n_descriptors);
	m->n_descriptors = r->n_descriptors;
	m->caveats = job_strv(j, r->caveats, r->n_caveats);
	m->n_caveats = r->n_caveats;
	m->onward = job_strdup(j, r->onward[0] ? r->onward : "approval");
	m->originator = job_strdup(j, r->originator);
	m->author = job_strdup(j, r->author);
	m->ingested_by = job_strdup(j, r->ingested_by);
	m->created = time_text(j, r->created);
	m->review_by = job_strdup(j, r->review_by);
	m->destroy_after = job_strdup(j, r->destroy_after);
	m->embargo_until = time_text(j, r->embargo_until);
	m->to = job_strv(j, r->access, r->n_access);
	m->n_to = r->n_access;
	m->size = r->size;
	m->sha256.len = r->sha256.len;
	m->sha256.data = job_alloc(j, r->sha256.len + 1);
	memcpy(m->sha256.data, r->sha256.data, r->sha256.len);
	m->state = job_strdup(j, records_doc_state_name(d->view.state));
	m->marking = (char *)doc_marking_line(j, d);
	return m;
}

/* The id of the document raw names (16 bytes), if the subject may know it
 * exists (rule 2); else "". */
static char *
known_id(job_t *j, store_txn_t *t, const ProtobufCBinaryData *raw)
{
	char idtext[DOCID_TEXT_LEN + 1];
	char *out = job_strdup(j, "");
	doc_t d;

	if (raw->len != DOCID_LEN)
		return out;
	docid_format(raw->data, idtext);
	if (doc_open(j, t, idtext, &d) != 0)
		return out;
	if (d.rec != NULL && policy_doc_visible(j->policy, j->subject,
	    &d.view, j->now))
		out = job_strdup(j, d.idtext);
	doc_release(&d);
	return out;
}

void
doc_meta_lineage(job_t *j, store_txn_t *t, const doc_t *d, Isa__DocMeta *m)
{
	m->derived_from = known_id(j, t, &d->rec->parent);
	m->supersedes = known_id(j, t, &d->rec->supersedes);
}

store_txn_t *
doc_read_begin(worker_ctx_t *w, job_t *j)
{
	store_txn_t *t = NULL;
	int rc = store_txn_begin(w->env->store, false, &t);

	if (rc != 0) {
		log_warnx("cannot read the store: %s", isa_strerror(rc));
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return NULL;
	}
	return t;
}
