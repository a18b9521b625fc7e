/* dateindex.h: documents by the date something is due to them: destroy-after, review-by, an embargo lifting (DESIGN §15). */
#ifndef ISA_DAEMON_DATEINDEX_H
#define ISA_DAEMON_DATEINDEX_H

#include <stdint.h>

#include "daemon/store/indexcheck.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

/*
 * STORE_DATES: due (8, BE, Unix seconds) || kind (1) || doc id (16) ->
 * the record's field it was computed from, as stored (the date text; for
 * an embargo its time, 8 BE), so the first key says when the next sweep is
 * due.  A document has an entry for each thing still due to it:
 *
 *   'd'  destroy-after D: due at D+1 00:00 UTC, while not destroyed;
 *   'r'  review-by D: due at D 00:00 UTC, while active and not reminded;
 *   'e'  an embargo its readers have not been told has lifted: due at
 *        embargo_until, while active.
 *
 * A review or embargo entry the sweep put off (the document's view could
 * not be made: sweeper.c) is due at the record's sweep_retry instead when
 * that is later.
 * (sweeper.h says what is done when.)  A date that does not parse calls
 * for no entry.  dateindex_sync writes a document's entries from its
 * record in the transaction that stores or changes it (upload, a sweep, a
 * recall, a destruction).
 */
#define DATEINDEX_KEY_LEN	25

enum {
	DATEINDEX_DESTROY = 1,	/* what is due, as bits: dateindex_due */
	DATEINDEX_REVIEW = 2,
	DATEINDEX_ANNOUNCE = 4,
};

/* One entry: when, what ('d', 'r', 'e'), to which document. */
typedef struct {
	int64_t due;
	char kind;
	uint8_t doc[RECORDS_ID_LEN];
} dateindex_entry_t;

/* r as now stored: each entry it calls for set, each it no longer does
 * deleted.  Returns 0 or a store error. */
__attribute__((warn_unused_result))
int dateindex_sync(store_txn_t *t, const Isad__StoredDoc *r);

/* Delete every entry r calls for: before a change to r that moves an
 * entry's date (sweep_retry), then dateindex_sync.  Returns 0 or a store
 * error. */
__attribute__((warn_unused_result))
int dateindex_drop(store_txn_t *t, const Isad__StoredDoc *r);

/* What is due to r at now (Unix seconds): DATEINDEX_* bits, 0: nothing. */
unsigned dateindex_due(const Isad__StoredDoc *r, int64_t now);

/* The first entry (the earliest due) into *e: 0, ISA_ERR_NOTFOUND (none),
 * ISA_ERR_PARSE (the first key is no entry: dateindex_drop_first it) or a
 * store error.  One seek. */
__attribute__((warn_unused_result))
int dateindex_first(store_txn_t *t, dateindex_entry_t *e);

/* Delete entry e (absent is no error), or whatever the first key is. */
__attribute__((warn_unused_result))
int dateindex_del(store_txn_t *t, const dateindex_entry_t *e);
__attribute__((warn_unused_result))
int dateindex_drop_first(store_txn_t *t);

/* Build the index in t from every document (a store upgrade from
 * schema from < 3): one walk.  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int dateindex_build(store_txn_t *t, uint32_t from);

/* isad check --deep, as reqindex_check: every entry the documents call
 * for is there with its value; every entry is called for by its
 * document. */
__attribute__((warn_unused_result))
int dateindex_check(store_txn_t *t, indexcheck_t *ic);

#endif
