/* conn.c: the client library: one CURVE connection to isad, requests and replies. */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <zmq.h>

#include "client/conn.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/wipe.h"
#include "proto/envelope.h"
#include "proto/keyfile.h"

struct isa_conn {
	const client_conf_t *conf;
	void *ctx;
	void *sock;
	void *mon;
	char pub[KEYFILE_Z85_LEN + 1];
	/* What the monitor has seen, to say why no answer came. */
	int connected;
	int retried;
	int handshake_ok;
	int auth_failed;
	int proto_failed;
	unsigned drops;		/* connections lost (ZMQ_EVENT_DISCONNECTED) */
	unsigned drops_seen;	/* drops when the watch was turned on */
	bool watch;		/* isa_conn_watch */
	atomic_int interrupted;	/* isa_conn_interrupt was called */
	uint64_t next_id;	/* request ids: random start, then counting */
	uint64_t floor;		/* replies to ids before it are dropped */
	int has_floor;
	zmq_msg_t data;		/* the last reply's content frame */
	int has_data;
};

int
isa_conn_open(const client_conf_t *conf, isa_conn_t **out, char *err,
    size_t errlen)
{
	char sec[KEYFILE_Z85_LEN + 1], monep[64];
	isa_conn_t *c;
	int linger = 0, rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ISA_ERR_NOMEM;
	c->conf = conf;
	rc = keyfile_read(conf->key_file, c->pub, sec, err, errlen);
	if (rc != 0)
		goto fail;
	rc = ISA_ERR_IO;
	if ((c->ctx = zmq_ctx_new()) == NULL ||
	    (c->sock = zmq_socket(c->ctx, ZMQ_DEALER)) == NULL)
		goto zfail;
	snprintf(monep, sizeof(monep), "inproc://isa-monitor-%p", (void *)c);
	/* libzmq keeps its own copy of the secret key: ours is wiped now. */
	if (zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, conf->server_key,
	    KEYFILE_Z85_LEN) != 0 ||
	    zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, c->pub,
	    KEYFILE_Z85_LEN) != 0 ||
	    zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, sec,
	    KEYFILE_Z85_LEN) != 0 ||
	    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_setsockopt(c->sock, ZMQ_SNDTIMEO, &conf->timeout_ms,
	    sizeof(conf->timeout_ms)) != 0 ||
	    zmq_socket_monitor(c->sock, monep, ZMQ_EVENT_ALL) != 0 ||
	    (c->mon = zmq_socket(c->ctx, ZMQ_PAIR)) == NULL ||
	    zmq_setsockopt(c->mon, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_connect(c->mon, monep) != 0)
		goto zfail;
	if (zmq_connect(c->sock, conf->server) != 0) {
		snprintf(err, errlen, "cannot connect to \"%s\" (server in %s): "
		    "%s", conf->server, conf->path, zmq_strerror(errno));
		rc = ISA_ERR_CONFIG;
		goto fail;
	}
	isa_wipe(sec, sizeof(sec));
	*out = c;
	return 0;
zfail:
	snprintf(err, errlen, "cannot set up the connection: %s",
	    zmq_strerror(errno));
fail:
	isa_wipe(sec, sizeof(sec));
	isa_conn_close(c);
	return rc;
}

/* Read one monitor event and remember what it tells; false when none
 * was waiting. */
static bool
conn_monitor_event(isa_conn_t *c)
{
	zmq_msg_t m;
	uint16_t ev = 0;
	int more;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, c->mon, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return false;
	}
	if (zmq_msg_size(&m) >= 6)
		memcpy(&ev, zmq_msg_data(&m), sizeof(ev));
	more = zmq_msg_more(&m);
	zmq_msg_close(&m);
	while (more) {	/* the endpoint frame */
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, c->mon, 0) < 0)
			more = 0;
		else
			more = zmq_msg_more(&m);
		zmq_msg_close(&m);
	}
	switch (ev) {
	case ZMQ_EVENT_CONNECTED: c->connected = 1; break;
	case ZMQ_EVENT_CONNECT_RETRIED: c->retried = 1; break;
	case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: c->handshake_ok = 1; break;
	case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: c->auth_failed = 1; break;
	case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
	case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: c->proto_failed = 1; break;
	case ZMQ_EVENT_DISCONNECTED: c->drops++; break;
	default: break;
	}
	return true;
}

