/* bench_fault.c: how fast isad refuses an upload it has no room for (a full disk or a full map), seen from the client, and that it still answers after (for bench/faults.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "client/cli.h"
#include "client/conf.h"
#include "client/conn.h"
#include "client/upload.h"
#include "proto/envelope.h"

/*
 * bench_fault CLIENT_CONF SIZE TRIES [FILL]
 *     Over one connection (its handshake not timed): first, with FILL,
 *     uploads of FILL bytes until one is refused (at most 1000: what room
 *     is left used up; "filled: N documents went in"), then TRIES uploads
 *     of SIZE fresh random bytes, each timed from its PutBegin to isad's
 *     refusal (the whole failing upload: with SIZE one chunk, about the
 *     time from the refused request to its reply).  One line a try:
 *     "try I: MS ms exit E: SENTENCE".  Then a whoami on the same
 *     connection: "whoami: ok", or its failure.
 * Exits 0 when every try was refused with exit 5 (UNAVAILABLE) and whoami
 * answered; 1 otherwise.
 */

/* size bytes of fresh random bytes at data: 0, or -1. */
static int
fresh(uint8_t *data, long size)
{
	for (long k = 0; k < size; k += 4096)
		if (getrandom(data + k, (size_t)(size - k < 4096 ? size - k :
		    4096), 0) < 0)
			return -1;
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One upload of len bytes of data: its exit code, the sentence in err. */
static int
put_once(isa_conn_t *c, const uint8_t *data, size_t len, long i, char *err,
    size_t errlen)
{
	Isa__DocMeta m = ISA__DOC_META__INIT;
	const Isa__DocMeta *stored;
	isa_upload_t *u = NULL;
	char title[64], *to[] = { (char *)"user:u" };
	int code;

	snprintf(title, sizeof(title), "fault %ld", i);
	m.title = title;
	m.classification = (char *)"OFFICIAL";
	m.to = to;
	m.n_to = 1;
	m.filename = (char *)"fault.bin";
	err[0] = '\0';
	code = isa_upload_begin(c, &m, len, "the upload", &u, err, errlen);
	if (code == EXIT_OK)
		code = isa_upload_write(u, data, len, err, errlen);
	if (code == EXIT_OK)
		code = isa_upload_end(u, &stored, err, errlen);
	isa_upload_close(u);
	return code;
}

/* A whoami on c: 0, or -1 with err filled. */
static int
whoami(isa_conn_t *c, char *err, size_t errlen)
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
	uint8_t *data;
	long size, tries, fill = 0, refused = 0, filled = 0;
	int rc = 1;

	if ((argc != 4 && argc != 5) ||
	    (size = strtol(argv[2], NULL, 10)) <= 0 || (tries = strtol(argv[3], NULL, 10)) <= 0 ||
	    (argc == 5 && (fill = strtol(argv[4], NULL, 10)) <= 0)) {
		fprintf(stderr, "usage: bench_fault CLIENT_CONF SIZE TRIES "
		    "[FILL]\n");
		return 2;
	}
	if ((data = malloc((size_t)(size > fill ? size : fill))) == NULL) {
		fprintf(stderr, "bench_fault: out of memory\n");
		return 1;
	}
	if (client_conf_load(argv[1], &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_fault: %s\n", err);
		free(data);
		return 1;
	}
	if (isa_conn_open(&conf, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_fault: %s\n", err);
		goto out;
	}
	while (fill > 0 && filled < 1000) {
		if (fresh(data, fill) != 0)
			goto random;
		if (put_once(c, data, (size_t)fill, -1, err, sizeof(err)) !=
		    EXIT_OK)
			break;
		filled++;
	}
	if (fill > 0)
		printf("filled: %ld documents went in\n", filled);
	for (long i = 0; i < tries; i++) {
		double t0;
		int code;

		if (fresh(data, size) != 0)
			goto random;
		t0 = now_ms();
		code = put_once(c, data, (size_t)size, i, err, sizeof(err));
		printf("try %ld: %.2f ms exit %d: %s\n", i + 1, now_ms() - t0,
		    code, err);
		refused += code == EXIT_UNREACHABLE;
	}
	if (whoami(c, err, sizeof(err)) != 0) {
		printf("whoami: %s\n", err);
		goto out;
	}
	printf("whoami: ok\n");
	rc = refused == tries ? 0 : 1;
	goto out;
random:
	fprintf(stderr, "bench_fault: no random bytes\n");
out:
	isa_conn_close(c);
	client_conf_free(&conf);
	free(data);
	return rc;
}
