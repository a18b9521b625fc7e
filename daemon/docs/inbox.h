/* inbox.h: per-user inbox entries (DESIGN §5): written in the writer beside the change they tell of, read back for their reader only. */
#ifndef ISA_DAEMON_INBOX_H
#define ISA_DAEMON_INBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/ctx/job.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "daemon/ctx/env.h"
#include "policy/decide.h"

/* Entry kinds (records.h says what each is, and its name as stored and
 * shown). */
#define INBOX_NEW	RECORDS_INBOX_NEW
#define INBOX_REQUEST	RECORDS_INBOX_REQUEST
#define INBOX_DECIDED	RECORDS_INBOX_DECIDED
#define INBOX_NOTICE	RECORDS_INBOX_NOTICE
#define INBOX_REVIEW	RECORDS_INBOX_REVIEW
#define INBOX_RECALLED	RECORDS_INBOX_RECALLED

/* What an entry is about; strings may be NULL. */
typedef struct {
	records_inbox_kind_t kind;
	const uint8_t *doc;		/* DOCID_LEN bytes, or NULL */
	const uint8_t *request;		/* DOCID_LEN bytes, or NULL */
	const char *actor, *requester, *target, *state;
	int64_t time;			/* Unix seconds */
} inbox_entry_t;

/*
 * In the writer: one entry e for user id, after every entry so far.
 * Returns 0 or ISA_ERR_*.
 */
__attribute__((warn_unused_result))
int inbox_add(store_txn_t *txn, const char *user, const inbox_entry_t *e);

/*
 * In the writer: e for every user of p who may read doc now (rules 1-5)
 * and is covered by pr (NULL: anyone), except skip (NULL for none).
 */
__attribute__((warn_unused_result))
int inbox_to_readers(store_txn_t *txn, const policy_t *p,
    const policy_doc_t *doc, const policy_principal_t *pr,
    const policy_user_t *skip,
    const inbox_entry_t *e, int64_t now);

/* In the writer: e for every enabled user of p holding one of roles
 * (ROLE_* bits), except skip. */
__attribute__((warn_unused_result))
int inbox_to_roles(store_txn_t *txn, const policy_t *p, unsigned roles,
    const policy_user_t *skip, const inbox_entry_t *e);

/* In the writer: e for whoever may decide doc's share requests: its author
 * and the approvers of its originator agency. */
__attribute__((warn_unused_result))
int inbox_to_deciders(store_txn_t *txn, const policy_t *p,
    const policy_doc_t *doc, const inbox_entry_t *e);

/* The handler of InboxQuery (dispatch.h contract). */
void inbox_query(worker_ctx_t *w, job_t *j);

#endif
