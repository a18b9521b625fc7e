/* zap.c: the ZAP handler thread: CURVE only, enrolled and enabled users only (RFC 27). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/log.h"
#include "common/err.h"
#include "common/timefmt.h"
#include "daemon/audit.h"
#include "daemon/current.h"
#include "daemon/writer.h"
#include "daemon/zap.h"

#define ZAP_FRAMES 7	/* version .. credentials, for CURVE */
#define ZAP_WINDOW_MS 60000	/* refusals from one (key, address) per record */

/* Refusals from one (key, address) within a minute. */
struct refusal {
	uint8_t key[32];
	char addr[64];
	char user[128];
	const char *reason;
	int64_t since_ms;	/* the window's start */
	uint64_t repeats;	/* refusals after the first, in the window */
	struct refusal *next;
};

struct zap {
	void *sock;
	void *ctl;		/* the thread's end of the stop signal */
	void *ctl_main;		/* zap_join's end */
	pthread_t thread;
	writer_t *writer;
	struct refusal *refusals;
};

/* One refused-handshake record on its way to the writer. */
typedef struct {
	writer_op_t op;
	audit_entry_t e;
	char key[41], user[128];
	const char *reason;
} zap_event_t;

static int
zap_event_apply(store_txn_t *txn, writer_op_t *op)
{
	zap_event_t *ev = (zap_event_t *)(void *)op;

	return audit_append(txn, &ev->e, timefmt_now_ms(), NULL);
}

static void
zap_event_done(writer_op_t *op)
{
	if (op->rc != 0)
		log_warnx("cannot audit a refused handshake: %s",
		    isa_strerror(op->rc));
	free(op);
}

static void
zap_audit(zap_t *z, const struct refusal *r, uint64_t count)
{
	zap_event_t *ev = calloc(1, sizeof(*ev));

	if (ev == NULL || z->writer == NULL) {
		free(ev);
		return;
	}
	zmq_z85_encode(ev->key, r->key, 32);
	snprintf(ev->user, sizeof(ev->user), "%s", r->user);
	ev->e.actor = ev->user;
	ev->e.key = ev->key;
	ev->e.action = "handshake";
	ev->e.decision = "deny";
	ev->e.reason = r->reason;
	ev->e.count = count;
	ev->op.apply = zap_event_apply;
	ev->op.done = zap_event_done;
	writer_submit(z->writer, &ev->op);
}

/* Record the repeats of windows that have ended, and forget them. */
static void
zap_flush(zap_t *z, int64_t now)
{
	struct refusal **p = &z->refusals;

	while (*p != NULL) {
		struct refusal *r = *p;

		if (now - r->since_ms < ZAP_WINDOW_MS) {
			p = &r->next;
			continue;
		}
		if (r->repeats > 0)
			zap_audit(z, r, r->repeats);
		*p = r->next;
		free(r);
	}
}

/* A refusal: recorded at once if it is the first in its window. */
static void
zap_refused(zap_t *z, const uint8_t *key, const char *addr, const char *user,
    const char *reason)
{
	int64_t now = timefmt_now_ms();
	struct refusal *r;

	zap_flush(z, now);
	for (r = z->refusals; r != NULL; r = r->next)
		if (memcmp(r->key, key, 32) == 0 && strcmp(r->addr, addr) == 0) {
			r->repeats++;
			return;
		}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return;
	memcpy(r->key, key, 32);
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
	snprintf(r->user, sizeof(r->user), "%s", user);
	r->reason = reason;
	r->since_ms = now;
	r->next = z->refusals;
	z->refusals = r;
	zap_audit(z, r, 1);
}

