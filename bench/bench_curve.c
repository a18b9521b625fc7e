/* bench_curve.c: ceilings for the transfer and read benchmarks: plain ZeroMQ CURVE on loopback, no isad. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/*
 * bench_curve bulk MIB         one DEALER sends MIB 1 MiB messages to a
 *                              ROUTER under a credit of 8, as isa put does
 * bench_curve echo SIZE N SECS N clients each echo SIZE-byte messages
 *                              through a ROUTER for SECS seconds, one in
 *                              flight each, as isa's reads do
 */

static char server_pub[41], server_sec[41];
static const char *endpoint = "tcp://127.0.0.1:*";
static char bound[256];
static volatile int stop_flag;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
server_main(void *arg)
{
	void *ctx = arg, *s = zmq_socket(ctx, ZMQ_ROUTER);
	int one = 1, to = 200;
	size_t len = sizeof(bound);

	zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof(one));
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, server_sec, 40);
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &to, sizeof(to));
	if (zmq_bind(s, endpoint) != 0)
		abort();
	zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, bound, &len);
	__atomic_store_n(&stop_flag, 0, __ATOMIC_SEQ_CST);
	for (;;) {
		zmq_msg_t id, body;

		zmq_msg_init(&id);
		if (zmq_msg_recv(&id, s, 0) < 0) {
			zmq_msg_close(&id);
			if (__atomic_load_n(&stop_flag, __ATOMIC_SEQ_CST) == 2)
				break;
			continue;
		}
		zmq_msg_init(&body);
		zmq_msg_recv(&body, s, 0);
		/* Echo: the body back (bulk sends a small ack instead). */
		zmq_msg_send(&id, s, ZMQ_SNDMORE);
		if (zmq_msg_size(&body) > 65536) {
			zmq_send(s, "ack", 3, 0);
			zmq_msg_close(&body);
		} else
			zmq_msg_send(&body, s, 0);
	}
	zmq_close(s);
	return NULL;
}

static void *
client_socket(void *ctx)
{
	char pub[41], sec[41];
	void *s = zmq_socket(ctx, ZMQ_DEALER);

	zmq_curve_keypair(pub, sec);
	zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_pub, 40);
	zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40);
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40);
	zmq_connect(s, bound);
	return s;
}

typedef struct {
	void *ctx;
	size_t size;
	double secs;
	long count;
} echo_arg_t;

static void *
echo_client(void *p)
{
	echo_arg_t *a = p;
	void *s = client_socket(a->ctx);
	char *buf = calloc(1, a->size);
	double end = now_s() + a->secs;

	while (now_s() < end) {
		zmq_send(s, buf, a->size, 0);
		if (zmq_recv(s, buf, a->size, 0) < 0)
			break;
		a->count++;
	}
	free(buf);
	zmq_close(s);
	return NULL;
}

int
main(int argc, char **argv)
{
	void *ctx = zmq_ctx_new(), *sctx = zmq_ctx_new();
	pthread_t srv;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_curve bulk MIB | echo SIZE N SECS\n");
		return 2;
	}
	zmq_curve_keypair(server_pub, server_sec);
	bound[0] = '\0';
	/* The server has a context, and so an I/O thread, of its own, as
	 * isad has in its own process: one I/O thread doing the CURVE work of
	 * both ends would be the ceiling's bottleneck (its CPUs then idle). */
	pthread_create(&srv, NULL, server_main, sctx);
	while (__atomic_load_n(&bound[0], __ATOMIC_SEQ_CST) == '\0')
		;
	if (strcmp(argv[1], "bulk") == 0) {
		long mib = atol(argv[2]), sent = 0, acked = 0;
		void *s = client_socket(ctx);
		char *buf = calloc(1, 1 << 20), ack[8];
		double t0 = now_s(), t;

		while (acked < mib) {
			while (sent < mib && sent - acked < 8) {
				zmq_send(s, buf, 1 << 20, 0);
				sent++;
			}
			zmq_recv(s, ack, sizeof(ack), 0);
			acked++;
		}
		t = now_s() - t0;
		printf("curve bulk: %ld MiB in %.2f s: %.1f MiB/s\n", mib, t,
		    (double)mib / t);
		free(buf);
		zmq_close(s);
	} else if (argc == 5 && strcmp(argv[1], "echo") == 0) {
		int n = atoi(argv[3]);
		echo_arg_t *a = calloc((size_t)n, sizeof(*a));
		pthread_t *th = calloc((size_t)n, sizeof(*th));
		long total = 0;

		for (int i = 0; i < n; i++) {
			a[i] = (echo_arg_t){ ctx, (size_t)atol(argv[2]),
			    atof(argv[4]), 0 };
			pthread_create(&th[i], NULL, echo_client, &a[i]);
		}
		for (int i = 0; i < n; i++) {
			pthread_join(th[i], NULL);
			total += a[i].count;
		}
		printf("curve echo: %d clients, %s-byte messages: %.0f "
		    "round trips/s\n", n, argv[2], (double)total / atof(argv[4]));
		free(a);
		free(th);
	}
	__atomic_store_n(&stop_flag, 2, __ATOMIC_SEQ_CST);
	pthread_join(srv, NULL);
	zmq_ctx_term(ctx);
	zmq_ctx_term(sctx);
	return 0;
}
