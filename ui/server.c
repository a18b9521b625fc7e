/* server.c: isa ui's HTTP server: libmicrohttpd on 127.0.0.1, every request's checks, and the routes. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cli.h"
#include "common/wipe.h"
#include "ui/api.h"
#include "ui/assets.h"
#include "ui/reply.h"
#include "ui/route.h"
#include "ui/server.h"

/* How many connections are served at once. */
#define UI_CONNECTIONS	256
#define UI_IDLE_S	15	/* a connection silent this long is closed */
/* What libmicrohttpd may hold for one connection: a request's headers (an
 * upload's X-ISA-Meta is up to 64 KiB, UI_META_MAX) and its read buffer.
 * Its default (32 KiB) answered a long but valid description with its own
 * HTML 431, not isa ui's sentence. */
#define UI_CONN_MEMORY	(128 * 1024)

/* What a POST keeps between MHD's calls. */
typedef struct {
	ui_route_t r;
	size_t body;		/* bytes received */
	char *buf;		/* a held body (UI_BODY_JSON), NUL-terminated */
	const ui_stream_ops_t *ops;	/* a streamed body's handler, once begun */
	void *st;		/* its state */
	bool failed;		/* the stream failed: e is the answer */
	ui_err_t e;
} ui_req_t;

/* GET /login?token=T: the one-time token for the session cookie. */
static enum MHD_Result
login(ui_server_t *s, struct MHD_Connection *c)
{
	const char *token = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "token");
	char sid[UI_TOKEN_LEN + 1], key[UI_TOKEN_LEN + 1];
	char cookie[UI_TOKEN_LEN + 96], to[UI_TOKEN_LEN + 32];
	enum MHD_Result ret;

	if (ui_sessions_login(&s->sess, token, sid, key) != 0)
		return ui_reply_session_ended(c, false);
	snprintf(cookie, sizeof(cookie), "%s=%s; HttpOnly; SameSite=Strict; "
	    "Path=/", s->cookie, sid);
	/* Not straight to /inbox: after a login that came from elsewhere
	 * (the page handed to xdg-open is a file), a SameSite=Strict cookie
	 * is not sent along the same redirect chain.  start.html moves on
	 * from isa ui's own page, so it is. */
	snprintf(to, sizeof(to), "/assets/start.html#k=%s", key);
	ret = ui_reply_redirect(c, to, "Set-Cookie", cookie);
	isa_wipe(sid, sizeof(sid));
	isa_wipe(key, sizeof(key));
	isa_wipe(cookie, sizeof(cookie));
	isa_wipe(to, sizeof(to));
	if (s->open_file[0] != '\0')	/* the browser has been and gone */
		(void)unlink(s->open_file);
	return ret;
}

/* Whether an API request came from our own page: the session's key (in
 * X-ISA-Key, or for a download's link in ?k=), and, where the browser
 * says, from our own origin (a page on another port of 127.0.0.1 is
 * "same-site", not "same-origin"). */
static bool
own_page(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r)
{
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Sec-Fetch-Site");
	const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-ISA-Key");

	if (site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return false;
	if (key == NULL && r->download)
		key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "k");
	return ui_sessions_key_ok(&s->sess, key);
}

/* Whether a state-changing request came from our own page: the session's
 * CSRF token in X-CSRF-Token and our own origin in Origin. */
static bool
same_origin(ui_server_t *s, struct MHD_Connection *c, const char *host)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Origin");
	char want[48];

	snprintf(want, sizeof(want), "http://%s", host);
	return origin != NULL && strcmp(origin, want) == 0 &&
	    ui_sessions_csrf_ok(&s->sess, MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "X-CSRF-Token"));
}

/*
 * Route a request and make every check its route needs: the Host, and
 * but for assets and the login the session, the key (API) and the CSRF
 * token and Origin (POST).  true with r filled when it may go on; false
 * with the answer queued in *ret (assets, the login, and every refusal).
 */
