/* zap.c: the ZAP handler thread: CURVE only, enrolled and enabled users only (RFC 27). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/log.h"
#include "daemon/current.h"
#include "daemon/zap.h"

#define ZAP_FRAMES 7	/* version .. credentials, for CURVE */

struct zap {
	void *sock;
	pthread_t thread;
};

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

static void
zap_reply(void *sock, zmq_msg_t *reqid, const char *code, const char *text,
    const char *user)
{
	if (zap_send_str(sock, "1.0", 1) != 0 ||
	    zmq_send(sock, zmq_msg_data(reqid), zmq_msg_size(reqid),
	    ZMQ_SNDMORE) < 0 ||
	    zap_send_str(sock, code, 1) != 0 ||
	    zap_send_str(sock, text, 1) != 0 ||
	    zap_send_str(sock, user, 1) != 0 ||
	    zmq_send(sock, "", 0, 0) < 0)
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
zap_handle(void *sock, zmq_msg_t *f, int nframes)
{
	char version[8], mech[16], addr[64], z85[41] = "-";
	const policy_user_t *u = NULL;
	policy_user_view_t view;
	policy_t *p = NULL;

	frame_str(&f[0], version, sizeof(version));
	frame_str(&f[3], addr, sizeof(addr));
	frame_str(&f[5], mech, sizeof(mech));
	if (strcmp(version, "1.0") != 0) {
		zap_reply(sock, &f[1], "500", "unsupported ZAP version", "");
		return;
	}
	if (strcmp(mech, "CURVE") != 0 || nframes != ZAP_FRAMES ||
	    zmq_msg_size(&f[6]) != 32) {
		log_warnx("refused handshake from %s: mechanism %s (only CURVE "
		    "is accepted)", addr, mech);
		zap_reply(sock, &f[1], "400", "CURVE only", "");
		return;
	}
	zmq_z85_encode(z85, zmq_msg_data(&f[6]), 32);
	p = current_policy_get();
	if (p != NULL)
		u = policy_user_by_key(p, zmq_msg_data(&f[6]));
	if (u == NULL) {
		log_warnx("refused handshake from %s: key %s is not enrolled",
		    addr, z85);
		zap_reply(sock, &f[1], "400", "key not enrolled", "");
		goto out;
	}
	policy_user_view(p, u, 0, &view);
	if (!view.enabled) {
		log_warnx("refused handshake from %s: key %s belongs to "
		    "disabled user %s", addr, z85, view.id);
		zap_reply(sock, &f[1], "400", "user disabled", "");
		goto out;
	}
	log_debug("handshake from %s: user %s", addr, view.id);
	zap_reply(sock, &f[1], "200", "OK", view.id);
out:
	policy_unref(p);
}

static void *
zap_main(void *arg)
{
	zap_t *z = arg;
	zmq_msg_t f[ZAP_FRAMES];

	for (;;) {
		int n = 0, rc = zap_recv(z->sock, f, &n);

		if (rc == 0)
			zap_handle(z->sock, f, n);
		else if (rc == -2 && n >= 2)
			zap_reply(z->sock, &f[1], "500", "malformed", "");
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
		if (rc == -1 && errno == ETERM)
			break;
	}
	zmq_close(z->sock);
	return NULL;
}

zap_t *
zap_start(void *ctx)
{
	zap_t *z = calloc(1, sizeof(*z));
	int linger = 0;

	if (z == NULL)
		return NULL;
	z->sock = zmq_socket(ctx, ZMQ_REP);
	if (z->sock == NULL ||
	    zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
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
	free(z);
	return NULL;
}

void
zap_join(zap_t *z)
{
	if (z == NULL)
		return;
	pthread_join(z->thread, NULL);
	free(z);
}
