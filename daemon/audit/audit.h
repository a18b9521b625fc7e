/* audit.h: the audit log: one record per request or event, an RFC 6962 tree, signed checkpoints. */
#ifndef ISA_DAEMON_AUDIT_H
#define ISA_DAEMON_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/keys/keys.h"
#include "daemon/store/store.h"
#include "proto/isa.pb-c.h"

/*
 * What one record says; every string may be NULL or "" (left out).  Never
 * content, titles or secrets (DESIGN §7).
 */
typedef struct {
	const char *actor, *agency, *key;
	const char *action;
	const char *doc, *marking, *target;
	const char *decision, *reason;
	uint64_t request;
	const uint8_t *sha256;		/* 32 bytes, or NULL */
	const uint8_t *config_sha256;	/* 32 bytes, or NULL */
	uint64_t count;			/* refused handshakes it stands for */
	uint64_t keys;			/* distinct keys among them */
} audit_entry_t;

/*
 * Append e to the log inside txn (the writer's), with the time now_ms (or
 * the last record's, when now_ms is before it: times never go back along
 * the log), and extend the tree's compact range, so that it commits with the change it
 * records or not at all.  *seq (may be NULL) gets its sequence number.
 * Returns 0 or ISA_ERR_* (the caller's transaction must then abort).
 */
__attribute__((warn_unused_result))
int audit_append(store_txn_t *txn, const audit_entry_t *e, int64_t now_ms,
    uint64_t *seq);

/* The fields of e into rec (an initialised record; its strings and hashes
 * point into e's, "" for NULL), all but seq and time_ms. */
void audit_record_fill(const audit_entry_t *e, Isa__AuditRecord *rec);

/* How many records the log holds, as txn sees it. */
__attribute__((warn_unused_result))
int audit_size(store_txn_t *txn, uint64_t *size);

/*
 * Have the key holder sign a checkpoint of the tree as txn sees it
 * (origin, size, root) with the audit signing key, keep it as the latest (meta "checkpoint"), and return the note in
 * *note (malloc'd) and its size in *size.  Returns 0 or ISA_ERR_*.
 */
__attribute__((warn_unused_result))
int audit_checkpoint(store_txn_t *txn, keys_t *keys, const char *origin,
    char **note, uint64_t *size);

/* The tree size of the latest checkpoint kept (0 when none). */
uint64_t audit_checkpoint_size(store_txn_t *txn);

/* The tree as txn sees it: its size and root hash (MERKLE_HASH_LEN bytes;
 * the empty tree's for size 0).  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int audit_root(store_txn_t *txn, uint64_t *size, uint8_t *root);

/* When the latest checkpoint kept was signed (Unix ms): 0, or
 * ISA_ERR_NOTFOUND (none yet, or a store from before checkpoints carried
 * their time) or a store error. */
__attribute__((warn_unused_result))
int audit_checkpoint_time(store_txn_t *txn, int64_t *ms);

/*
 * The hold on record times (audit_append): whether a record at now_ms after
 * one at last_ms is logged.  AUDIT_HOLD_WARN when the clock is more than
 * a second behind and the hold begins, or has lasted another hour of the
 * clock since the last warning; AUDIT_HOLD_CAUGHT_UP once when it ends.
 * Pure but for h (the appender's, zeroed at start).
 */
typedef struct {
	bool holding;		/* warned, not yet caught up */
	int64_t warned_ms;	/* the clock at the last warning */
} audit_hold_t;
typedef enum {
	AUDIT_HOLD_QUIET,
	AUDIT_HOLD_WARN,
	AUDIT_HOLD_CAUGHT_UP
} audit_hold_note_t;
audit_hold_note_t audit_hold_step(audit_hold_t *h, int64_t now_ms,
    int64_t last_ms);

/* The time (Unix ms) of record seq: 0, ISA_ERR_NOTFOUND, ISA_ERR_PARSE or a
 * store error. */
__attribute__((warn_unused_result))
int audit_record_time(store_txn_t *txn, uint64_t seq, int64_t *ms);

/* The decision word for a reply status: permit, deny, not_found, gone,
 * error. */
const char *audit_decision(Isa__Status s);

#endif
