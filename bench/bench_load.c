/* bench_load.c: fills a store fast for bench/scale.sh: small documents through the client library's upload, or audit records by whoami round trips, over one connection or several at once. */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "client/conf.h"
#include "client/conn.h"
#include "client/upload.h"
#include "proto/envelope.h"

/*
 * bench_load [-j CONNS] CLIENT_CONF docs N PRINCIPAL [PREFIX]
 *     N OFFICIAL documents of 64 bytes each (no two alike: isad refuses
 *     content it already holds), titled "PREFIX I", to PRINCIPAL.
 * bench_load [-j CONNS] CLIENT_CONF records N
 *     N whoami round trips: N audit records.
 * -j: over CONNS connections at once (default 1), each its own thread,
 * so isad's writer commits many in one transaction: a fast fill.  The
 * put rate a user sees is that of one connection.
 * Prints one line: "N docs|records in S s (R/s)"; exits 1 on the first
 * failure, with isad's sentence.
 */

#define CONNS_MAX 64

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One document: 0, or -1 with err filled. */
static int
put_one(isa_conn_t *c, const char *to, const char *prefix, long i, char *err,
    size_t errlen)
{
	Isa__DocMeta m = ISA__DOC_META__INIT;
	char title[96], body[64], *list[1];
	const Isa__DocMeta *stored;
	uint8_t nonce[16];
	isa_upload_t *u = NULL;
	int code;

	if (getrandom(nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce)) {
		snprintf(err, errlen, "no random bytes");
		return -1;
	}
	snprintf(title, sizeof(title), "%s %ld", prefix, i);
	memset(body, '.', sizeof(body));
	for (size_t k = 0; k < sizeof(nonce); k++)
		snprintf(body + 2 * k, 3, "%02x", nonce[k]);
	body[2 * sizeof(nonce)] = ' ';
	body[sizeof(body) - 1] = '\n';
	list[0] = (char *)(uintptr_t)to;
	m.title = title;
	m.classification = (char *)"OFFICIAL";
	m.to = list;
	m.n_to = 1;
	m.filename = (char *)"load.txt";
	code = isa_upload_begin(c, &m, sizeof(body), "a document", &u, err,
	    errlen);
	if (code == 0)
		code = isa_upload_write(u, body, sizeof(body), err, errlen);
	if (code == 0)
		code = isa_upload_end(u, &stored, err, errlen);
	isa_upload_close(u);
	return code == 0 ? 0 : -1;
}

/* One whoami: 0, or -1 with err filled. */
static int
whoami_one(isa_conn_t *c, char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__WhoAmIRequest w = ISA__WHO_AM_IREQUEST__INIT;
	int ok;

	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &w;
	if (isa_conn_call(c, &req, &r, err, errlen) != 0)
		return -1;
	ok = r->status == ISA__STATUS__OK;
	if (!ok)
		snprintf(err, errlen, "%s", r->message);
	envelope_free(r);
	return ok ? 0 : -1;
}

typedef struct {
	const client_conf_t *conf;
	bool docs;
	const char *to, *prefix;
	long from, n, step;	/* items from, from + step, ... below n */
	long done;
	char err[ISA_UPLOAD_ERRLEN];
} worker_t;

static void *
work(void *arg)
{
	worker_t *w = arg;
	isa_conn_t *c = NULL;
	long i;

	if (isa_conn_open(w->conf, &c, w->err, sizeof(w->err)) != 0)
		return NULL;
	for (i = w->from; i < w->n; i += w->step) {
		if ((w->docs ? put_one(c, w->to, w->prefix, i, w->err,
		    sizeof(w->err)) : whoami_one(c, w->err, sizeof(w->err))) != 0)
			break;
		w->done++;
	}
	isa_conn_close(c);
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_load [-j CONNS] CLIENT_CONF docs N "
	    "PRINCIPAL [PREFIX]\n       bench_load [-j CONNS] CLIENT_CONF "
	    "records N\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static worker_t ws[CONNS_MAX];
	pthread_t th[CONNS_MAX];
	client_conf_t conf;
	char err[ISA_UPLOAD_ERRLEN];
	long n, done = 0, conns = 1;
	double t0, secs;
	bool docs;
	int ch, failed = -1;

	while ((ch = getopt(argc, argv, "j:")) != -1) {
		if (ch != 'j' || (conns = strtol(optarg, NULL, 10)) < 1 ||
		    conns > CONNS_MAX)
			usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || (strcmp(argv[1], "docs") != 0 &&
	    strcmp(argv[1], "records") != 0) ||
	    (strcmp(argv[1], "docs") == 0 && argc < 4) ||
	    (n = strtol(argv[2], NULL, 10)) <= 0)
		usage();
	docs = strcmp(argv[1], "docs") == 0;
	if (client_conf_load(argv[0], &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_load: %s\n", err);
		return 1;
	}
	t0 = now_s();
	for (long k = 0; k < conns; k++) {
		ws[k] = (worker_t){ &conf, docs, docs ? argv[3] : NULL,
		    argc > 4 ? argv[4] : "load", k, n, conns, 0, "" };
		if (pthread_create(&th[k], NULL, work, &ws[k]) != 0) {
			fprintf(stderr, "bench_load: cannot start a thread\n");
			return 1;
		}
	}
	for (long k = 0; k < conns; k++) {
		pthread_join(th[k], NULL);
		done += ws[k].done;
		if (ws[k].err[0] != '\0' && failed < 0)
			failed = (int)k;
	}
	secs = now_s() - t0;
	client_conf_free(&conf);
	if (failed >= 0) {
		fprintf(stderr, "bench_load: after %ld: %s\n", done,
		    ws[failed].err);
		return 1;
	}
	printf("%ld %s in %.2f s (%.0f/s)\n", n, docs ? "docs" : "records",
	    secs, (double)n / (secs > 0 ? secs : 1e-9));
	return 0;
}
