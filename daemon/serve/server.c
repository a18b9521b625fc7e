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

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "daemon/ctx/current.h"
#include "daemon/store/datadir.h"
#include "daemon/serve/handlers.h"
#include "daemon/ctx/job.h"
#include "daemon/keys/kekref.h"
#include "daemon/serve/queue.h"
#include "daemon/store/store.h"
#include "daemon/serve/worker.h"
#include "daemon/store/writer.h"
#include "daemon/keys/crypto.h"
#include "daemon/docs/docs.h"
#include "daemon/serve/notify.h"
#include "daemon/keys/passphrase.h"
#include "daemon/audit/audit.h"
#include "daemon/docs/auditq.h"
#include "proto/checkpoint.h"
#include "proto/sha256.h"
#include "common/paths.h"
#include "common/timefmt.h"
#include "daemon/docs/rekey.h"
#include "policy/marking.h"
#include "daemon/serve/server.h"
#include "daemon/audit/stale.h"
#include "daemon/docs/sweeper.h"
#include "daemon/docs/transfer.h"
#include "daemon/docs/watch.h"
#include "daemon/serve/zap.h"
#include "proto/envelope.h"
#include "proto/keyfile.h"

#define MAX_FRAMES 3	/* routing id, envelope, one content frame */
/*
 * Messages queued for one connection each way.  A client that reads its
 * replies has at most its window in flight (isa: 16 upload chunks, 8
 * download chunks); past this, replies to a connection that does not read
 * are dropped (a ROUTER drops at the mark), and a connection that sends
 * faster than isad reads waits in TCP, so that what isad holds for a
 * connection is bounded, not libzmq's default of 1000 messages a way.
 */
#define SERVER_PEER_HWM 64
/* Requests read and not yet answered, at most: past it isad reads no
 * more until some are answered, and clients wait in TCP (back-pressure
 * instead of a queue that grows with what clients send). */
#define SERVER_IN_FLIGHT 512
/* Refusals on connections no longer enrolled: one count a user a minute
 * (stale.h), under limits.handshake_records records a minute. */
#define SERVER_STALE_WINDOW_MS 60000

typedef struct {
	const isad_config_t *cfg;
	void *ctx;
	void *router;
	zap_t *zap;
	int sigfd;
	int lockfd;
	char server_pub[KEYFILE_Z85_LEN + 1];
	char endpoint[256];	/* what we are bound to */
	uint8_t policy_sha[SHA256_LEN];	/* of the policy in force */
	crypto_kek_t *kek;	/* until it goes into keys */
	kekref_t *keys;
	EVP_PKEY *audit_key;
	store_t *store;
	writer_t *writer;
	workers_t *workers;
	queue_t *results;
	worker_env_t env;
	unsigned next_worker;
	watches_t *watches;	/* inbox watches held for news */
	uint64_t news;		/* notifying commits so far */
	bool stopping;		/* no more holding or new looks */
	stale_t *stale;		/* refusals on connections no longer enrolled */
	unsigned in_flight;	/* jobs handed on and not yet back */
} server_t;

/* An audit record the daemon writes for itself (start, reload), made
 * durable through the writer; freed when done. */
typedef struct {
	writer_op_t op;
	audit_entry_t e;
	char reason[64];
	uint8_t policy_sha[SHA256_LEN], config_sha[SHA256_LEN];
} event_t;

static int
event_apply(store_txn_t *txn, writer_op_t *op)
{
	event_t *ev = (event_t *)(void *)op;

	return audit_append(txn, &ev->e, clock_wall_ms(), NULL);
}

static void
event_done(writer_op_t *op)
{
	if (op->rc != 0)
		log_warnx("cannot record a daemon event in the audit log: %s",
		    isa_strerror(op->rc));
	free(op);
}

