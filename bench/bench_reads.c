/* bench_reads.c: authorised reads per second through isad, each with its durable audit record. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "proto/envelope.h"
#include "proto/keyfile.h"

/*
 * bench_reads ENDPOINT SERVER_KEY USER_KEY_FILE DOC_ID CLIENTS SECONDS
 * Each client is a CURVE DEALER of its own that reads DOC_ID (a one-chunk
 * document: one round trip, header and content) again and again.
 */

typedef struct {
	void *ctx;
	const char *endpoint, *server_key, *doc;
	char pub[41], sec[41];
	double secs;
	long reads, errors;
} arg_t;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
client(void *p)
{
	arg_t *a = p;
	void *s = zmq_socket(a->ctx, ZMQ_DEALER);
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;
	uint8_t *buf, reply[65536];
	size_t len;
	double end;
	char err[256];
	int linger = 0;

	zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, a->server_key, 40);
	zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, a->pub, 40);
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, a->sec, 40);
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_connect(s, a->endpoint);
	gb.id = (char *)a->doc;
	req.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	req.get_begin = &gb;
	if (envelope_encode(&req, &buf, &len) != 0)
		return NULL;
	end = now_s() + a->secs;
	while (now_s() < end) {
		int n, more;
		size_t ml = sizeof(more);

		zmq_send(s, buf, len, 0);
		n = zmq_recv(s, reply, sizeof(reply), 0);
		if (n < 0)
			break;
		zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
		if (envelope_decode(reply, (size_t)n, ENVELOPE_REPLY, &resp, err,
		    sizeof(err)) != 0 || resp->status != ISA__STATUS__OK ||
		    !more)
			a->errors++;
		else
			a->reads++;
		if (resp != NULL)
			envelope_free(resp);
		resp = NULL;
		while (more) {	/* the content */
			zmq_recv(s, reply, sizeof(reply), 0);
			zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
		}
	}
	free(buf);
	zmq_close(s);
	return NULL;
}

int
main(int argc, char **argv)
{
	void *ctx = zmq_ctx_new();
	char pub[41], sec[41], err[256];
	arg_t *a;
	pthread_t *th;
	long reads = 0, errors = 0;
	int n;

	if (argc != 7) {
		fprintf(stderr, "usage: bench_reads ENDPOINT SERVER_KEY "
		    "USER_KEY_FILE DOC_ID CLIENTS SECONDS\n");
		return 2;
	}
	if (keyfile_read(argv[3], pub, sec, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	n = atoi(argv[5]);
	a = calloc((size_t)n, sizeof(*a));
	th = calloc((size_t)n, sizeof(*th));
	for (int i = 0; i < n; i++) {
		a[i].ctx = ctx;
		a[i].endpoint = argv[1];
		a[i].server_key = argv[2];
		a[i].doc = argv[4];
		memcpy(a[i].pub, pub, 41);
		memcpy(a[i].sec, sec, 41);
		a[i].secs = atof(argv[6]);
		pthread_create(&th[i], NULL, client, &a[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		reads += a[i].reads;
		errors += a[i].errors;
	}
	printf("isad reads: %d clients, 4 KiB documents: %.0f reads/s "
	    "(%ld errors)\n", n, (double)reads / atof(argv[6]), errors);
	free(a);
	free(th);
	zmq_ctx_term(ctx);
	return errors > 0;
}
