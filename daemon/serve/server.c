/* server.c: isad serving: the ROUTER loop, signals, reloads. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/logtally.h"
#include "daemon/ctx/current.h"
#include "daemon/serve/dispatch.h"
#include "daemon/ctx/job.h"
#include "daemon/serve/queue.h"
#include "daemon/store/store.h"
#include "daemon/serve/worker.h"
#include "daemon/store/writer.h"
#include "daemon/docs/download.h"
#include "daemon/serve/notify.h"
#include "common/timefmt.h"
#include "daemon/serve/server.h"
#include "daemon/serve/startup.h"
#include "daemon/audit/stale.h"
#include "daemon/docs/sweeper.h"
#include "daemon/docs/transfer.h"
#include "daemon/docs/watch.h"
#include "daemon/serve/zap.h"
#include "proto/envelope.h"

#define MAX_FRAMES 3	/* routing id, envelope, one content frame */
/* Requests read and not yet answered, at most: past it isad reads no
 * more until some are answered, and clients wait in TCP (back-pressure
 * instead of a queue that grows with what clients send). */
#define SERVER_IN_FLIGHT 512

/* Encode j's reply and send it, with its content frame, to its peer. */
static void
server_send(server_t *s, job_t *j)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	if (j->resp.status == ISA__STATUS__STATUS_UNSPECIFIED)
		job_error(j, ISA__STATUS__INTERNAL, "isad gave no answer: "
		    "this is a bug; tell the operator");
	if (envelope_encode(&j->resp, &buf, &len) != 0) {
		log_warnx("out of memory encoding a reply");
		return;
	}
	if (zmq_send(s->router, j->rid, j->rid_len, ZMQ_SNDMORE) < 0 ||
	    zmq_send(s->router, buf, len, j->has_out ? ZMQ_SNDMORE : 0) < 0 ||
	    (j->has_out && zmq_msg_send(&j->out, s->router, 0) < 0))
		log_debug("reply not sent: %s", zmq_strerror(errno));
	free(buf);
}

/* j goes on its way (to a worker, or the writer) and comes back through
 * the results queue: count it. */
static void
server_flight(server_t *s, job_t *j)
{
	j->loop.in_flight = true;
	s->in_flight++;
}

/* The log's words for a job_identity refusal. */
static const char *
server_refusal_text(const char *code)
{
	if (strcmp(code, "disabled") == 0)
		return "disabled";
	if (strcmp(code, "key_replaced") == 0)
		return "its key replaced since it connected";
	return "no longer enrolled";
}

/* Judge one message: frames f[0] routing id, f[1] envelope, f[2] content.
 * Answers at once when it can; otherwise hands a job to a worker. */
static void
server_handle(server_t *s, zmq_msg_t *f, int nframes, int too_many)
{
	job_t *j = job_new(zmq_msg_data(&f[0]), zmq_msg_size(&f[0]));
	const char *uid, *key, *code = "not_enrolled";
	char err[256];
	int route;

	if (j == NULL) {
		log_warnx("out of memory: a request was dropped");
		return;
	}
	server_flight(s, j);
	j->loop.results = s->results;
	j->now = clock_wall_s();
	uid = nframes >= 2 ? zmq_msg_gets(&f[1], "User-Id") : NULL;
	key = nframes >= 2 ? zmq_msg_gets(&f[1], ZAP_KEY_PROPERTY) : NULL;
	j->policy = current_policy_get();
	/* Identity comes from the ZAP User-Id alone, and the key the
	 * connection authenticated with rides along (ZAP metadata): the user
	 * is looked up in the policy in force at every request, and must
	 * still have that key; the record names the key actually used. */
	j->now_ms = clock_wall_ms();
	j->audit.action = "invalid";
	if (key != NULL && strlen(key) == sizeof(j->audit.key) - 1)
		memcpy(j->audit.key, key, sizeof(j->audit.key));
	if (uid != NULL && j->audit.key[0] != '\0' && j->policy != NULL &&
	    strlen(uid) < sizeof(j->user)) {
		const policy_user_t *u;
		policy_user_view_t v;

		strcpy(j->user, uid);
		code = job_identity(j->policy, uid, j->audit.key, j->now, &u);
		if (u != NULL) {
			policy_user_view(j->policy, u, j->now, &v);
			j->audit.agency = job_strdup(j, v.agency);
		}
		if (code == NULL)
			j->subject = u;
	}
	if (j->subject == NULL) {
		job_error(j, ISA__STATUS__UNAUTHENTICATED, "your key is no "
		    "longer enrolled or your account is disabled: ask the "
		    "operator");
		j->audit.reason = code;
		/* A connection that outlived its user or key could send
		 * refusals as fast as it likes: the first of a user in a
		 * window is recorded with its request, the rest are counted
		 * into one record (stale.h), as refused handshakes are. */
		if (stale_refused(s->stale, j->now_ms, uid != NULL ? uid : "",
		    j->audit.key, code))
			log_notice("request from %s with key %s refused: %s",
			    uid != NULL ? uid : "an unknown peer",
			    j->audit.key[0] != '\0' ? j->audit.key : "(none)",
			    server_refusal_text(code));
		else
			j->audit.write = false;
		goto reply;
	}
	if (too_many || nframes < 2) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "a request is one "
		    "envelope frame and at most one content frame");
		goto reply;
	}
	if (envelope_decode(zmq_msg_data(&f[1]), zmq_msg_size(&f[1]),
	    ENVELOPE_REQUEST, &j->req, err, sizeof(err)) != 0) {
		if (logtally_first("bad requests", uid != NULL ? uid : "",
		    j->now_ms))
			log_notice("bad request from %s: %s", uid, err);
		job_error(j, ISA__STATUS__BAD_REQUEST, "%s", err);
		goto reply;
	}
	if (nframes == 3) {
		zmq_msg_init(&j->content);
		zmq_msg_move(&j->content, &f[2]);
		j->has_content = true;
	}
	j->audit.action = dispatch_action(j->req);
	j->loop.watch_gen = s->news;
	route = dispatch_worker(j->req);
	workers_submit(s->workers, j, route >= 0 ? (unsigned)route :
	    s->next_worker++);
	return;