/* Receive one ZAP request: exactly ZAP_FRAMES frames, else drained and -1. */
static int
zap_recv(void *sock, zmq_msg_t *f, int *nframes)
{
	int more = 1, n = 0;

	while (more) {
		zmq_msg_t scratch, *m = n < ZAP_FRAMES ? &f[n] : &scratch;

		zmq_msg_init(m);
		if (zmq_msg_recv(m, sock, 0) < 0) {
			zmq_msg_close(m);
			*nframes = n < ZAP_FRAMES ? n : ZAP_FRAMES;
			return -1;
		}
		more = zmq_msg_more(m);
		if (m == &scratch)
			zmq_msg_close(m);
		n++;
	}
	*nframes = n < ZAP_FRAMES ? n : ZAP_FRAMES;
	return n >= 6 ? 0 : -2;
}

static int
zap_send_str(void *sock, const char *s, int more)
{
	return zmq_send(sock, s, strlen(s), more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

/*
 * The metadata frame of a reply (RFC 27, in ZMTP 3.0's form: a name of one
 * length byte, a value of four, big-endian): the key the connection
 * authenticated with, so that every message on it carries it.
 */
static size_t
zap_metadata(uint8_t *out, const char *key)
{
	static const char name[] = ZAP_KEY_PROPERTY;
	size_t nl = sizeof(name) - 1, kl = strlen(key);

	out[0] = (uint8_t)nl;
	memcpy(out + 1, name, nl);
	out[1 + nl] = (uint8_t)(kl >> 24);
	out[2 + nl] = (uint8_t)(kl >> 16);
	out[3 + nl] = (uint8_t)(kl >> 8);
	out[4 + nl] = (uint8_t)kl;
	memcpy(out + 5 + nl, key, kl);
	return 5 + nl + kl;
}

/* Answer a ZAP request; key (Z85) only with 200. */
static void
zap_reply(void *sock, zmq_msg_t *reqid, const char *code, const char *text,
    const char *user, const char *key)
{
	uint8_t meta[64 + sizeof(ZAP_KEY_PROPERTY)];
	size_t mlen = key != NULL ? zap_metadata(meta, key) : 0;

	if (zap_send_str(sock, "1.0", 1) != 0 ||
	    zmq_send(sock, zmq_msg_data(reqid), zmq_msg_size(reqid),
	    ZMQ_SNDMORE) < 0 ||
	    zap_send_str(sock, code, 1) != 0 ||
	    zap_send_str(sock, text, 1) != 0 ||
	    zap_send_str(sock, user, 1) != 0 ||
	    zmq_send(sock, meta, mlen, 0) < 0)
		log_warn("zap: cannot answer a handshake");
}

/* Copy a frame into a NUL-terminated string of at most cap - 1 bytes. */
static void
frame_str(zmq_msg_t *m, char *out, size_t cap)
{
	size_t n = zmq_msg_size(m) < cap - 1 ? zmq_msg_size(m) : cap - 1;

	memcpy(out, zmq_msg_data(m), n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			out[i] = '?';
}

static void
zap_handle(zap_t *z, zmq_msg_t *f, int nframes)
{
	void *sock = z->sock;
	char version[8], mech[16], addr[64], z85[41] = "-";
	const policy_user_t *u = NULL;
	policy_user_view_t view;
	policy_t *p = NULL;

	frame_str(&f[0], version, sizeof(version));
	frame_str(&f[3], addr, sizeof(addr));
	frame_str(&f[5], mech, sizeof(mech));
	if (strcmp(version, "1.0") != 0) {
		zap_reply(sock, &f[1], "500", "unsupported ZAP version", "", NULL);
		return;
	}
	if (strcmp(mech, "CURVE") != 0 || nframes != ZAP_FRAMES ||
	    zmq_msg_size(&f[6]) != 32) {
		static const uint8_t none[32];

		log_warnx("refused handshake from %s: mechanism %s (only CURVE "
		    "is accepted)", addr, mech);
		zap_refused(z, none, addr, "", "mechanism");
		zap_reply(sock, &f[1], "400", "CURVE only", "", NULL);
		return;
	}
	zmq_z85_encode(z85, zmq_msg_data(&f[6]), 32);
	p = current_policy_get();
	if (p != NULL)
		u = policy_user_by_key(p, zmq_msg_data(&f[6]));
	if (u == NULL) {
		log_warnx("refused handshake from %s: key %s is not enrolled",
		    addr, z85);
		zap_refused(z, zmq_msg_data(&f[6]), addr, "", "not_enrolled");
		zap_reply(sock, &f[1], "400", "key not enrolled", "", NULL);
		goto out;
	}
	policy_user_view(p, u, 0, &view);
	if (!view.enabled) {
		log_warnx("refused handshake from %s: key %s belongs to "
		    "disabled user %s", addr, z85, view.id);
		zap_refused(z, zmq_msg_data(&f[6]), addr, view.id, "disabled");
		zap_reply(sock, &f[1], "400", "user disabled", "", NULL);
		goto out;
	}
	log_debug("handshake from %s: user %s", addr, view.id);
	zap_reply(sock, &f[1], "200", "OK", view.id, z85);
out:
	policy_unref(p);
}

static void *
zap_main(void *arg)
{
	zap_t *z = arg;
	zmq_msg_t f[ZAP_FRAMES];

	for (;;) {
		zmq_pollitem_t it[] = { { z->sock, 0, ZMQ_POLLIN, 0 },
		    { z->ctl, 0, ZMQ_POLLIN, 0 } };
		int n = 0, rc;

		/* Wake at least every second to record ended windows. */
		if (zmq_poll(it, 2, 1000) < 0) {
			if (errno == ETERM)
				break;
			continue;
		}
		if (it[1].revents & ZMQ_POLLIN)
			break;	/* zap_join */
		zap_flush(z, timefmt_now_ms());
		if (!(it[0].revents & ZMQ_POLLIN))
			continue;
		rc = zap_recv(z->sock, f, &n);
		if (rc == 0)
			zap_handle(z, f, n);
		else if (rc == -2 && n >= 2)
			zap_reply(z->sock, &f[1], "500", "malformed", "", NULL);
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
		if (rc == -1 && errno == ETERM)
			break;
	}
	/* Repeats not yet recorded are recorded now, as the daemon stops. */
	zap_flush(z, INT64_MAX / 2);
	zmq_close(z->sock);
	zmq_close(z->ctl);
	return NULL;
}

zap_t *
zap_start(void *ctx, writer_t *writer)
{
	zap_t *z = calloc(1, sizeof(*z));
	int linger = 0;

	if (z == NULL)
		return NULL;
	z->writer = writer;
	z->sock = zmq_socket(ctx, ZMQ_REP);
	z->ctl = zmq_socket(ctx, ZMQ_PAIR);
	z->ctl_main = zmq_socket(ctx, ZMQ_PAIR);
	if (z->sock == NULL || z->ctl == NULL || z->ctl_main == NULL ||
	    zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_setsockopt(z->ctl, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_setsockopt(z->ctl_main, ZMQ_LINGER, &linger,
	    sizeof(linger)) != 0 ||
	    zmq_bind(z->ctl, "inproc://isad-zap-stop") != 0 ||
	    zmq_connect(z->ctl_main, "inproc://isad-zap-stop") != 0 ||
	    zmq_bind(z->sock, "inproc://zeromq.zap.01") != 0) {
		log_warnx("zap: cannot bind the ZAP endpoint: %s",
		    zmq_strerror(errno));
		goto fail;
	}
	/* pthread_create is a full barrier: the socket moves to the thread. */
	if (pthread_create(&z->thread, NULL, zap_main, z) != 0) {
		log_warn("zap: cannot start the ZAP thread");
		goto fail;
	}
	return z;
fail:
	if (z->sock != NULL)
		zmq_close(z->sock);
	if (z->ctl != NULL)
		zmq_close(z->ctl);
	if (z->ctl_main != NULL)
		zmq_close(z->ctl_main);
	free(z);
	return NULL;
}

void
zap_join(zap_t *z)
{
	if (z == NULL)
		return;
	if (zmq_send(z->ctl_main, "", 0, 0) < 0)
		log_warnx("zap: cannot signal the thread to stop");
	pthread_join(z->thread, NULL);
	zmq_close(z->ctl_main);
	free(z);
}
