/* cmd_put.c: `isa put FILE ...`: upload under credit, print the new id last. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/term.h"
#include "client/progress.h"
#include "client/retry.h"
#include "common/err.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define PUT_MAX_LIST 64

static const char usage_text[] =
    "isa put FILE --title T --class OFFICIAL|OFFICIAL-SENSITIVE|SECRET "
    "--to PRINCIPAL [--to P]... [--caveat C]... [--descriptor D]... "
    "[--handling TEXT] [--originator AGENCY] "
    "[--onward approval|within-agency|open] [--review-by DATE] "
    "[--destroy-after DATE] [--embargo-until TIME] [--derived-from ID] "
    "[--supersedes ID] [--config FILE]";

typedef struct {
	const char *file;
	const char *config;
	Isa__DocMeta meta;
	char *to[PUT_MAX_LIST], *caveats[PUT_MAX_LIST], *desc[PUT_MAX_LIST];
} put_args_t;

/* Parse argv into a; false (usage printed) on a fault. */
static bool
put_parse(int argc, char **argv, put_args_t *a)
{
	static const struct { const char *flag; size_t off; } one[] = {
		{ "--title", offsetof(Isa__DocMeta, title) },
		{ "--class", offsetof(Isa__DocMeta, classification) },
		{ "--handling", offsetof(Isa__DocMeta, handling) },
		{ "--originator", offsetof(Isa__DocMeta, originator) },
		{ "--onward", offsetof(Isa__DocMeta, onward) },
		{ "--review-by", offsetof(Isa__DocMeta, review_by) },
		{ "--destroy-after", offsetof(Isa__DocMeta, destroy_after) },
		{ "--embargo-until", offsetof(Isa__DocMeta, embargo_until) },
		{ "--derived-from", offsetof(Isa__DocMeta, derived_from) },
		{ "--supersedes", offsetof(Isa__DocMeta, supersedes) },
	};

	isa__doc_meta__init(&a->meta);
	a->meta.to = a->to;
	a->meta.caveats = a->caveats;
	a->meta.descriptors = a->desc;
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		size_t k;

		if (f[0] != '-' || strcmp(f, "-") == 0) {
			if (a->file != NULL)
				goto usage;
			a->file = f;
			continue;
		}
		if (i + 1 >= argc)
			goto usage;
		for (k = 0; k < sizeof(one) / sizeof(one[0]); k++)
			if (strcmp(f, one[k].flag) == 0)
				break;
		if (k < sizeof(one) / sizeof(one[0]))
			*(char **)(void *)((char *)&a->meta + one[k].off) =
			    argv[++i];
		else if (strcmp(f, "--config") == 0)
			a->config = argv[++i];
		else if (strcmp(f, "--to") == 0 && a->meta.n_to < PUT_MAX_LIST)
			a->to[a->meta.n_to++] = argv[++i];
		else if (strcmp(f, "--caveat") == 0 &&
		    a->meta.n_caveats < PUT_MAX_LIST)
			a->caveats[a->meta.n_caveats++] = argv[++i];
		else if (strcmp(f, "--descriptor") == 0 &&
		    a->meta.n_descriptors < PUT_MAX_LIST)
			a->desc[a->meta.n_descriptors++] = argv[++i];
		else
			goto usage;
	}
	if (a->file != NULL && a->meta.title[0] != '\0' &&
	    a->meta.classification[0] != '\0' && a->meta.n_to > 0)
		return true;
	cli_error("put needs FILE, --title, --class and at least one --to");
usage:
	term_printf(stderr, "usage: %s\n", usage_text);
	return false;
}

/* Wait for one chunk acknowledgement.  EXIT_OK or the exit code; a retry
 * answer (no room in isad for now) is left in *retry for the caller. */
