/* server.c: isad serving: the ROUTER loop, signals, reloads. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "daemon/current.h"
#include "daemon/datadir.h"
#include "daemon/handlers.h"
#include "daemon/notify.h"
#include "daemon/server.h"
#include "daemon/zap.h"
#include "proto/envelope.h"
#include "proto/keyfile.h"

#define MAX_FRAMES 2	/* routing id, envelope: content frames come later */

typedef struct {
	const isad_config_t *cfg;
	void *ctx;
	void *router;
	zap_t *zap;
	int sigfd;
	int lockfd;
	char server_pub[KEYFILE_Z85_LEN + 1];
	char endpoint[256];	/* what we are bound to */
} server_t;

static int
server_load_policy(const isad_config_t *cfg, int reload)
{
	char err[512];
	policy_t *p = NULL;

	if (policy_load(cfg->policy, &p, err, sizeof(err)) != 0) {
		if (reload)
			log_warnx("policy reload refused, the old policy stays: "
			    "%s", err);
		else
			log_warnx("%s", err);
		return -1;
	}
	log_info("policy %s: %s %zu users in %zu agencies, %zu groups",
	    cfg->policy, reload ? "reloaded:" : "loaded:",
	    policy_user_count(p), policy_agency_count(p), policy_group_count(p));
	current_policy_set(p);
	return 0;
}

static void
send_reply(server_t *s, zmq_msg_t *rid, Isa__Envelope *resp)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	if (envelope_encode(resp, &buf, &len) != 0) {
		log_warnx("out of memory encoding a reply");
		return;
	}
	if (zmq_msg_send(rid, s->router, ZMQ_SNDMORE) < 0 ||
	    zmq_send(s->router, buf, len, 0) < 0)
		log_debug("reply not sent: %s", zmq_strerror(errno));
	free(buf);
}

/* Judge and answer one message: frames f[0] routing id, f[1] envelope. */
static void
server_handle(server_t *s, zmq_msg_t *f, int nframes, int too_many)
{
	Isa__Envelope resp = ISA__ENVELOPE__INIT, *req = NULL;
	handler_resp_t hr;
	handler_ctx_t hctx;
	policy_t *p = NULL;
	const char *uid;
	char err[256];

	uid = nframes >= 2 ? zmq_msg_gets(&f[1], "User-Id") : NULL;
	p = current_policy_get();
	/* Identity comes from the ZAP User-Id alone; the user is looked up
	 * in the policy in force at every request. */
	hctx.user = uid != NULL && p != NULL ? policy_user_by_id(p, uid) : NULL;
	if (hctx.user != NULL) {
		policy_user_view_t v;

		policy_user_view(p, hctx.user, 0, &v);
		if (!v.enabled)
			hctx.user = NULL;
	}
	if (hctx.user == NULL) {
		log_notice("request from %s refused: no longer enrolled or "
		    "disabled", uid != NULL ? uid : "an unknown peer");
		handlers_error(&resp, ISA__STATUS__UNAUTHENTICATED, (char *)
		    "your key is no longer enrolled or your account is "
		    "disabled: ask the operator");
		goto reply;
	}
	if (too_many || nframes != 2) {
		handlers_error(&resp, ISA__STATUS__BAD_REQUEST, (char *)
		    "a request is one envelope frame: this one had more");
		goto reply;
	}
	if (envelope_decode(zmq_msg_data(&f[1]), zmq_msg_size(&f[1]),
	    ENVELOPE_REQUEST, &req,
	    err, sizeof(err)) != 0) {
		log_notice("bad request from %s: %s", uid, err);
		handlers_error(&resp, ISA__STATUS__BAD_REQUEST, err);
		goto reply;
	}
	hctx.policy = p;
	hctx.now = (int64_t)time(NULL);
	handlers_dispatch(&hctx, req, &resp, &hr);
	log_debug("request %llu from %s: %s", (unsigned long long)
	    req->request_id, uid, envelope_status_name(resp.status));
reply:
	send_reply(s, &f[0], &resp);
	envelope_free(req);
	policy_unref(p);
}