reply:
	/* Refused here, and audited like any other request before the
	 * refusal leaves. */
	if (j->req == NULL && nframes >= 2) {
		Isa__Envelope *probe = envelope_probe(zmq_msg_data(&f[1]),
		    zmq_msg_size(&f[1]));

		if (probe != NULL) {
			j->resp.request_id = probe->request_id;
			j->audit.action = dispatch_action(probe);
			envelope_free(probe);
		}
	}
	worker_finish(s->writer, j);
}

static void server_rewatch(server_t *s);

/* A job whose change or record the store could not commit: UNAVAILABLE,
 * saying why in the words the log uses (a full disk as one). */
static void
server_unrecorded(server_t *s, job_t *j)
{
	char why[PATH_MAX + 64];

	store_fault_text(s->store, j->op.rc, why, sizeof(why));
	if (j->op.rc == ISA_ERR_PANIC)
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad could not "
		    "confirm whether this was recorded (%s): look before you "
		    "try again; isad restarts", why);
	else
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad could not "
		    "record this, because %s: nothing was changed; try again "
		    "later, and tell the operator if it goes on", why);
}

/* Finished jobs: a failed write becomes UNAVAILABLE; then reply, or hold
 * a watch that has nothing to say yet. */
static void
server_results(server_t *s)
{
	int64_t now = clock_mono_ms();
	bool news = false;
	job_t *j;

	queue_fd_clear(s->results);
	/* A retention sweep told readers something (an embargo lifted, a
	 * review is due): held watches look again. */
	if (sweeper_news_take()) {
		news = true;
		s->news++;
	}
	while ((j = queue_pop(s->results, 0)) != NULL) {
		if (j->loop.in_flight) {
			j->loop.in_flight = false;
			s->in_flight--;
		}
		if (j->op.apply != NULL && j->op.rc != 0)
			server_unrecorded(s, j);
		if (j->after != NULL)
			j->after(j);
		if (j->req != NULL)
			log_debug("request %llu from %s: %s",
			    (unsigned long long)j->req->request_id, j->user,
			    envelope_status_name(j->resp.status));
		if (j->notifies && j->resp.status == ISA__STATUS__OK) {
			news = true;
			s->news++;
		}
		if (!s->stopping && watches_hold(s->watches, j, now,
		    j->loop.watch_gen != s->news))
			continue;
		server_send(s, j);
		job_free(j);
	}
	if (news)
		server_rewatch(s);
}

/*
 * Send the held watches that are due (all: every one) with their empty
 * replies.
 */
static void
server_watches_due(server_t *s, bool all)
{
	job_t *j = watches_take(s->watches, clock_mono_ms(), all), *next;

	for (; j != NULL; j = next) {
		next = j->loop.watch_next;
		server_send(s, j);
		job_free(j);
	}
}

/*
 * Something that may add inbox entries committed, or the policy changed:
 * every held watch takes a new look, as its user stands in the policy now
 * (a user disabled or removed meanwhile is cut off).  The look is not
 * audited again: the watch's record was written when it arrived.
 */
static void
server_rewatch(server_t *s)
{
	job_t *j, *next;

	if (s->stopping)
		return;
	for (j = watches_take(s->watches, 0, true); j != NULL; j = next) {
		policy_t *p = current_policy_get();
		const policy_user_t *u;

		next = j->loop.watch_next;
		j->loop.watch_next = NULL;
		/* Cut off, with a record of its own: the user's key must
		 * still be the one the connection authenticated with. */
		if (job_identity(p, j->user, j->audit.key, clock_wall_s(),
		    &u) != NULL) {
			policy_unref(p);
			log_notice("inbox watch of %s with key %s closed: no "
			    "longer enrolled, disabled or its key replaced",
			    j->user, j->audit.key);
			job_error(j, ISA__STATUS__UNAUTHENTICATED, "your key is "
			    "no longer enrolled or your account is disabled: "
			    "ask the operator");
			j->now_ms = clock_wall_ms();
			j->audit.write = true;
			j->change = NULL;
			j->after = NULL;
			server_flight(s, j);
			worker_finish(s->writer, j);
			continue;
		}
		policy_unref(j->policy);
		j->policy = p;
		j->subject = u;
		j->now = clock_wall_s();
		j->now_ms = clock_wall_ms();
		isa__envelope__init(&j->resp);
		j->loop.watch_gen = s->news;
		j->audit.write = false;
		j->change = NULL;
		j->after = NULL;
		server_flight(s, j);
		workers_submit(s->workers, j, s->next_worker++);
	}
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
	int n = 0, too_many;

	/* A bounded burst, so that results and signals are not starved. */
	for (int burst = 0; burst < 256 && s->in_flight < SERVER_IN_FLIGHT;
	    burst++) {
		if (server_recv(s, f, &n, &too_many) != 0)
			break;
		server_handle(s, f, n, too_many);
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
		n = 0;
	}
	/* What a failed receive left. */
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
}