static bool
admit(ui_server_t *s, struct MHD_Connection *c, const char *method,
    const char *url, ui_route_t *r, enum MHD_Result *ret)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Host");
	const ui_asset_t *a;
	ui_err_t e;

	/* DNS rebinding: a page of another site, resolved to 127.0.0.1,
	 * would carry its own name here. */
	if (host == NULL || (strcmp(host, s->host_ip) != 0 &&
	    strcmp(host, s->host_name) != 0)) {
		*ret = ui_reply_text(c, MHD_HTTP_MISDIRECTED_REQUEST,
		    "isa ui answers only at the address it printed");
		return false;
	}
	ui_route(method, url, r);
	switch (r->kind) {
	case UI_R_METHOD:
		*ret = ui_reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "isa ui: method not allowed here");
		return false;
	case UI_R_ASSET:	/* our own code and styles: no secret */
		if ((a = ui_asset_find(r->arg)) == NULL)
			*ret = ui_reply_text(c, MHD_HTTP_NOT_FOUND,
			    "isa ui: no such file");
		else
			*ret = ui_reply_bytes(c, MHD_HTTP_OK, a->type, a->data,
			    a->len);
		return false;
	case UI_R_LOGIN:
		*ret = login(s, c);
		return false;
	default:
		break;
	}
	if (!ui_sessions_check(&s->sess, MHD_lookup_connection_value(c,
	    MHD_COOKIE_KIND, s->cookie), NULL)) {
		*ret = ui_reply_session_ended(c, r->api);
		return false;
	}
	if (r->api && !own_page(s, c, r)) {
		*ret = ui_reply_session_ended(c, true);
		return false;
	}
	if (r->post && !same_origin(s, c, host)) {
		ui_err_set(&e, MHD_HTTP_FORBIDDEN, "csrf", EXIT_USAGE,
		    "this request did not come from isa ui's own page: reload "
		    "the page and try again");
		*ret = ui_reply_error(c, &e);
		return false;
	}
	return true;
}

/* Answer an admitted request; body is a held POST body (or NULL). */
static enum MHD_Result
answer(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r,
    const char *body, size_t len)
{
	switch (r->kind) {
	case UI_R_NONE:
		return ui_reply_page(c, MHD_HTTP_NOT_FOUND, "notfound.html");
	case UI_R_ROOT:
		return ui_reply_redirect(c, "/inbox", NULL, NULL);
	case UI_R_PAGE:
		return ui_reply_page(c, MHD_HTTP_OK, "page.html");
	default:
		return ui_api(s, c, r, body, len);
	}
}

/* The first call for a POST whose body is streamed: check, and begin. */
static enum MHD_Result
stream_begin(ui_server_t *s, struct MHD_Connection *c, ui_req_t *q)
{
	const ui_stream_ops_t *ops = ui_api_stream(&q->r);

	if (ops == NULL) {
		ui_err_set(&q->e, MHD_HTTP_NOT_FOUND, "bad", EXIT_USAGE,
		    "isa ui has no such request");
		q->failed = true;
	} else if (ops->begin(s, c, &q->r, &q->st, &q->e) != 0)
		q->failed = true;
	else
		q->ops = ops;
	return MHD_YES;
}

/* A piece of a POST's body: held, streamed, or read and dropped. */
static enum MHD_Result
take_body(ui_req_t *q, const char *data, size_t n)
{
	if (q->r.body == UI_BODY_STREAM) {
		if (!q->failed && q->ops->data(q->st, data, n, &q->e) != 0)
			q->failed = true;
		return MHD_YES;
	}
	/* Too much: the connection is closed, not read to its end. */
	if (n > UI_BODY_MAX - q->body)
		return MHD_NO;
	if (q->r.body == UI_BODY_JSON) {
		if (q->buf == NULL && (q->buf = malloc(UI_BODY_MAX + 1)) == NULL)
			return MHD_NO;
		memcpy(q->buf + q->body, data, n);
		q->buf[q->body + n] = '\0';
	}
	q->body += n;
	return MHD_YES;
}