/* Record action (start, reload) with the SHA-256 of both files. */
static void
server_event(server_t *s, const char *action, const char *decision,
    const char *reason, const uint8_t *policy_sha)
{
	event_t *ev = calloc(1, sizeof(*ev));
	char *text = NULL;

	if (ev == NULL)
		return;
	ev->e.action = action;
	ev->e.decision = decision;
	snprintf(ev->reason, sizeof(ev->reason), "%s", reason);
	ev->e.reason = ev->reason;
	if (policy_sha != NULL) {
		memcpy(ev->policy_sha, policy_sha, SHA256_LEN);
		ev->e.sha256 = ev->policy_sha;
	}
	if (paths_read_file(s->cfg->path, 1 << 20, &text) == 0) {
		sha256(text, strlen(text), ev->config_sha);
		ev->e.config_sha256 = ev->config_sha;
	}
	free(text);
	ev->op.apply = event_apply;
	ev->op.done = event_done;
	writer_submit(s->writer, &ev->op);
}

/* Load policy.conf (hashing exactly the bytes loaded); install it on
 * success.  On reload the outcome is audited either way. */
static int
server_load_policy(server_t *s, int reload)
{
	const isad_config_t *cfg = s->cfg;
	char err[512], *text = NULL;
	uint8_t sha[SHA256_LEN];
	policy_t *p = NULL;
	bool hashed = false;
	int rc;

	if ((rc = paths_read_file(cfg->policy, 4 << 20, &text)) != 0)
		snprintf(err, sizeof(err), "%s: cannot read: %s", cfg->policy,
		    rc == ISA_ERR_RANGE ? "larger than 4 MiB" : strerror(errno));
	else {
		sha256(text, strlen(text), sha);
		hashed = true;
		rc = policy_load_string(text, cfg->policy, &p, err,
		    sizeof(err));
	}
	free(text);
	if (rc != 0) {
		if (reload) {
			log_warnx("policy reload refused, the old policy stays: "
			    "%s", err);
			server_event(s, "reload", "error", "policy_error",
			    hashed ? sha : NULL);
		} else
			log_warnx("%s", err);
		return -1;
	}
	log_info("policy %s: %s %zu users in %zu agencies, %zu groups",
	    cfg->policy, reload ? "reloaded:" : "loaded:",
	    policy_user_count(p), policy_agency_count(p), policy_group_count(p));
	current_policy_set(p);
	memcpy(s->policy_sha, sha, SHA256_LEN);
	if (reload)
		server_event(s, "reload", "permit", "ok", sha);
	return 0;
}

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
	j->in_flight = true;
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
	j->results = s->results;
	j->now = clock_wall_s();
	uid = nframes >= 2 ? zmq_msg_gets(&f[1], "User-Id") : NULL;
	key = nframes >= 2 ? zmq_msg_gets(&f[1], ZAP_KEY_PROPERTY) : NULL;
	j->policy = current_policy_get();
	/* Identity comes from the ZAP User-Id alone, and the key the
	 * connection authenticated with rides along (ZAP metadata): the user
	 * is looked up in the policy in force at every request, and must
	 * still have that key; the record names the key actually used. */
	j->now_ms = clock_wall_ms();
	j->a_action = "invalid";
	if (key != NULL && strlen(key) == sizeof(j->a_key) - 1)
		memcpy(j->a_key, key, sizeof(j->a_key));
	if (uid != NULL && j->a_key[0] != '\0' && j->policy != NULL &&
	    strlen(uid) < sizeof(j->user)) {
		const policy_user_t *u;
		policy_user_view_t v;

		strcpy(j->user, uid);
		code = job_identity(j->policy, uid, j->a_key, j->now, &u);
		if (u != NULL) {
			policy_user_view(j->policy, u, j->now, &v);
			j->a_agency = job_strdup(j, v.agency);
		}
		if (code == NULL)
			j->subject = u;
	}
	if (j->subject == NULL) {
		job_error(j, ISA__STATUS__UNAUTHENTICATED, "your key is no "
		    "longer enrolled or your account is disabled: ask the "
		    "operator");
		j->a_reason = code;
		/* A connection that outlived its user or key could send
		 * refusals as fast as it likes: the first of a user in a
		 * window is recorded with its request, the rest are counted
		 * into one record (stale.h), as refused handshakes are. */
		if (stale_refused(s->stale, j->now_ms, uid != NULL ? uid : "",
		    j->a_key, code))
			log_notice("request from %s with key %s refused: %s",
			    uid != NULL ? uid : "an unknown peer",
			    j->a_key[0] != '\0' ? j->a_key : "(none)",
			    server_refusal_text(code));
		else
			j->audited = false;
		goto reply;
	}
	if (too_many || nframes < 2) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "a request is one "
		    "envelope frame and at most one content frame");
		goto reply;
	}
	if (envelope_decode(zmq_msg_data(&f[1]), zmq_msg_size(&f[1]),
	    ENVELOPE_REQUEST, &j->req, err, sizeof(err)) != 0) {
		log_notice("bad request from %s: %s", uid, err);
		job_error(j, ISA__STATUS__BAD_REQUEST, "%s", err);
		goto reply;
	}
	if (nframes == 3) {
		zmq_msg_init(&j->content);
		zmq_msg_move(&j->content, &f[2]);
		j->has_content = true;
	}
	j->a_action = handlers_action(j->req);
	j->watch_gen = s->news;
	route = handlers_route(j);
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
			j->a_action = handlers_action(probe);
			envelope_free(probe);
		}
	}
	worker_finish(s->writer, j);
}

