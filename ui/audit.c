/* audit.c: isa ui's auditor requests (a stub answering 501 until they land). */
#include "ui/audit.h"
#include "ui/reply.h"

/* Until this part lands: 501. */
static enum MHD_Result
not_yet(struct MHD_Connection *c)
{
	ui_err_t e;

	ui_err_set(&e, MHD_HTTP_NOT_IMPLEMENTED, "error", EXIT_ERROR,
	    "isa ui cannot do this yet");
	return ui_reply_error(c, &e);
}

enum MHD_Result
ui_audit_query(ui_server_t *s, struct MHD_Connection *c)
{
	(void)s;
	return not_yet(c);
}

enum MHD_Result
ui_audit_csv(ui_server_t *s, struct MHD_Connection *c)
{
	(void)s;
	return not_yet(c);
}

enum MHD_Result
ui_audit_jsonl(ui_server_t *s, struct MHD_Connection *c)
{
	(void)s;
	return not_yet(c);
}

enum MHD_Result
ui_audit_checkpoint(ui_server_t *s, struct MHD_Connection *c)
{
	(void)s;
	return not_yet(c);
}

enum MHD_Result
ui_audit_export(ui_server_t *s, struct MHD_Connection *c)
{
	(void)s;
	return not_yet(c);
}
