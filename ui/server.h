/* server.h: isa ui's HTTP server: libmicrohttpd on 127.0.0.1, every request's checks, and the routes. */
#ifndef ISA_UI_SERVER_H
#define ISA_UI_SERVER_H

#include <microhttpd.h>
#include <stddef.h>

#include "client/conf.h"
#include "ui/isad.h"
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
 * Serve on 127.0.0.1:port (0: a free one), as the user of conf.  Returns 0
 * with s->port set, or -1 with a sentence in err (the port taken, say).
 */
__attribute__((warn_unused_result))
int ui_server_start(ui_server_t *s, const client_conf_t *conf, unsigned port,
    char *err, size_t errlen);

/* Stop serving (requests in flight end first) and wipe the session. */
void ui_server_stop(ui_server_t *s);

#endif
