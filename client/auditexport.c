/* auditexport.c: the audit export pulled from isad a page at a time, as the lines `isa audit export` writes. */
#define _GNU_SOURCE	/* open_memstream */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/auditexport.h"
#include "client/cli.h"
#include "proto/envelope.h"
#include "verify/auditfmt.h"

struct isa_auditexport {
	isa_conn_t *c;
	Isa__Envelope *cp;	/* the checkpoint's reply, until line 1 went */
	uint64_t size;		/* records in the export */
	uint64_t written;	/* records handed out so far */
	char *text;		/* the lines handed out last */
	int failed;		/* EXIT_OK, or the failure to repeat */
	char err[ISA_AUDITREQ_ERRLEN];
};

int
isa_auditexport_begin(isa_conn_t *c, isa_auditexport_t **out, char *err,
    size_t errlen)
{
	isa_auditexport_t *x;
	int code;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_ERROR;
	}
	if ((code = isa_auditreq_checkpoint(c, true, &x->cp, err, errlen))
	    != EXIT_OK) {
		free(x);
		return code;
	}
	x->c = c;
	x->size = x->cp->audit_checkpoint_reply->size;
	*out = x;
	return EXIT_OK;
}

uint64_t
isa_auditexport_size(const isa_auditexport_t *x)
{
	return x->size;
}

/* Remember a failure (sentence fmt), to give now and on every later
 * call. */
static int
fail(isa_auditexport_t *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int
fail(isa_auditexport_t *x, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, sizeof(x->err), fmt, ap);
	va_end(ap);
	x->failed = code;
	return code;
}

/* Line 1: {"format":...,"checkpoint":...} and its newline, into x->text. */
static int
header(isa_auditexport_t *x, size_t *len)
{
	char *line = NULL;

	if (auditfmt_header(x->cp->audit_checkpoint_reply->checkpoint, &line)
	    != 0)
		return fail(x, EXIT_ERROR, "out of memory");
	envelope_free(x->cp);
	x->cp = NULL;
	*len = strlen(line);
	if ((x->text = realloc(line, *len + 2)) == NULL) {
		free(line);
		return fail(x, EXIT_ERROR, "out of memory");
	}
	x->text[(*len)++] = '\n';
	x->text[*len] = '\0';
	return EXIT_OK;
}

/* The next page of records, as lines, into x->text. */
static int
page(isa_auditexport_t *x, size_t *len)
{
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	const Isa__AuditRecords *p;
	Isa__Envelope *r = NULL;
	char err[ISA_AUDITREQ_ERRLEN];
	FILE *f;
	int code;

	q.upto = x->size;
	q.after = x->written;
	if ((code = isa_auditreq_page(x->c, &q, &r, err, sizeof(err)))
	    != EXIT_OK)
		return fail(x, code, "%s", err);
	p = r->audit_records;
	if (p->n_records == 0) {
		envelope_free(r);
		return fail(x, EXIT_ERROR, "isad sent %llu of %llu records",
		    (unsigned long long)x->written,
		    (unsigned long long)x->size);
	}
	if ((f = open_memstream(&x->text, len)) == NULL) {
		envelope_free(r);
		return fail(x, EXIT_ERROR, "out of memory");
	}
	for (size_t i = 0; i < p->n_records && code == EXIT_OK; i++) {
		char *line = NULL;

		if (auditfmt_json(p->records[i].data, p->records[i].len, true,
		    &line) != 0)
			code = fail(x, EXIT_ERROR, "isad sent a record this "
			    "isa cannot read");
		else if (fprintf(f, "%s\n", line) < 0)
			code = fail(x, EXIT_ERROR, "out of memory");
		free(line);
	}
	if (fclose(f) != 0 && code == EXIT_OK)
		code = fail(x, EXIT_ERROR, "out of memory");
	if (code == EXIT_OK)
		x->written += p->n_records;
	envelope_free(r);
	return code;
}

int
isa_auditexport_next(isa_auditexport_t *x, const char **text, size_t *len,
    bool *done, char *err, size_t errlen)
{
	int code;

	*text = NULL;
	*len = 0;
	*done = false;
	free(x->text);
	x->text = NULL;
	if (x->failed == EXIT_OK) {
		if (x->cp != NULL)
			code = header(x, len);
		else if (x->written >= x->size) {
			*done = true;
			return EXIT_OK;
		} else
			code = page(x, len);
		if (code == EXIT_OK) {
			*text = x->text;
			return EXIT_OK;
		}
		free(x->text);
		x->text = NULL;
		*len = 0;
	}
	snprintf(err, errlen, "%s", x->err);
	return x->failed;
}

void
isa_auditexport_end(isa_auditexport_t *x)
{
	if (x == NULL)
		return;
	envelope_free(x->cp);
	free(x->text);
	free(x);
}
