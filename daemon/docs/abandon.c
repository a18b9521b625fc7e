/* abandon.c: the one audit record of a transfer that ends without a document or a reply to record it, with an upload's staged chunks deleted. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/docs/abandon.h"
#include "daemon/audit/audit.h"
#include "daemon/audit/outage.h"
#include "daemon/store/records.h"

struct abandon {
	writer_op_t op;		/* first: abandon_submit's op is the abandon */
	bool upload;
	uint8_t doc[DOCID_LEN];
	char doctext[DOCID_TEXT_LEN + 1];
	char user[128], agency[128], key[41];
	char *marking;
	const char *decision, *reason;	/* static strings */
	uint64_t request;
};

abandon_t *
abandon_new(const transfer_t *x, const char *decision, const char *reason)
{
	abandon_t *a = calloc(1, sizeof(*a));

	if (a == NULL || (x->marking != NULL &&
	    (a->marking = strdup(x->marking)) == NULL)) {
		free(a);
		log_warnx("out of memory: the end of a transfer by %s is not "
		    "recorded", x->user);
		return NULL;
	}
	a->upload = x->kind == TRANSFER_UPLOAD;
	memcpy(a->doc, x->doc, DOCID_LEN);
	if (!a->upload)
		docid_format(x->doc, a->doctext);
	memcpy(a->user, x->user, sizeof(a->user));
	memcpy(a->agency, x->agency, sizeof(a->agency));
	memcpy(a->key, x->key, sizeof(a->key));
	a->decision = decision;
	a->reason = reason;
	a->request = x->request;
	return a;
}

void
abandon_free(abandon_t *a)
{
	if (a == NULL)
		return;
	free(a->marking);
	free(a);
}

/* a's audit record. */
static void
abandon_entry(const abandon_t *a, audit_entry_t *out)
{
	audit_entry_t e = { 0 };

	e.actor = a->user;
	e.agency = a->agency;
	e.key = a->key;
	e.action = a->upload ? "put" : "get";
	e.doc = a->doctext;
	e.marking = a->marking;
	e.decision = a->decision;
	e.reason = a->reason;
	e.request = a->request;
	*out = e;
}

int
abandon_apply(store_txn_t *txn, const abandon_t *a, int64_t now_ms)
{
	audit_entry_t e;
	int rc;

	if (a->upload && (rc = records_chunk_del_all(txn, a->doc)) != 0)
		return rc;
	abandon_entry(a, &e);
	return audit_append(txn, &e, now_ms, NULL);
}

static int
op_apply(store_txn_t *txn, writer_op_t *op)
{
	return abandon_apply(txn, (abandon_t *)(void *)op, clock_wall_ms());
}

/* Its record kept out by a store fault: counted in the outage, to be
 * written when commits resume. */
static void
op_refused(writer_op_t *op, void *outage)
{
	abandon_t *a = (abandon_t *)(void *)op;
	audit_entry_t e;

	abandon_entry(a, &e);
	outage_note(outage, &e, op->rc, clock_wall_ms());
}

static void
op_done(writer_op_t *op)
{
	abandon_t *a = (abandon_t *)(void *)op;

	if (op->rc != 0)
		log_warnx("cannot record the end of a transfer by %s (%s)%s",
		    a->user, isa_strerror(op->rc), a->upload ? "; its chunks "
		    "go at the next start" : "");
	abandon_free(a);
}

void
abandon_submit(writer_t *w, abandon_t *a)
{
	if (a == NULL)
		return;
	a->op.apply = op_apply;
	a->op.refused = op_refused;
	a->op.done = op_done;
	writer_submit(w, &a->op);
}
