/* docview.h: one document as a request sees it: read, decided, described, its sealed fields opened (shared by the document handlers). */
#ifndef ISA_DAEMON_DOCVIEW_H
#define ISA_DAEMON_DOCVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"
#include "daemon/keys/crypto.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "policy/decide.h"
#include "proto/docid.h"
#include "proto/isa.pb-c.h"

/*
 * Field numbers of the sealed fields (nonce 0xFFFFFFFF || number), all
 * under the document's data key: its own fields 1-4, and the reasons of
 * its share requests at 2^63 | the request id's first 8 bytes (even: the
 * requester's; odd: a refusal's), unique per document but for a 2^-62
 * chance per pair.
 */
enum { DOC_FIELD_TITLE = 1, DOC_FIELD_HANDLING = 2, DOC_FIELD_FILENAME = 3,
    DOC_FIELD_RECALL = 4 };
#define DOC_FIELD_REQUEST(id, refusal) \
	((1ULL << 63) | (((uint64_t)(id)[0] << 56 | (uint64_t)(id)[1] << 48 | \
	(uint64_t)(id)[2] << 40 | (uint64_t)(id)[3] << 32 | \
	(uint64_t)(id)[4] << 24 | (uint64_t)(id)[5] << 16 | \
	(uint64_t)(id)[6] << 8 | (uint64_t)(id)[7]) & ~1ULL) | ((refusal) ? 1 : 0))

/* Seal text as field of document doc under dek into out (allocated in j).
 * False, with j's reply set (UNAVAILABLE) and a log line, when secure
 * memory is exhausted. */
__attribute__((warn_unused_result))
bool doc_seal_text(job_t *j, crypto_dek_t *dek, const uint8_t *doc,
    uint64_t field, const char *text, ProtobufCBinaryData *out);

/* Open a sealed field into a string in j; NULL when it fails its check. */
char *doc_open_text(job_t *j, crypto_dek_t *dek, const uint8_t *doc,
    uint64_t field, const ProtobufCBinaryData *sealed);

/* Open a read transaction, or answer UNAVAILABLE and return NULL. */
store_txn_t *doc_read_begin(worker_ctx_t *w, job_t *j);

/* A stored document, decoded, with its view for the decision. */
typedef struct {
	Isad__StoredDoc *rec;		/* NULL: no such document (dummy view) */
	policy_doc_t view;
	char idtext[DOCID_TEXT_LEN + 1];
	const char *marking;		/* the dummy of a document the subject
					 * cannot know: its marking line (in
					 * the job), for the audit record, */
	uint8_t sha256[32];		/* and its content's SHA-256 */
} doc_t;

/*
 * Read document idtext (as the client named it) in txn and make its view
 * against j's policy; an id that does not exist gets the dummy view, so the
 * decision takes the same path, and so does one whose access index
 * (docindex.h) says j's subject cannot pass rule 2 for it: its record is
 * not read (d->marking then holds its marking line).  Returns 0; ISA_ERR_PARSE when idtext is
 * not an id at all (the caller answers BAD_REQUEST); ISA_ERR_* for a store
 * fault.  Free with doc_release.
 */
__attribute__((warn_unused_result))
int doc_open(job_t *j, store_txn_t *txn, const char *idtext, doc_t *d);

/* As doc_open, reading the record whoever asks (the dummy only for a
 * missing or damaged one): for those who see a document without rule 2
 * (a request's deciders, the oversight notice). */
__attribute__((warn_unused_result))
int doc_open_any(job_t *j, store_txn_t *txn, const char *idtext, doc_t *d);

/* As doc_open from raw bytes of a StoredDoc (from iteration).  Returns 0 or
 * ISA_ERR_PARSE. */
__attribute__((warn_unused_result))
int doc_from_bytes(job_t *j, const void *val, size_t len, doc_t *d);

/* Read document id (raw) in txn, as doc_from_bytes.  Returns 0,
 * ISA_ERR_NOTFOUND, ISA_ERR_PARSE or a store error. */
__attribute__((warn_unused_result))
int doc_load(job_t *j, store_txn_t *txn, const uint8_t id[DOCID_LEN],
    doc_t *d);

void doc_release(doc_t *d);

/* Decide action on d; on anything but PERMIT set j's error reply from the
 * decision's sentence and return false. */
bool doc_decide(job_t *j, policy_action_t action, const doc_t *d,
    const policy_args_t *args, policy_decision_t *dec);

/* The status a decision maps to. */
Isa__Status doc_status(policy_outcome_t o);

/* Fill a DocMeta (allocated in j) for d, decrypting its sealed fields with
 * the master key in env.  When dek is not NULL, the document's data key is
 * handed on in *dek (the caller frees it) rather than freed.  Returns NULL
 * and sets j's error reply on a failure (a damaged record, or a master key
 * that does not fit); *dek is then NULL. */
Isa__DocMeta *doc_meta(job_t *j, const worker_env_t *env, const doc_t *d,
    crypto_dek_t **dek);

/* d's data key, unwrapped (free with crypto_dek_free); NULL with j's reply
 * set (INTERNAL) and a log line when it does not unwrap. */
crypto_dek_t *doc_dek(job_t *j, const worker_env_t *env, const doc_t *d);

/* Fill m's derived_from and supersedes from d, read in t: each names the
 * older document only to one who may know it exists (rule 8). */
void doc_meta_lineage(job_t *j, store_txn_t *t, const doc_t *d,
    Isa__DocMeta *m);

/* The canonical marking line of d under j's policy, in j. */
const char *doc_marking_line(job_t *j, const doc_t *d);

#endif
