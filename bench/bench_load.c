/* bench_load.c: fills a store fast for bench/scale.sh: small documents through the client library's upload over one connection, or audit records by whoami round trips. */
#include <inttypes.h>
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
 * bench_load CLIENT_CONF docs N PRINCIPAL [PREFIX]
 *     N OFFICIAL documents of 64 bytes each (no two alike: isad refuses
 *     content it already holds), titled "PREFIX I", to PRINCIPAL.
 * bench_load CLIENT_CONF records N
 *     N whoami round trips: N audit records.
 * Prints one line: "N docs|records in S s (R/s)"; exits 1 on the first
 * failure, with isad's sentence.
 */

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

int
main(int argc, char **argv)
{
	client_conf_t conf;
	isa_conn_t *c = NULL;
	char err[ISA_UPLOAD_ERRLEN];
	bool docs;
	long n, i;
	double t0, secs;

	if (argc < 4 || (strcmp(argv[2], "docs") != 0 &&
	    strcmp(argv[2], "records") != 0) ||
	    (strcmp(argv[2], "docs") == 0 && argc < 5) ||
	    (n = strtol(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: bench_load CLIENT_CONF docs N PRINCIPAL "
		    "[PREFIX]\n       bench_load CLIENT_CONF records N\n");
		return 2;
	}
	docs = strcmp(argv[2], "docs") == 0;
	if (client_conf_load(argv[1], &conf, err, sizeof(err)) != 0 ||
	    isa_conn_open(&conf, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_load: %s\n", err);
		return 1;
	}
	t0 = now_s();
	for (i = 0; i < n; i++)
		if ((docs ? put_one(c, argv[4], argc > 5 ? argv[5] : "load", i,
		    err, sizeof(err)) : whoami_one(c, err, sizeof(err))) != 0)
			break;
	secs = now_s() - t0;
	isa_conn_close(c);
	client_conf_free(&conf);
	if (i < n) {
		fprintf(stderr, "bench_load: after %ld: %s\n", i, err);
		return 1;
	}
	printf("%ld %s in %.2f s (%.0f/s)\n", n, docs ? "docs" : "records",
	    secs, (double)n / (secs > 0 ? secs : 1e-9));
	return 0;
}
