/* server.h: isa ui's HTTP server: libmicrohttpd on 127.0.0.1, every request's checks, and the routes. */
#ifndef ISA_UI_SERVER_H
#define ISA_UI_SERVER_H

#include <microhttpd.h>
#include <stddef.h>

#include "client/conf.h"
#include "ui/isad.h"
#include "ui/reply.h"
#include "ui/route.h"
#include "ui/session.h"

typedef struct ui_server {
	struct MHD_Daemon *d;
	const client_conf_t *conf;	/* the user's client.conf (not owned) */
	ui_sessions_t sess;
	ui_calls_t calls;		/* the connections open to isad */
	unsigned port;
	char host_ip[32];		/* "127.0.0.1:PORT": a Host we answer */
	char host_name[32];		/* "localhost:PORT": the other one */
	char cookie[32];		/* "isa_PORT": the session cookie's name */
	char open_file[4096];		/* the page given to the browser, or "" */
} ui_server_t;

/*
 * A POST whose body is streamed to its handler rather than held (an
 * upload, an export to verify).  server.c calls begin once, after every
 * check passed and before any byte of the body; data for each piece in
 * order; end when the body is complete; drop always last.
 */
typedef struct ui_stream_ops {
	/* 0 to take the body, or -1 with e filled: the rest of the body is
	 * then read and dropped, and e is the answer (so that the browser
	 * sees it, not a reset). */
	int (*begin)(ui_server_t *s, struct MHD_Connection *c,
	    const ui_route_t *r, void **st, ui_err_t *e);
	/* 0, or -1 with e filled: the rest is read and dropped, and e is
	 * the answer. */
	int (*data)(void *st, const char *buf, size_t len, ui_err_t *e);
	/* The whole body arrived and data never failed: queue the answer. */
	enum MHD_Result (*end)(void *st, struct MHD_Connection *c);
	/* Last, whenever begin returned 0 (also when the connection went
	 * mid-body, or data failed): abandon what was not finished, free
	 * st.  A begin that fails frees what it made itself. */
	void (*drop)(void *st);
} ui_stream_ops_t;

/*
 * Serve on 127.0.0.1:port (0: a free one), as the user of conf.  Returns 0
 * with s->port set, or -1 with a sentence in err (the port taken, say).
 */
__attribute__((warn_unused_result))
int ui_server_start(ui_server_t *s, const client_conf_t *conf, unsigned port,
    char *err, size_t errlen);

/* Stop serving (requests in flight end first) and wipe the session. */
void ui_server_stop(ui_server_t *s);

#endif
