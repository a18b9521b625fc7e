/* startup.c: isad's start-up and its undoing: what the loop runs on (server_t), wired up from isad.conf, and released. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <zmq.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/timefmt.h"
#include "common/wipe.h"
#include "daemon/audit/audit.h"
#include "daemon/ctx/current.h"
#include "daemon/docs/auditq.h"
#include "daemon/docs/download.h"
#include "daemon/docs/rekey.h"
#include "daemon/docs/sweeper.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/passphrase.h"
#include "daemon/serve/notify.h"
#include "daemon/serve/startup.h"
#include "daemon/store/datadir.h"
#include "policy/marking.h"

/*
 * Messages queued for one connection each way.  A client that reads its
 * replies has at most its window in flight (isa: 16 upload chunks, 8
 * download chunks); past this, replies to a connection that does not read
 * are dropped (a ROUTER drops at the mark), and a connection that sends
 * faster than isad reads waits in TCP, so that what isad holds for a
 * connection is bounded, not libzmq's default of 1000 messages a way.
 */
#define SERVER_PEER_HWM 64
/* Refusals on connections no longer enrolled: one count a user a minute
 * (stale.h), under limits.handshake_records records a minute. */
#define SERVER_STALE_WINDOW_MS 60000

/* An audit record the daemon writes for itself (start, reload), made
 * durable through the writer; freed when done. */
typedef struct {
	writer_op_t op;
	audit_entry_t e;
	char reason[64];
	uint8_t policy_sha[SHA256_LEN], config_sha[SHA256_LEN];
	int64_t when_ms;
} event_t;

static int
event_apply(store_txn_t *txn, writer_op_t *op)
{
	event_t *ev = (event_t *)(void *)op;

	return audit_append(txn, &ev->e, ev->when_ms, NULL);
}

/* Kept whole by the outage, to be written when commits resume. */
static void
event_refused(writer_op_t *op, void *outage)
{
	event_t *ev = (event_t *)(void *)op;

	outage_keep(outage, &ev->e, op->rc, ev->when_ms);
}

static void
event_done(writer_op_t *op)
{
	if (op->rc != 0)
		log_warnx("cannot record a daemon event in the audit log yet: "
		    "%s; it is written when the store commits again",
		    isa_strerror(op->rc));
	free(op);
}

/* Record action (start, reload) with the SHA-256 of both files. */
static void
startup_event(server_t *s, const char *action, const char *decision,
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
	ev->when_ms = clock_wall_ms();
	ev->op.apply = event_apply;
	ev->op.refused = event_refused;
	ev->op.done = event_done;
	writer_submit(s->writer, &ev->op);
}

int
startup_policy_load(server_t *s, int reload)
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
			startup_event(s, "reload", "error", "policy_error",
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
		startup_event(s, "reload", "permit", "ok", sha);
	return 0;
}

/* The writer's periodic work (after every batch, and when idle):
 * checkpoints, then retention; and if the store has failed, by any
 * commit, the main loop is woken to stop. */
static void
startup_tick(store_t *st, void *arg)
{
	const worker_env_t *env = arg;

	auditq_tick(st, arg);
	if (sweeper_tick(st, arg) || store_failed(st))
		queue_poke(env->results);
}

static int
startup_router(server_t *s)
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

/* The checkpoint signing key, DATA_DIR/audit.key, into the key holder,
 * in OpenSSL's secure heap where the process may lock memory. */
static int
startup_audit_key(server_t *s)
{
	char err[512], *path = NULL;
	bool locked = false;
	int rc;

	if (datadir_path(s->cfg->data_dir, "audit.key", &path) != 0)
		return -1;
	rc = keys_signing_load(s->keys, path, &locked, err, sizeof(err));
	if (!locked)
		log_info("the audit signing key is not in locked memory");
	free(path);
	if (rc != 0) {
		log_warnx("%s", err);
		return -1;
	}
	return 0;
}

/* Each step of a store upgrade (one transaction that may take minutes
 * for a large store: every index built from the records): systemd is told
 * to wait up to UPGRADE_STEP_S longer for readiness, and `systemctl
 * status` says what isad is doing. */
#define UPGRADE_STEP_S 600

static void
startup_upgrading(const char *what)
{
	char state[200];

	snprintf(state, sizeof(state), "EXTEND_TIMEOUT_USEC=%llu\nSTATUS="
	    "upgrading the store: indexing the %s",
	    (unsigned long long)UPGRADE_STEP_S * 1000000ULL, what);
	(void)notify_send(state);
}

/* The master key, the store and the threads that use them. */
static int
startup_store(server_t *s)
{
	char err[512], pass[PASSPHRASE_MAX], *path = NULL;
	size_t plen = 0;
	int rc;

	if (crypto_init() != 0) {
		log_warnx("cannot initialise libgcrypt");
		return -1;
	}
	rc = passphrase_get(s->cfg->passphrase_file, pass, &plen, err,
	    sizeof(err));
	if (rc == 0)
		rc = keys_open(s->cfg->master_key, plen ? pass : NULL,
		    plen, &s->keys, err, sizeof(err));
	store_upgrade_progress(startup_upgrading);
	if (rc == 0)
		rc = store_open(s->cfg->data_dir, s->cfg->map_size, &s->store,
		    err, sizeof(err));
	if (rc == 0)
		rc = rekey_check(s->cfg, s->store, s->keys, plen ? pass : NULL,
		    plen, err, sizeof(err));
	isa_wipe(pass, sizeof(pass));
	if (rc != 0) {
		log_warnx("%s", err);
		return -1;
	}
	s->env.keys = s->keys;
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
	if (startup_audit_key(s) != 0)
		return -1;
	/* Retention first, before anyone is served, for a slice at most
	 * (sweeper.h): a backlog goes on in the writer's ticks, and what is
	 * past its destroy-after date is answered as destroyed meanwhile. */
	(void)sweeper_tick(s->store, &s->env);
	if ((s->writer = writer_start(s->store)) == NULL ||
	    (s->results = queue_new(true)) == NULL)
		return -1;
	writer_set_tick(s->writer, (int)s->cfg->checkpoint_ms, startup_tick,
	    &s->env);
	if (datadir_path(s->cfg->data_dir, OUTAGE_FILE, &path) != 0)
		return -1;
	s->outage = outage_new(path);
	free(path);
	if (s->outage == NULL)
		return -1;
	writer_set_backlog(s->writer, outage_pending, outage_apply,
	    outage_done, s->outage);
	startup_event(s, "start", "permit", "ok", s->policy_sha);
	s->env.writer = s->writer;
	s->env.results = s->results;
	if ((s->workers = workers_start((unsigned)s->cfg->workers, &s->env))
	    == NULL)
		return -1;
	if (s->cfg->workers == 0)
		log_info("workers = 0: requests run in the main loop");
	return 0;
}

int
startup_open(server_t *s)
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
	if (startup_policy_load(s, 0) != 0 || startup_store(s) != 0)
		return -1;
	if ((s->ctx = zmq_ctx_new()) == NULL ||
	    (s->zap = zap_start(s->ctx, s->writer,
	    (unsigned)s->cfg->handshake_records)) == NULL ||
	    (s->stale = stale_new(s->writer,
	    (unsigned)s->cfg->handshake_records, SERVER_STALE_WINDOW_MS)) ==
	    NULL)
		return -1;
	return startup_router(s);
}

void
startup_close(server_t *s)
{
	store_close(s->store);
	keys_close(s->keys);	/* both keys wiped */
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