/* READY=1 with the STATUS= line `systemctl status` shows while serving. */
static void
server_notify_serving(const server_t *s)
{
	policy_t *p = current_policy_get();

	(void)notify_status(1, "serving on %s, %zu users", s->endpoint,
	    p != NULL ? policy_user_count(p) : 0);
	policy_unref(p);
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
		(void)notify_send("RELOADING=1\nSTATUS=reloading");
		/* Open transfers are re-decided under the new policy (DESIGN
		 * §4), each by the worker holding it. */
		if (startup_policy_load(s, 1) == 0)
			workers_redecide(s->workers);
		server_rewatch(s);
		server_notify_serving(s);
		return 0;
	}
	log_info("%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return 1;
}

static void
server_teardown(server_t *s)
{
	/* In-flight work finishes and its commits land; the ZAP thread's last
	 * counts too; then the replies go out while the socket lingers. */
	s->stopping = true;
	workers_stop(s->workers);
	zap_join(s->zap);
	stale_free(s->stale);	/* its last counts, while the writer runs */
	writer_stop(s->writer);
	outage_free(s->outage);	/* says what it could not record */
	logtally_flush(0, true);
	if (s->results != NULL) {
		if (s->router != NULL)
			server_results(s);
		queue_free(s->results);
	}
	if (s->watches != NULL) {
		server_watches_due(s, true);	/* their empty replies */
		watches_free(s->watches);
	}
	startup_close(s);
}

int
server_run(const isad_config_t *cfg)
{
	server_t s = { .cfg = cfg, .sigfd = -1, .lockfd = -1 };
	int stop = 0, status = 1;
	/* WatchdogSec: pinged from this loop alone, so that a loop that
	 * hangs stops pinging and systemd restarts isad. */
	long dog = notify_watchdog_ms();
	int64_t dog_next = 0;

	if (startup_open(&s) != 0)
		goto out;
	log_info("serving on %s; server key %s", s.endpoint, s.server_pub);
	server_notify_serving(&s);
	while (!stop) {
		/* Back-pressure: no new requests while enough are in hand. */
		zmq_pollitem_t items[] = {
			{ s.router, 0, s.in_flight < SERVER_IN_FLIGHT ?
			    ZMQ_POLLIN : 0, 0 },
			{ NULL, s.sigfd, ZMQ_POLLIN, 0 },
			{ NULL, queue_fd(s.results), ZMQ_POLLIN, 0 },
		};
		int wait = watches_due_ms(s.watches, clock_mono_ms());
		int expire = workers_tick(s.workers);

		if (expire >= 0 && (wait < 0 || expire < wait))
			wait = expire;
		/* A window of counted refusals ends even when all is quiet. */
		stale_flush(s.stale, clock_wall_ms(), false);
		if (wait < 0 || wait > 1000)
			wait = 1000;
		if (dog > 0) {
			int64_t now = clock_mono_ms();

			if (now >= dog_next) {
				(void)notify_send("WATCHDOG=1");
				dog_next = now + dog;
			}
			if (dog_next - now < wait)
				wait = (int)(dog_next - now);
		}
		if (zmq_poll(items, 3, wait) < 0) {
			if (errno == EINTR)
				continue;
			log_warnx("poll: %s", zmq_strerror(errno));
			goto out;
		}
		if (items[0].revents & ZMQ_POLLIN)
			server_drain(&s);
		if (items[2].revents & ZMQ_POLLIN)
			server_results(&s);
		if (items[1].revents & ZMQ_POLLIN)
			stop = server_signal(&s);
		server_watches_due(&s, false);
		logtally_flush(clock_wall_ms(), false);
		if (store_failed(s.store)) {
			/* Only a reopen serves again: exit 1, so that the
			 * service manager restarts isad. */
			log_warnx("isad stops: its store must be reopened; "
			    "start isad again (systemd does)");
			(void)notify_send("STOPPING=1\nSTATUS=stopping: the "
			    "store must be reopened");
			goto out;
		}
	}
	(void)notify_send("STOPPING=1\nSTATUS=stopping");
	status = 0;
out:
	server_teardown(&s);
	if (status == 0)
		log_info("stopped");
	return status;
}