void
isa_conn_watch(isa_conn_t *c, bool on)
{
	/* What the monitor holds happened before: not this transfer's. */
	if (on)
		while (conn_monitor_event(c))
			;
	c->watch = on;
	c->drops_seen = c->drops;
}

bool
isa_conn_lost(const isa_conn_t *c)
{
	return c->watch && c->drops != c->drops_seen;
}

/* Say what most probably kept the answer away. */
static void
conn_explain(const isa_conn_t *c, char *err, size_t errlen)
{
	const client_conf_t *f = c->conf;

	if (atomic_load(&c->interrupted))
		snprintf(err, errlen, "the request to isad was given up: "
		    "this program is stopping");
	else if (isa_conn_lost(c))
		snprintf(err, errlen, "the connection to isad at %s was lost "
		    "(isad stopped or restarted, or the network failed); try "
		    "again", f->server);
	else if (c->auth_failed)
		snprintf(err, errlen, "isad refused your key %s: it is not "
		    "enrolled, or your account is disabled; ask the operator "
		    "(give them your user.pub)", c->pub);
	else if (c->handshake_ok)
		snprintf(err, errlen, "isad at %s did not answer within %d ms; "
		    "try again, and tell the operator if it goes on",
		    f->server, f->timeout_ms);
	else if (c->connected || c->proto_failed)
		snprintf(err, errlen, "the secure handshake with %s failed: "
		    "server_key in %s is probably not this server's key "
		    "(compare it with the last line of `isad init`)",
		    f->server, f->path);
	else
		snprintf(err, errlen, "cannot reach isad at %s: nothing "
		    "answered within %d ms; is isad running, and is \"server\" "
		    "in %s right?", f->server, f->timeout_ms, f->path);
}

void
isa_conn_interrupt(isa_conn_t *c)
{
	atomic_store(&c->interrupted, 1);
	(void)zmq_ctx_shutdown(c->ctx);
}

bool
isa_conn_key_refused(const isa_conn_t *c)
{
	return c->auth_failed != 0;
}

/* Send req's frame (its request id and version set here), more to say
 * whether a content frame follows.  0, or ISA_ERR_* with err filled. */
static int
conn_send_head(isa_conn_t *c, Isa__Envelope *req, bool more, uint64_t *id,
    char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t blen;
	int rc;

	if (c->next_id == 0 &&
	    getrandom(&c->next_id, sizeof(c->next_id), 0) != sizeof(c->next_id))
		c->next_id = (uint64_t)clock_mono_ms();
	req->request_id = ++c->next_id;
	if (id != NULL)
		*id = req->request_id;
	if (envelope_encode(req, &buf, &blen) != 0)
		return ISA_ERR_NOMEM;
	/* A DEALER queues the message until the handshake is done; it blocks
	 * only when its high-water mark is reached, bounded by the timeout. */
	rc = zmq_send(c->sock, buf, blen, more ? ZMQ_SNDMORE : 0);
	free(buf);
	if (rc < 0) {
		conn_explain(c, err, errlen);
		return ISA_ERR_TIMEOUT;
	}
	return 0;
}

int
isa_conn_send(isa_conn_t *c, Isa__Envelope *req, const void *data,
    size_t len, uint64_t *id, char *err, size_t errlen)
{
	int rc;

	if ((rc = conn_send_head(c, req, data != NULL, id, err, errlen)) != 0)
		return rc;
	if (data != NULL && zmq_send(c->sock, data, len, 0) < 0) {
		conn_explain(c, err, errlen);
		return ISA_ERR_TIMEOUT;
	}
	return 0;
}

int
isa_conn_send_nocopy(isa_conn_t *c, Isa__Envelope *req, void *data,
    size_t len, isa_conn_free_fn *ffn, void *hint, char *err, size_t errlen)
{
	zmq_msg_t m;
	int rc;

	if (zmq_msg_init_data(&m, data, len, ffn, hint) != 0) {
		ffn(data, hint);
		snprintf(err, errlen, "out of memory");
		return ISA_ERR_NOMEM;
	}
	if ((rc = conn_send_head(c, req, true, NULL, err, errlen)) != 0) {
		zmq_msg_close(&m);	/* calls ffn */
		return rc;
	}
	if (zmq_msg_send(&m, c->sock, 0) < 0) {
		zmq_msg_close(&m);
		conn_explain(c, err, errlen);
		return ISA_ERR_TIMEOUT;
	}
	return 0;
}

/* Whether r answers a request sent before the last isa_conn_forget (ids
 * count up by one and may wrap). */