/* Whether a held body says at its headers that it is more than
 * UI_BODY_MAX (a chunked one cannot: it is cut off once it is). */
static bool
too_large(struct MHD_Connection *c)
{
	uint64_t n;

	return ui_query_u64(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH), 0, &n) == 0 && n > UI_BODY_MAX;
}

/* The answer to it, before any byte of it is read. */
static enum MHD_Result
too_large_answer(struct MHD_Connection *c)
{
	ui_err_t e;

	ui_err_set(&e, MHD_HTTP_CONTENT_TOO_LARGE, "bad", EXIT_USAGE,
	    "the request is larger than isa ui takes (%d KiB): shorten what "
	    "you wrote and try again", UI_BODY_MAX / 1024);
	return ui_reply_error(c, &e);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	ui_server_t *s = cls;
	ui_req_t *q = *con_cls;
	enum MHD_Result ret;
	ui_route_t r;

	(void)version;
	if (strcmp(method, "POST") != 0)	/* no body to wait for */
		return admit(s, c, method, url, &r, &ret) ?
		    answer(s, c, &r, NULL, 0) : ret;
	if (q == NULL) {
		/* The headers alone: every check is made before any byte of
		 * the body is taken (a refusal is answered at once, and the
		 * connection then closed rather than read to its end). */
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return MHD_NO;
		*con_cls = q;
		if (!admit(s, c, method, url, &q->r, &ret))
			return ret;
		if (q->r.body == UI_BODY_JSON && too_large(c))
			return too_large_answer(c);
		return q->r.body == UI_BODY_STREAM ? stream_begin(s, c, q) :
		    MHD_YES;
	}
	if (*upload_data_size != 0) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		return take_body(q, upload_data, n);
	}
	if (q->r.body == UI_BODY_STREAM)
		return q->failed ? ui_reply_error(c, &q->e) : q->ops->end(q->st,
		    c);
	return answer(s, c, &q->r, q->buf, q->body);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	ui_req_t *q = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	if (q->ops != NULL)
		q->ops->drop(q->st);
	if (q->buf != NULL)
		isa_wipe(q->buf, q->body);
	free(q->buf);
	free(q);
	*con_cls = NULL;
}

int
ui_server_start(ui_server_t *s, const client_conf_t *conf, unsigned port,
    char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sin;

	memset(s, 0, sizeof(*s));
	s->conf = conf;
	if (port > 65535) {
		snprintf(err, errlen, "--port must be 0 to 65535");
		return -1;
	}
	if (ui_calls_init(&s->calls) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ui_sessions_init(&s->sess) != 0) {
		snprintf(err, errlen, "cannot draw a random token");
		ui_calls_free(&s->calls);
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC,
	    (uint16_t)port, NULL, NULL, on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)UI_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)UI_IDLE_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)UI_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u (is the "
		    "port taken? choose another with --port, or leave it out)",
		    port);
		ui_sessions_free(&s->sess);
		ui_calls_free(&s->calls);
		return -1;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info != NULL ? info->port : port;
	snprintf(s->host_ip, sizeof(s->host_ip), "127.0.0.1:%u", s->port);
	snprintf(s->host_name, sizeof(s->host_name), "localhost:%u", s->port);
	/* Cookies are not kept apart by port: two users' isa ui on one
	 * machine must not share a cookie name. */
	snprintf(s->cookie, sizeof(s->cookie), "isa_%u", s->port);
	return 0;
}

void
ui_server_stop(ui_server_t *s)
{
	/* No new connection; the requests in flight end at once (a watch of
	 * the inbox would otherwise hold the stop for 25 s); then wait for
	 * their threads. */
	if (s->d != NULL)
		(void)MHD_quiesce_daemon(s->d);
	ui_calls_stop(&s->calls);
	if (s->d != NULL)
		MHD_stop_daemon(s->d);
	s->d = NULL;
	ui_sessions_free(&s->sess);
	ui_calls_free(&s->calls);
	if (s->open_file[0] != '\0')
		(void)unlink(s->open_file);
}
