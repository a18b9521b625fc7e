/* unfinished.c: the marks of uploads under way (STORE_UPLOADS), built for a store that had none and checked against the chunks. */
#include <stdbool.h>
#include <string.h>

#include "daemon/store/records.h"
#include "daemon/store/unfinished.h"
#include "proto/docid.h"

/* A walk of every chunk, one call per document (chunks come in id
 * order). */
typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;	/* NULL: building */
	uint8_t last[RECORDS_ID_LEN];
	bool have_last;
} walk_t;

static int
chunk_doc(void *arg, const uint8_t id[RECORDS_ID_LEN], uint64_t index)
{
	walk_t *w = arg;
	char idtext[DOCID_TEXT_LEN + 1];
	const void *v;
	size_t vl;

	(void)index;
	if (w->have_last && memcmp(id, w->last, RECORDS_ID_LEN) == 0)
		return 0;
	memcpy(w->last, id, RECORDS_ID_LEN);
	w->have_last = true;
	if (records_doc_has(w->t, id) == 0)
		return 0;
	if (w->ic == NULL)
		return records_chunk_mark(w->t, id);
	if (store_get(w->t, STORE_UPLOADS, id, RECORDS_ID_LEN, &v, &vl) != 0) {
		docid_format(id, idtext);
		indexcheck_missing(w->ic, "chunks of %s: no record and no mark",
		    idtext);
	}
	return 0;
}

int
unfinished_build(store_txn_t *t, uint32_t from)
{
	walk_t w = { t, NULL, { 0 }, false };

	if (from >= 3)
		return 0;
	return records_chunk_each(t, chunk_doc, &w);
}

typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;
} marks_t;

static int
mark_one(void *arg, const uint8_t id[RECORDS_ID_LEN])
{
	marks_t *m = arg;
	char idtext[DOCID_TEXT_LEN + 1];
	uint64_t n;
	int rc;

	m->ic->entries++;
	docid_format(id, idtext);
	if (records_doc_has(m->t, id) == 0)
		indexcheck_stray(m->ic, "%s: marked under way, but its record is "
		    "stored", idtext);
	else if ((rc = records_chunk_count(m->t, id, &n)) != 0)
		return rc;
	else if (n == 0)
		indexcheck_stray(m->ic, "%s: marked under way, but it has no "
		    "chunk", idtext);
	return 0;
}

int
unfinished_check(store_txn_t *t, indexcheck_t *ic)
{
	walk_t w = { t, ic, { 0 }, false };
	marks_t m = { t, ic };
	int rc;

	indexcheck_begin(ic, "uploads");
	if ((rc = records_chunk_each(t, chunk_doc, &w)) != 0)
		return rc < 0 ? rc : 0;
	rc = records_chunk_unfinished_each(t, mark_one, &m);
	return rc < 0 ? rc : 0;
}