static int
conn_forgotten(const isa_conn_t *c, const Isa__Envelope *r)
{
	return c->has_floor && r->request_id - c->floor >= UINT64_C(1) << 63;
}

void
isa_conn_forget(isa_conn_t *c)
{
	if (c->next_id == 0)	/* nothing sent yet: nothing to forget */
		return;
	c->floor = c->next_id + 1;
	c->has_floor = 1;
}

int
isa_conn_recv(isa_conn_t *c, Isa__Envelope **resp, const void **data,
    size_t *len, char *err, size_t errlen)
{
	int64_t deadline = clock_mono_ms() + c->conf->timeout_ms;
	int rc;

	*resp = NULL;
	if (data != NULL)
		*data = NULL;
	if (len != NULL)
		*len = 0;
	if (c->has_data) {
		zmq_msg_close(&c->data);
		c->has_data = 0;
	}
	for (;;) {
		int64_t left = deadline - clock_mono_ms();
		zmq_pollitem_t items[] = {
			{ c->sock, 0, ZMQ_POLLIN, 0 },
			{ c->mon, 0, ZMQ_POLLIN, 0 },
		};
		bool lost = isa_conn_lost(c);

		if (left <= 0 || c->auth_failed || c->proto_failed)
			break;
		/* Lost: only what came before, already here, is waited for. */
		if (zmq_poll(items, 2, lost ? 0 : (long)left) < 0 &&
		    errno != EINTR)
			break;
		if (items[1].revents & ZMQ_POLLIN) {
			conn_monitor_event(c);
			if (!lost && isa_conn_lost(c))
				continue;	/* look again without waiting */
		}
		if (lost && !(items[0].revents & ZMQ_POLLIN))
			break;
		if (items[0].revents & ZMQ_POLLIN) {
			zmq_msg_t m;
			char derr[256];
			int more;

			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, c->sock, 0) < 0) {
				zmq_msg_close(&m);
				continue;
			}
			rc = envelope_decode(zmq_msg_data(&m), zmq_msg_size(&m),
			    ENVELOPE_REPLY, resp, derr, sizeof(derr));
			more = zmq_msg_more(&m);
			zmq_msg_close(&m);
			if (more) {
				zmq_msg_init(&c->data);
				if (zmq_msg_recv(&c->data, c->sock, 0) < 0 ||
				    zmq_msg_more(&c->data)) {
					zmq_msg_close(&c->data);
					rc = ISA_ERR_PROTO;
					snprintf(derr, sizeof(derr), "extra frames");
				} else
					c->has_data = 1;
			}
			if (rc != 0) {
				envelope_free(*resp);
				*resp = NULL;
				snprintf(err, errlen, "isad sent a reply this "
				    "isa cannot read (%s): are both the same "
				    "version?", derr);
				return ISA_ERR_PROTO;
			}
			if (conn_forgotten(c, *resp)) {
				envelope_free(*resp);
				*resp = NULL;
				if (c->has_data)
					zmq_msg_close(&c->data);
				c->has_data = 0;
				continue;
			}
			if (c->has_data && data != NULL) {
				*data = zmq_msg_data(&c->data);
				*len = zmq_msg_size(&c->data);
			}
			return 0;
		}
	}
	conn_explain(c, err, errlen);
	return ISA_ERR_TIMEOUT;
}

int
isa_conn_call(isa_conn_t *c, Isa__Envelope *req, Isa__Envelope **resp,
    char *err, size_t errlen)
{
	uint64_t id;
	int rc;

	if ((rc = isa_conn_send(c, req, NULL, 0, &id, err, errlen)) != 0)
		return rc;
	for (;;) {
		if ((rc = isa_conn_recv(c, resp, NULL, NULL, err, errlen)) != 0)
			return rc;
		if ((*resp)->request_id == id)
			return 0;
		envelope_free(*resp);	/* a stale reply: not ours */
		*resp = NULL;
	}
}

void
isa_conn_close(isa_conn_t *c)
{
	if (c == NULL)
		return;
	if (c->has_data)
		zmq_msg_close(&c->data);
	if (c->sock != NULL) {
		zmq_socket_monitor(c->sock, NULL, 0);
		zmq_close(c->sock);
	}
	if (c->mon != NULL)
		zmq_close(c->mon);
	if (c->ctx != NULL)
		zmq_ctx_term(c->ctx);
	isa_wipe(c, sizeof(*c));
	free(c);
}
