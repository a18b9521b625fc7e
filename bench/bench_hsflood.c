/* bench_hsflood.c: a flood of refused handshakes of one kind, for measuring isad's log under it (see bench/floodlog.sh). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "proto/keyfile.h"

/*
 * bench_hsflood ENDPOINT SERVER_KEY KIND SECS [ARG]
 *   fresh       each handshake with a fresh key nobody enrolled
 *   same        one unenrolled key, over and over
 *   key FILE    the key in FILE (e.g. a disabled user's), over and over
 *   wrongserver a fresh key, and a server key that is not isad's
 *   plain       no security mechanism (NULL) against isad's CURVE
 *   garbage     TCP connections that send 64 random bytes and close
 *   half        TCP connections that send a ZMTP greeting's first 10
 *               bytes and close
 *   addrs N     fresh keys, from source addresses 127.0.0.2 .. 127.0.0.N+1
 *               in turn
 * For SECS seconds, 16 at a time; prints the attempts made (answered, or
 * the bytes sent) and their rate.
 */

#define BATCH 16

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Open one ZeroMQ handshake of kind (its monitor in *mon). */
static void *
zmq_attempt(void *ctx, const char *ep, const char *sk, const char *kind,
    const char *keyfile, unsigned n, void **mon)
{
	static unsigned seq;
	char pub[41], sec[41], mep[64], bad[41], err[256], src[160];
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int zero = 0, never = -1;

	*mon = NULL;
	if (s == NULL)
		return NULL;
	snprintf(mep, sizeof(mep), "inproc://flood-%u", seq++);
	zmq_socket_monitor(s, mep, ZMQ_EVENT_ALL);
	*mon = zmq_socket(ctx, ZMQ_PAIR);
	zmq_setsockopt(*mon, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_connect(*mon, mep);
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof(zero));
	zmq_setsockopt(s, ZMQ_RECONNECT_IVL, &never, sizeof(never));
	if (strcmp(kind, "plain") != 0) {
		if (strcmp(kind, "key") == 0) {
			if (keyfile_read(keyfile, pub, sec, err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "%s\n", err);
				exit(1);
			}
		} else if (strcmp(kind, "same") == 0) {
			static char spub[41], ssec[41];

			if (spub[0] == '\0')
				zmq_curve_keypair(spub, ssec);
			memcpy(pub, spub, 41);
			memcpy(sec, ssec, 41);
		} else
			zmq_curve_keypair(pub, sec);
		if (strcmp(kind, "wrongserver") == 0) {
			char scratch[41];

			zmq_curve_keypair(bad, scratch);
			sk = bad;
		}
		zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, sk, 40);
		zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40);
		zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40);
	}
	if (strcmp(kind, "addrs") == 0) {
		snprintf(src, sizeof(src), "tcp://127.0.0.%u:0;%s",
		    2 + seq % n, ep + strlen("tcp://"));
		ep = src;
	}
	zmq_connect(s, ep);
	return s;
}

/* Wait until the handshake is over, one way or the other (5 s at most);
 * whether it was made (false: no socket, or no answer). */
static bool
zmq_finish(void *s, void *mon)
{
	zmq_pollitem_t it = { mon, 0, ZMQ_POLLIN, 0 };
	int64_t end = now_ms() + 5000;
	bool made = false;

	if (s == NULL || mon == NULL) {
		if (s != NULL)
			zmq_close(s);
		if (mon != NULL)
			zmq_close(mon);
		/* out of sockets until libzmq reaps the closed ones */
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
		return false;
	}

	while (now_ms() < end && zmq_poll(&it, 1, 100) >= 0) {
		uint8_t ev[6];
		char addr[256];
		uint16_t event;

		if (!(it.revents & ZMQ_POLLIN))
			continue;
		if (zmq_recv(mon, ev, sizeof(ev), 0) != (int)sizeof(ev))
			break;
		zmq_recv(mon, addr, sizeof(addr), 0);
		memcpy(&event, ev, sizeof(event));
		if (getenv("FLOOD_DEBUG") != NULL)
			fprintf(stderr, "event %#x\n", event);
		if (event & (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
		    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
		    ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
		    ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
		    ZMQ_EVENT_CLOSED)) {
			made = true;
			break;
		}
	}
	zmq_socket_monitor(s, NULL, 0);
	zmq_close(s);
	zmq_close(mon);
	return made;
}

/* One raw TCP connection to ep that sends garbage or half a greeting. */
static bool
tcp_attempt(const char *ep, bool half)
{
	static const uint8_t greet[10] = { 0xff, 0, 0, 0, 0, 0, 0, 0, 1,
	    0x7f };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *colon = strrchr(ep, ':');
	uint8_t junk[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t w;

	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand();
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	w = half ? write(fd, greet, sizeof(greet)) :
	    write(fd, junk, sizeof(junk));
	close(fd);
	return w > 0;
}

int
main(int argc, char **argv)
{
	const char *ep, *sk, *kind, *arg;
	void *ctx;
	int64_t end;
	unsigned long long n = 0;
	unsigned naddrs = 1;
	double secs;

	if (argc < 5) {
		fprintf(stderr, "usage: bench_hsflood ENDPOINT SERVER_KEY KIND "
		    "SECS [ARG]\n");
		return 2;
	}
	ep = argv[1];
	sk = argv[2];
	kind = argv[3];
	secs = atof(argv[4]);
	arg = argc > 5 ? argv[5] : "";
	if (strcmp(kind, "addrs") == 0 && (naddrs = (unsigned)atoi(arg)) < 1)
		naddrs = 1;
	end = now_ms() + (int64_t)(secs * 1000);
	while (now_ms() < end) {
		if (strcmp(kind, "garbage") == 0 || strcmp(kind, "half") == 0) {
			n += tcp_attempt(ep, strcmp(kind, "half") == 0);
			continue;
		}
		void *s[BATCH], *mon[BATCH];

		/* a context a batch: libzmq keeps a monitored socket's
		 * monitor until its context ends */
		ctx = zmq_ctx_new();
		for (int i = 0; i < BATCH; i++)
			s[i] = zmq_attempt(ctx, ep, sk, kind, arg, naddrs,
			    &mon[i]);
		for (int i = 0; i < BATCH; i++)
			n += zmq_finish(s[i], mon[i]);
		zmq_ctx_term(ctx);
	}
	printf("%s: %llu attempts in %.0f s (%.0f/s)\n", kind, n, secs,
	    (double)n / secs);
	return 0;
}