/* Receive one whole message: at most MAX_FRAMES kept, the rest drained. */
static int
server_recv(server_t *s, zmq_msg_t *f, int *nframes, int *too_many)
{
	int more = 1, n = 0;

	*too_many = 0;
	while (more) {
		zmq_msg_t scratch, *m = n < MAX_FRAMES ? &f[n] : &scratch;

		zmq_msg_init(m);
		if (zmq_msg_recv(m, s->router, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(m);
			*nframes = n < MAX_FRAMES ? n : MAX_FRAMES;
			return -1;
		}
		more = zmq_msg_more(m);
		if (m == &scratch) {
			zmq_msg_close(m);
			*too_many = 1;
		}
		n++;
	}
	*nframes = n < MAX_FRAMES ? n : MAX_FRAMES;
	return 0;
}

static void
server_drain(server_t *s)
{
	zmq_msg_t f[MAX_FRAMES];
	int n, too_many;

	while (server_recv(s, f, &n, &too_many) == 0) {
		server_handle(s, f, n, too_many);
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
	}
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
}

/* Returns 1 to stop. */
static int
server_signal(server_t *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP: reloading %s", s->cfg->policy);
		/* sd_notify's reload protocol: a supervisor (or a test) knows
		 * when the reload is done, whether or not it was refused. */
		(void)notify_send("RELOADING=1");
		(void)server_load_policy(s->cfg, 1);
		(void)notify_send("READY=1");
		return 0;
	}
	log_info("%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return 1;
}

static int
server_open_router(server_t *s)
{
	char sec[KEYFILE_Z85_LEN + 1], err[512], *keypath = NULL;
	int one = 1, linger = 1000, hs = (int)s->cfg->handshake_ms, rc = -1;
	int64_t maxmsg = s->cfg->max_message;
	size_t epl;

	if (datadir_path(s->cfg->data_dir, "server.key", &keypath) != 0)
		return -1;
	if (keyfile_read(keypath, s->server_pub, sec, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		goto out;
	}
	s->router = zmq_socket(s->ctx, ZMQ_ROUTER);
	/* libzmq keeps its own copy of the CURVE secret key for the life of
	 * the socket: we accept that, and wipe ours at once. */
	if (s->router == NULL ||
	    zmq_setsockopt(s->router, ZMQ_CURVE_SERVER, &one, sizeof(one)) ||
	    zmq_setsockopt(s->router, ZMQ_CURVE_SECRETKEY, sec, KEYFILE_Z85_LEN) ||
	    zmq_setsockopt(s->router, ZMQ_ZAP_DOMAIN, "isa", 3) ||
	    zmq_setsockopt(s->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) ||
	    zmq_setsockopt(s->router, ZMQ_HANDSHAKE_IVL, &hs, sizeof(hs)) ||
	    zmq_setsockopt(s->router, ZMQ_LINGER, &linger, sizeof(linger))) {
		log_warnx("cannot set up the server socket: %s",
		    zmq_strerror(errno));
		goto out;
	}
	if (zmq_bind(s->router, s->cfg->listen) != 0) {
		log_warnx("cannot listen on %s: %s", s->cfg->listen,
		    zmq_strerror(errno));
		goto out;
	}
	/* With a wildcard port ("tcp://127.0.0.1:*") this is the real one. */
	epl = sizeof(s->endpoint);
	if (zmq_getsockopt(s->router, ZMQ_LAST_ENDPOINT, s->endpoint, &epl))
		snprintf(s->endpoint, sizeof(s->endpoint), "%s", s->cfg->listen);
	rc = 0;
out:
	isa_wipe(sec, sizeof(sec));
	free(keypath);
	return rc;
}

static int
server_setup(server_t *s)
{
	char err[512];
	sigset_t set;

	/* Block the signals we handle before libzmq starts its threads, so
	 * that only signalfd sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (s->sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		log_warn("cannot set up signal handling");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((s->lockfd = datadir_lock(s->cfg->data_dir, err, sizeof(err))) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (server_load_policy(s->cfg, 0) != 0)
		return -1;
	if ((s->ctx = zmq_ctx_new()) == NULL ||
	    (s->zap = zap_start(s->ctx)) == NULL)
		return -1;
	return server_open_router(s);
}

static void
server_teardown(server_t *s)
{
	if (s->router != NULL)
		zmq_close(s->router);
	if (s->ctx != NULL) {
		zmq_ctx_shutdown(s->ctx);
		zap_join(s->zap);
		zmq_ctx_term(s->ctx);
	}
	current_policy_set(NULL);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->lockfd >= 0)
		close(s->lockfd);
}

int
server_run(const isad_config_t *cfg)
{
	server_t s = { .cfg = cfg, .sigfd = -1, .lockfd = -1 };
	int stop = 0, status = 1;

	if (server_setup(&s) != 0)
		goto out;
	log_info("serving on %s; server key %s", s.endpoint, s.server_pub);
	(void)notify_send("READY=1");
	while (!stop) {
		zmq_pollitem_t items[] = {
			{ s.router, 0, ZMQ_POLLIN, 0 },
			{ NULL, s.sigfd, ZMQ_POLLIN, 0 },
		};

		if (zmq_poll(items, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_warnx("poll: %s", zmq_strerror(errno));
			goto out;
		}
		if (items[0].revents & ZMQ_POLLIN)
			server_drain(&s);
		if (items[1].revents & ZMQ_POLLIN)
			stop = server_signal(&s);
	}
	(void)notify_send("STOPPING=1");
	status = 0;
out:
	server_teardown(&s);
	if (status == 0)
		log_info("stopped");
	return status;
}