static void server_rewatch(server_t *s);

/* The writer's periodic work (after every batch, and when idle):
 * checkpoints, then retention; and if the store has failed, by any
 * commit, the main loop is woken to stop. */
static void
server_tick(store_t *st, void *arg)
{
	const worker_env_t *env = arg;

	auditq_tick(st, arg);
	if (sweeper_tick(st, arg) || store_failed(st))
		queue_poke(env->results);
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
		if (j->in_flight) {
			j->in_flight = false;
			s->in_flight--;
		}
		if (j->op.apply != NULL && j->op.rc == ISA_ERR_PANIC)
			job_error(j, ISA__STATUS__UNAVAILABLE, "isad could "
			    "not confirm whether this was recorded (%s): look "
			    "before you try again; isad restarts",
			    isa_strerror(j->op.rc));
		else if (j->op.apply != NULL && j->op.rc != 0)
			job_error(j, ISA__STATUS__UNAVAILABLE, "isad could not "
			    "record this (%s): nothing was changed; try again "
			    "later, and tell the operator if it goes on",
			    isa_strerror(j->op.rc));
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
		    j->watch_gen != s->news))
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
		next = j->watch_next;
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

		next = j->watch_next;
		j->watch_next = NULL;
		/* Cut off, with a record of its own: the user's key must
		 * still be the one the connection authenticated with. */
		if (job_identity(p, j->user, j->a_key, clock_wall_s(),
		    &u) != NULL) {
			policy_unref(p);
			log_notice("inbox watch of %s with key %s closed: no "
			    "longer enrolled, disabled or its key replaced",
			    j->user, j->a_key);
			job_error(j, ISA__STATUS__UNAUTHENTICATED, "your key is "
			    "no longer enrolled or your account is disabled: "
			    "ask the operator");
			j->now_ms = clock_wall_ms();
			j->audited = true;
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
		j->watch_gen = s->news;
		j->audited = false;
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
		/* Open transfers are re-decided under the new policy (DESIGN
		 * §4), each by the worker holding it. */
		if (server_load_policy(s, 1) == 0)
			workers_redecide(s->workers);
		server_rewatch(s);
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
	int hwm = SERVER_PEER_HWM;
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
	    zmq_setsockopt(s->router, ZMQ_SNDHWM, &hwm, sizeof(hwm)) ||
	    zmq_setsockopt(s->router, ZMQ_RCVHWM, &hwm, sizeof(hwm)) ||
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

/* The checkpoint signing key, DATA_DIR/audit.key, in OpenSSL's secure
 * heap where the process may lock memory. */
static int
server_load_audit_key(server_t *s)
{
	char err[512], *path = NULL;
	bool locked = false;
	int rc;

	if (checkpoint_key_heap_init(&locked) != 0 || !locked)
		log_info("the audit signing key is not in locked memory");
	if (datadir_path(s->cfg->data_dir, "audit.key", &path) != 0)
		return -1;
	rc = checkpoint_key_read_private(path, &s->audit_key, err,
	    sizeof(err));
	free(path);
	if (rc != 0) {
		log_warnx("%s", err);
		return -1;
	}
	return 0;
}

/* The master key, the store and the threads that use them. */
static int
server_open_store(server_t *s)
{
	char err[512], pass[PASSPHRASE_MAX];
	size_t plen = 0;
	int rc;

	if (crypto_init() != 0) {
		log_warnx("cannot initialise libgcrypt");
		return -1;
	}
	rc = passphrase_get(s->cfg->passphrase_file, pass, &plen, err,
	    sizeof(err));
	if (rc == 0)
		rc = crypto_kek_load(s->cfg->master_key, plen ? pass : NULL,
		    plen, &s->kek, err, sizeof(err));
	if (rc == 0)
		rc = store_open(s->cfg->data_dir, s->cfg->map_size, &s->store,
		    err, sizeof(err));
	if (rc == 0)
		rc = rekey_check(s->cfg, s->store, &s->kek, plen ? pass : NULL,
		    plen, err, sizeof(err));
	isa_wipe(pass, sizeof(pass));
	if (rc != 0) {
		log_warnx("%s", err);
		return -1;
	}
	s->keys = kekref_new(s->kek);
	s->kek = NULL;
	if (s->keys == NULL) {
		log_warnx("out of memory");
		return -1;
	}
	s->env.kek = s->keys;
	s->env.kek_passphrase = plen > 0;
	s->env.cfg = s->cfg;
	s->env.store = s->store;
	if (policy_classification_parse(s->cfg->accreditation,
	    &s->env.accreditation) != 0)
		return -1;	/* isad_config_load checked it */
	if ((rc = docs_sweep_orphans(s->store)) > 0)
		log_info("deleted the chunks of %d upload(s) cut off before "
		    "they ended", rc);
	else if (rc < 0)
		log_warnx("cannot sweep unfinished uploads yet: %s",
		    isa_strerror(rc));
	if (server_load_audit_key(s) != 0)
		return -1;
	/* Retention first, before anyone is served: what is past its
	 * destroy-after date is gone before the first request. */
	(void)sweeper_tick(s->store, &s->env);
	if ((s->writer = writer_start(s->store)) == NULL ||
	    (s->results = queue_new(true)) == NULL)
		return -1;
	s->env.audit_key = s->audit_key;
	writer_set_tick(s->writer, (int)s->cfg->checkpoint_ms, server_tick,
	    &s->env);
	server_event(s, "start", "permit", "ok", s->policy_sha);
	s->env.writer = s->writer;
	s->env.results = s->results;
	if ((s->workers = workers_start((unsigned)s->cfg->workers, &s->env))
	    == NULL)
		return -1;
	if (s->cfg->workers == 0)
		log_info("workers = 0: requests run in the main loop");
	return 0;
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
	if ((s->watches = watches_new()) == NULL) {
		log_warnx("out of memory");
		return -1;
	}
	if ((s->lockfd = datadir_lock(s->cfg->data_dir, err, sizeof(err))) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (server_load_policy(s, 0) != 0 || server_open_store(s) != 0)
		return -1;
	if ((s->ctx = zmq_ctx_new()) == NULL ||
	    (s->zap = zap_start(s->ctx, s->writer,
	    (unsigned)s->cfg->handshake_records)) == NULL ||
	    (s->stale = stale_new(s->writer,
	    (unsigned)s->cfg->handshake_records, SERVER_STALE_WINDOW_MS)) ==
	    NULL)
		return -1;
	return server_open_router(s);
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
	if (s->results != NULL) {
		if (s->router != NULL)
			server_results(s);
		queue_free(s->results);
	}
	if (s->watches != NULL) {
		server_watches_due(s, true);	/* their empty replies */
		watches_free(s->watches);
	}
	store_close(s->store);
	crypto_kek_free(s->kek);
	kekref_free(s->keys);
	checkpoint_key_free(s->audit_key);
	if (s->router != NULL)
		zmq_close(s->router);
	if (s->ctx != NULL)
		zmq_ctx_term(s->ctx);
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
		if (store_failed(s.store)) {
			/* Only a reopen serves again: exit 1, so that the
			 * service manager restarts isad. */
			log_warnx("isad stops: its store must be reopened; "
			    "start isad again (systemd does)");
			(void)notify_send("STOPPING=1");
			goto out;
		}
	}
	(void)notify_send("STOPPING=1");
	status = 0;
out:
	server_teardown(&s);
	if (status == 0)
		log_info("stopped");
	return status;
}
