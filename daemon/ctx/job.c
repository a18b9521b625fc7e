/* job.c: one request's journey: main loop -> worker -> (writer) -> main loop. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "daemon/audit/audit.h"
#include "daemon/audit/outage.h"
#include "daemon/ctx/job.h"
#include "proto/envelope.h"

struct job_block {
	struct job_block *next;
	max_align_t data[];
};

job_t *
job_new(const void *rid, size_t rid_len)
{
	job_t *j;

	if (rid_len > JOB_RID_MAX || (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	memcpy(j->rid, rid, rid_len);
	j->rid_len = rid_len;
	isa__envelope__init(&j->resp);
	j->audit.write = true;
	return j;
}

void
job_free(job_t *j)
{
	struct job_block *b, *next;

	if (j == NULL)
		return;
	if (j->state_free != NULL)
		j->state_free(j->state);
	if (j->has_content)
		zmq_msg_close(&j->content);
	if (j->has_out)
		zmq_msg_close(&j->out);
	envelope_free(j->req);
	policy_unref(j->policy);
	for (b = j->loop.blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(j);
}

void *
job_alloc(job_t *j, size_t n)
{
	struct job_block *b;

	if (n > SIZE_MAX - sizeof(*b) ||
	    (b = calloc(1, sizeof(*b) + n)) == NULL)
		abort();
	b->next = j->loop.blocks;
	j->loop.blocks = b;
	return b->data;
}

char *
job_strdup(job_t *j, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(job_alloc(j, n), s, n);
}

char *
job_strndup(job_t *j, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *out = job_alloc(j, len + 1);

	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

char **
job_strv(job_t *j, char *const *v, size_t n)
{
	char **out = job_alloc(j, sizeof(char *) * (n + 1));

	for (size_t i = 0; i < n; i++)
		out[i] = job_strdup(j, v[i]);
	return out;
}

char *
job_printf(job_t *j, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = job_alloc(j, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void
job_error(job_t *j, Isa__Status status, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	j->resp.status = status;
	j->resp.message = job_strdup(j, buf);
	j->resp.body_case = ISA__ENVELOPE__BODY__NOT_SET;
	if (j->has_out) {
		zmq_msg_close(&j->out);
		j->has_out = false;
	}
}

bool
job_failed(const job_t *j)
{
	return j->resp.status != ISA__STATUS__OK &&
	    j->resp.status != ISA__STATUS__STATUS_UNSPECIFIED;
}

bool
job_needs_writer(const job_t *j)
{
	return j->change != NULL || j->audit.write;
}

/* "NOT_FOUND" -> "not_found": the reason of an error no rule gave. */
static const char *
status_reason(job_t *j)
{
	const char *name = envelope_status_name(j->resp.status);
	char *r = job_strdup(j, name);

	for (char *p = r; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return r;
}

/* j's audit record, as job_apply writes it. */
static void
job_entry(job_t *j, audit_entry_t *out)
{
	audit_entry_t e = { 0 };

	e.actor = j->user;
	e.agency = j->audit.agency;
	e.key = j->audit.key;
	e.action = j->audit.action != NULL ? j->audit.action : "unknown";
	e.doc = j->audit.doc;
	e.marking = j->audit.marking;
	e.target = j->audit.target;
	e.decision = audit_decision(j->resp.status);
	e.reason = j->audit.reason != NULL ? j->audit.reason :
	    j->resp.status == ISA__STATUS__OK ? "ok" : status_reason(j);
	e.request = j->resp.request_id;
	e.sha256 = j->audit.has_sha ? j->audit.sha : NULL;
	*out = e;
}

int
job_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	audit_entry_t e;
	int rc;

	if (j->change != NULL && (rc = j->change(txn, op)) != 0)
		return rc;
	if (!j->audit.write)
		return 0;
	job_entry(j, &e);
	return audit_append(txn, &e, j->now_ms, NULL);
}

void
job_refused(writer_op_t *op, void *outage)
{
	job_t *j = (job_t *)(void *)op;
	audit_entry_t e;

	if (!j->audit.write)
		return;	/* a part of a transfer: its record is the whole's */
	job_entry(j, &e);
	outage_note(outage, &e, op->rc, j->now_ms);
}

const char *
job_identity(const policy_t *p, const char *id, const char *key, int64_t now,
    const policy_user_t **u)
{
	char now_key[41];
	policy_user_view_t v;

	*u = p != NULL ? policy_user_by_id(p, id) : NULL;
	if (*u == NULL)
		return "not_enrolled";
	policy_user_view(p, *u, now, &v);
	if (!v.enabled)
		return "disabled";
	if (strlen(key) != sizeof(now_key) - 1 ||
	    zmq_z85_encode(now_key, v.key, POLICY_KEY_LEN) == NULL ||
	    !isa_ct_equal(now_key, key, sizeof(now_key) - 1))
		return "key_replaced";
	return NULL;
}
