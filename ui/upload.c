/* upload.c: isa ui's upload (a stub answering 501 until it lands). */
#include "ui/upload.h"

static int
begin(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r,
    void **st, ui_err_t *e)
{
	(void)s, (void)c, (void)r, (void)st;
	ui_err_set(e, MHD_HTTP_NOT_IMPLEMENTED, "error", EXIT_ERROR,
	    "isa ui cannot do this yet");
	return -1;
}

static int
data(void *st, const char *buf, size_t len, ui_err_t *e)
{
	(void)st, (void)buf, (void)len, (void)e;
	return 0;
}

static enum MHD_Result
end(void *st, struct MHD_Connection *c)
{
	(void)st, (void)c;
	return MHD_NO;
}

static void
drop(void *st)
{
	(void)st;
}

const ui_stream_ops_t ui_upload_ops = { begin, data, end, drop };
