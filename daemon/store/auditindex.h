/* auditindex.h: the audit records by document and by actor, and the time a sequence number stands for (DESIGN §15). */
#ifndef ISA_DAEMON_AUDITINDEX_H
#define ISA_DAEMON_AUDITINDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/store/indexcheck.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

/*
 * STORE_AUDIX holds, for every audit record and each of the fields `isa
 * audit` filters on that is not empty in it (but the decision "permit",
 * most records' and so no narrowing), one entry with an empty value:
 *
 *	kind (1 byte), the field as the record holds it (and isa prints it;
 *	its first AUDITINDEX_VALUE_MAX bytes), NUL, seq (8, BE)
 *
 * kind 'd' the document, 'u' the actor (user), 'a' the actor's agency,
 * 'x' the action, 'c' the decision.  A value cut short names the records
 * of every value that begins so: the query applies the exact filter to
 * each record it reads, so the index narrows, never decides.
 *
 * And one fact about time: "T" -> seq (8, BE), from which on no record's
 * time is before the one before it (absent: 0, from the first).  Records
 * appended by this isad never step back (audit_append holds the time at
 * the last record's while the clock is behind it); a store written before
 * may have, and its upgrade (auditindex_build) finds the last place.
 * From there on a time range is found by binary search on seq.
 *
 * Before it (the old region [0, T)), facts per block of AUDITINDEX_BLOCK
 * records, kept by the upgrade: "B" block (8, BE) -> the max time of
 * every record from 0 to the block's end, the min time of every old
 * record from the block's start on (8, BE each, as int64).  Neither goes
 * down from block to block, so binary search on them bounds the blocks a
 * time range can touch (auditindex_old_range); a query walks those.
 */
#define AUDITINDEX_VALUE_MAX 400
#define AUDITINDEX_BLOCK 1024

typedef enum {
	AUDITINDEX_DOC = 0,	/* 'd' */
	AUDITINDEX_USER,	/* 'u' */
	AUDITINDEX_AGENCY,	/* 'a' */
	AUDITINDEX_ACTION,	/* 'x' */
	AUDITINDEX_DECISION,	/* 'c' */
	AUDITINDEX_KINDS_
} auditindex_kind_t;

/* Whether the records whose field kind is value have entries (not empty,
 * not the decision "permit"). */
bool auditindex_has(auditindex_kind_t kind, const char *value);

/* r's entries, in t (records_audit_put calls it, in the transaction that
 * stores r).  Returns 0 or a store error. */
__attribute__((warn_unused_result))
int auditindex_add(store_txn_t *t, const Isa__AuditRecord *r);

/*
 * Call fn with the seq of each record filed under kind and value (as the
 * key holds it: cut at AUDITINDEX_VALUE_MAX) from seq from on, in order,
 * until fn returns non-zero (returned) or they run out (0).  Each costs
 * one step of one cursor.
 */
typedef int (*auditindex_fn)(void *arg, uint64_t seq);
__attribute__((warn_unused_result))
int auditindex_each(store_txn_t *t, auditindex_kind_t kind,
    const char *value, uint64_t from, auditindex_fn fn, void *arg);

/* The seq from which on times never go back, into *seq (0 when the fact
 * is absent).  Returns 0, ISA_ERR_PARSE (damaged) or a store error. */
__attribute__((warn_unused_result))
int auditindex_steady_from(store_txn_t *t, uint64_t *seq);

/*
 * The first seq in [lo, hi) whose record's time is at or after ms, or hi
 * when none is, into *seq, by binary search: the times in [lo, hi) must
 * not go back (lo at or after auditindex_steady_from's, hi at most the
 * log's size).  O(log(hi - lo)) record reads.  Returns 0,
 * ISA_ERR_PARSE (a record missing or damaged) or a store error.
 */
__attribute__((warn_unused_result))
int auditindex_time_seek(store_txn_t *t, int64_t ms, uint64_t lo,
    uint64_t hi, uint64_t *seq);

/*
 * The seqs of the old region [0, steady) (steady: auditindex_steady_from's)
 * whose records can have a time in [since, until) (INT64_MIN, INT64_MAX:
 * unbounded), as [*lo, *hi): every old record outside it has a time
 * outside, by the block facts; within, a query still applies the exact
 * filter.  O(log(steady / AUDITINDEX_BLOCK)) reads.  Returns 0,
 * ISA_ERR_PARSE (a fact damaged) or a store error.
 */
__attribute__((warn_unused_result))
int auditindex_old_range(store_txn_t *t, int64_t since, int64_t until,
    uint64_t steady, uint64_t *lo, uint64_t *hi);

/* Build the index in t from every audit record (a store upgrade from
 * schema from < 3): every entry, the time fact and the block facts.  Returns 0 or
 * ISA_ERR_*. */
__attribute__((warn_unused_result))
int auditindex_build(store_txn_t *t, uint32_t from);

/* isad check --deep: every record's entries are there, every entry names
 * a record with that field, and the time fact is the records'.  Returns
 * 0 or a store error; the differences are in ic. */
__attribute__((warn_unused_result))
int auditindex_check(store_txn_t *t, indexcheck_t *ic);

#endif