static int
put_ack(isa_conn_t *c, Isa__Envelope **retry)
{
	Isa__Envelope *r = NULL;
	char err[512];
	int code;

	*retry = NULL;
	if (isa_conn_recv(c, &r, NULL, NULL, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_UNREACHABLE;
	}
	if (retry_asked(r)) {
		*retry = r;
		return EXIT_OK;
	}
	if (r->status != ISA__STATUS__OK)
		code = cli_reply_error(r);
	else if (r->body_case != ISA__ENVELOPE__BODY_PUT_CHUNK_REPLY) {
		cli_error("isad answered a chunk with something else");
		code = EXIT_ERROR;
	} else
		code = EXIT_OK;
	envelope_free(r);
	return code;
}

/* Read chunk index (want bytes) of fd into buf.  EXIT_OK, or the error
 * said. */
static int
put_read(int fd, const char *file, uint64_t offset, uint8_t *buf,
    size_t want)
{
	size_t got = 0;
	ssize_t n;

	while (got < want && (n = pread(fd, buf + got, want - got,
	    (off_t)(offset + got))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	if (got == want)
		return EXIT_OK;
	cli_error("cannot read %s (%s): nothing was stored", file, got < want ?
	    "it shrank while it was sent" : strerror(errno));
	return EXIT_ERROR;
}

/* Send every chunk of fd, at most credit unacknowledged; when isad has no
 * room, send again from the first unacknowledged after its retry_ms. */
static int
put_chunks(isa_conn_t *c, int fd, const char *file, uint64_t size,
    const Isa__PutBeginReply *b, sha256_t *sha)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *again = NULL;
	Isa__PutChunk pc = ISA__PUT_CHUNK__INIT;
	uint64_t chunks = size == 0 ? 1 : (size + b->chunk_size - 1) /
	    b->chunk_size, sent = 0, acked = 0, hashed = 0;
	uint32_t credit = b->credit > 0 ? b->credit : 1;
	uint8_t *buf = malloc(b->chunk_size > 0 ? b->chunk_size : 1);
	progress_t prog;
	retry_t rt;
	char err[512], busy[300];
	int code = EXIT_OK;

	if (buf == NULL || b->chunk_size == 0) {
		free(buf);
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	progress_start(&prog, "sent", size);
	retry_start(&rt);
	snprintf(busy, sizeof(busy), "take %s", file);
	req.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK;
	req.put_chunk = &pc;
	pc.transfer = b->transfer;
	while (acked < chunks && code == EXIT_OK) {
		while (sent < chunks && sent - acked < credit) {
			size_t want = sent + 1 == chunks ?
			    (size_t)(size - sent * b->chunk_size) : b->chunk_size;

			if ((code = put_read(fd, file, sent * b->chunk_size,
			    buf, want)) != EXIT_OK)
				break;
			if (sent == hashed) {	/* a chunk sent again is not */
				sha256_update(sha, buf, want);
				hashed++;
			}
			pc.index = sent;
			if (isa_conn_send(c, &req, buf, want, NULL, err,
			    sizeof(err)) != 0) {
				cli_error("%s", err);
				code = EXIT_UNREACHABLE;
				break;
			}
			sent++;
		}
		if (code != EXIT_OK || (code = put_ack(c, &again)) != EXIT_OK)
			break;
		if (again != NULL) {
			/* No room in isad for now: the chunks sent after the
			 * one refused get the same answer, those before it
			 * their acknowledgement (when stored, so perhaps only
			 * now); send again from the first not taken. */
			uint64_t more = 0;

			code = retry_drain_wait(c, &rt, again->retry_ms, sent -
			    acked - 1, busy, &more,
			    ISA__ENVELOPE__BODY_PUT_CHUNK_REPLY);
			envelope_free(again);
			again = NULL;
			acked += more;
			sent = acked;
			progress_update(&prog, acked == chunks ? size :
			    acked * b->chunk_size);
			continue;
		}
		acked++;
		retry_progress(&rt);
		progress_update(&prog, acked == chunks ? size :
		    acked * b->chunk_size);
	}
	progress_end(&prog);
	free(buf);
	return code;
}

/* Tell isad to drop the upload (best effort: it also times out). */
static void
put_abandon(isa_conn_t *c, ProtobufCBinaryData transfer)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__TransferEnd te = ISA__TRANSFER_END__INIT;
	char err[512];

	te.transfer = transfer;
	req.body_case = ISA__ENVELOPE__BODY_TRANSFER_END;
	req.transfer_end = &te;
	if (isa_conn_send(c, &req, NULL, 0, NULL, err, sizeof(err)) != 0)
		return;	/* isad drops it when it times out */
}

int
cmd_put(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	Isa__PutEnd pe = ISA__PUT_END__INIT;
	put_args_t a = { 0 };
	cli_common_t o = { 0 };
	client_conf_t conf;
	isa_conn_t *c = NULL;
	sha256_t *sha = NULL;
	uint8_t digest[SHA256_LEN];
	struct stat st;
	char err[512];
	int fd = -1, code;

	if (!put_parse(argc, argv, &a))
		return EXIT_USAGE;
	o.config = a.config;
	if ((fd = open(a.file, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_error("cannot read %s: %s", a.file, fd < 0 ?
		    strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return EXIT_ERROR;
	}
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK) {
		close(fd);
		return code;
	}
	/* The base name only: where the file sits is nobody's business. */
	a.meta.filename = strrchr(a.file, '/') != NULL ?
	    strrchr(a.file, '/') + 1 : (char *)a.file;
	pb.meta = &a.meta;
	pb.size = (uint64_t)st.st_size;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	if (isa_conn_call(c, &req, &r, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		code = EXIT_UNREACHABLE;
		goto out;
	}
	if (r->status != ISA__STATUS__OK ||
	    r->body_case != ISA__ENVELOPE__BODY_PUT_BEGIN_REPLY) {
		code = cli_reply_error(r);
		goto out;
	}
	if ((sha = sha256_new()) == NULL) {
		cli_error("out of memory");
		code = EXIT_ERROR;
		goto out;
	}
	code = put_chunks(c, fd, a.file, pb.size, r->put_begin_reply, sha);
	if (code != EXIT_OK) {
		put_abandon(c, r->put_begin_reply->transfer);
		goto out;
	}
	sha256_final(sha, digest);
	pe.transfer = r->put_begin_reply->transfer;
	pe.sha256.data = digest;
	pe.sha256.len = sizeof(digest);
	req.body_case = ISA__ENVELOPE__BODY_PUT_END;
	req.put_end = &pe;
	{
		Isa__Envelope *e = NULL;

		if (isa_conn_call(c, &req, &e, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			code = EXIT_UNREACHABLE;
			goto out;
		}
		if (e->status != ISA__STATUS__OK ||
		    e->body_case != ISA__ENVELOPE__BODY_PUT_END_REPLY) {
			code = cli_reply_error(e);
			envelope_free(e);
			goto out;
		}
		term_printf(stderr, "stored %llu bytes as %s\n",
		    (unsigned long long)pb.size, e->put_end_reply->meta->marking);
		term_printf(stdout, "%s\n", e->put_end_reply->meta->id);
		envelope_free(e);
	}
out:
	sha256_free(sha);
	envelope_free(r);
	cli_disconnect(&conf, c);
	close(fd);
	return code;
}
