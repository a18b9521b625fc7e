/* auditreq.c: an auditor's requests to isad (a page of records, a fresh checkpoint), each failure as the sentence `isa audit` prints; a record as --json shows it. */
#include <stdio.h>
#include <stdlib.h>

#include "client/auditreq.h"
#include "client/cli.h"
#include "common/timefmt.h"
#include "proto/envelope.h"
#include "verify/auditfmt.h"

int
isa_auditreq_dates(const Isa__AuditQuery *q, char *err, size_t errlen)
{
	const char *bad = NULL, *which = NULL;
	int64_t ms;

	/* The one parser (common/timefmt): 2026-02-30 is no date. */
	if (q->since[0] != '\0' && timefmt_parse_ms(q->since, &ms) != 0) {
		bad = q->since;
		which = "since";
	} else if (q->until[0] != '\0' &&
	    timefmt_parse_ms(q->until, &ms) != 0) {
		bad = q->until;
		which = "until";
	}
	if (bad == NULL)
		return EXIT_OK;
	snprintf(err, errlen, "audit: --%s \"%s\" is not a real date or time: "
	    "YYYY-MM-DD or RFC 3339, e.g. 2026-02-28T09:00:00Z", which, bad);
	return EXIT_USAGE;
}

/* Send req on c and wait for a reply with body want.  EXIT_OK with *r, or
 * the exit code and sentence. */
static int
ask(isa_conn_t *c, Isa__Envelope *req, Isa__Envelope__BodyCase want,
    Isa__Envelope **r, char *err, size_t errlen)
{
	*r = NULL;
	if (isa_conn_call(c, req, r, err, errlen) != 0)
		return EXIT_UNREACHABLE;
	if ((*r)->status != ISA__STATUS__OK || (*r)->body_case != want) {
		int code = cli_reply_sentence(*r, err, errlen);

		envelope_free(*r);
		*r = NULL;
		return code;
	}
	return EXIT_OK;
}

int
isa_auditreq_page(isa_conn_t *c, Isa__AuditQuery *q, Isa__Envelope **r,
    char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;

	req.body_case = ISA__ENVELOPE__BODY_AUDIT_QUERY;
	req.audit_query = q;
	return ask(c, &req, ISA__ENVELOPE__BODY_AUDIT_RECORDS, r, err, errlen);
}

int
isa_auditreq_checkpoint(isa_conn_t *c, bool export, Isa__Envelope **r,
    char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__AuditCheckpointRequest cr = ISA__AUDIT_CHECKPOINT_REQUEST__INIT;

	cr.export = export;
	req.body_case = ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT;
	req.audit_checkpoint = &cr;
	return ask(c, &req, ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT_REPLY, r, err,
	    errlen);
}

json_t *
isa_auditreq_json(const uint8_t *rec, size_t len)
{
	char *line = NULL;
	json_t *v = NULL;

	/* auditfmt writes the export's line; jansson reads it back so that
	 * every --json is written the one way (ASCII, compact). */
	if (auditfmt_json(rec, len, false, &line) == 0)
		v = json_loads(line, 0, NULL);
	free(line);
	return v;
}
