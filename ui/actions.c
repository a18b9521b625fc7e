/* actions.c: isa ui's onward sharing, requests, decisions and recall (a stub answering 501 until they land). */
#include "ui/actions.h"
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
ui_actions_share(ui_server_t *s, struct MHD_Connection *c, const char *id,
    const char *body, size_t len)
{
	(void)s, (void)id, (void)body, (void)len;
	return not_yet(c);
}

enum MHD_Result
ui_actions_recall(ui_server_t *s, struct MHD_Connection *c, const char *id,
    const char *body, size_t len)
{
	(void)s, (void)id, (void)body, (void)len;
	return not_yet(c);
}

enum MHD_Result
ui_actions_requests(ui_server_t *s, struct MHD_Connection *c)
{
	(void)s;
	return not_yet(c);
}

enum MHD_Result
ui_actions_decide(ui_server_t *s, struct MHD_Connection *c, const char *id,
    bool approve, const char *body, size_t len)
{
	(void)s, (void)id, (void)approve, (void)body, (void)len;
	return not_yet(c);
}
