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
#include "common/timefmt.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define PUT_MAX_LIST 64

static const char usage_text[] =
    "isa put FILE --title T --class OFFICIAL|OFFICIAL-SENSITIVE|SECRET "
    "--to PRINCIPAL [--to P]... [--caveat C]... [--descriptor D]... "
    "[--handling TEXT] [--originator AGENCY] "
    "[--onward approval|within-agency|open] [--review-by DATE] "
    "[--destroy-after DATE] [--embargo-until TIME] [--derived-from ID] "
    "[--supersedes ID] [--json] [--config FILE]";

typedef struct {
	const char *file;
	cli_common_t o;		/* --config, --json */
	Isa__DocMeta meta;
	char *to[PUT_MAX_LIST], *caveats[PUT_MAX_LIST], *desc[PUT_MAX_LIST];
} put_args_t;

enum { OPT_TO = CLI_OPT_FIRST_OWN, OPT_CAVEAT, OPT_DESC, OPT_ONE };

/* Whether a's dates are real (through the one parser, common/timefmt);
 * false with the fault said. */
static bool
put_dates(const put_args_t *a)
{
	const Isa__DocMeta *m = &a->meta;
	int64_t ms;

	if (m->review_by[0] != '\0' && timefmt_parse_date(m->review_by, &ms)) {
		cli_error("put: --review-by \"%s\" is not a real date: "
		    "YYYY-MM-DD (UTC), e.g. 2026-02-28", m->review_by);
		return false;
	}
	if (m->destroy_after[0] != '\0' &&
	    timefmt_parse_date(m->destroy_after, &ms)) {
		cli_error("put: --destroy-after \"%s\" is not a real date: "
		    "YYYY-MM-DD (UTC), e.g. 2026-02-28", m->destroy_after);
		return false;
	}
	if (m->embargo_until[0] != '\0' &&
	    timefmt_parse_time(m->embargo_until, &ms)) {
		cli_error("put: --embargo-until \"%s\" is not a real time: "
		    "RFC 3339, e.g. 2026-02-28T09:00:00Z", m->embargo_until);
		return false;
	}
	return true;
}

/* Parse argv into a: CLI_GO, or the exit code (usage said, or --help). */
static int
put_parse(int argc, char **argv, put_args_t *a)
{
	/* The options that set one string of DocMeta: val OPT_ONE + index. */
	static const size_t one[] = {
		offsetof(Isa__DocMeta, title),
		offsetof(Isa__DocMeta, classification),
		offsetof(Isa__DocMeta, handling),
		offsetof(Isa__DocMeta, originator),
		offsetof(Isa__DocMeta, onward),
		offsetof(Isa__DocMeta, review_by),
		offsetof(Isa__DocMeta, destroy_after),
		offsetof(Isa__DocMeta, embargo_until),
		offsetof(Isa__DocMeta, derived_from),
		offsetof(Isa__DocMeta, supersedes),
	};
#define ONE(name, i) { name, required_argument, NULL, OPT_ONE + (i) }
	static const struct option lo[] = {
		ONE("title", 0), ONE("class", 1), ONE("handling", 2),
		ONE("originator", 3), ONE("onward", 4), ONE("review-by", 5),
		ONE("destroy-after", 6), ONE("embargo-until", 7),
		ONE("derived-from", 8), ONE("supersedes", 9),
		{ "to", required_argument, NULL, OPT_TO },
		{ "caveat", required_argument, NULL, OPT_CAVEAT },
		{ "descriptor", required_argument, NULL, OPT_DESC },
		CLI_LONG_COMMON, { 0 },
	};
#undef ONE
	int c;

	isa__doc_meta__init(&a->meta);
	a->meta.to = a->to;
	a->meta.caveats = a->caveats;
	a->meta.descriptors = a->desc;
	optind = 0;
	while ((c = cli_getopt(argc, argv, "", lo, usage_text)) != -1) {
		size_t *n = c == OPT_TO ? &a->meta.n_to : c == OPT_CAVEAT ?
		    &a->meta.n_caveats : c == OPT_DESC ?
		    &a->meta.n_descriptors : NULL;

		if (c == CLI_HELP)
			return EXIT_OK;
		if (c == CLI_BAD)
			return EXIT_USAGE;
		if (c >= OPT_ONE && c < OPT_ONE + 10)
			*(char **)(void *)((char *)&a->meta +
			    one[c - OPT_ONE]) = optarg;
		else if (n != NULL && *n >= PUT_MAX_LIST) {
			cli_error("put: at most %d of %s", PUT_MAX_LIST,
			    argv[optind - 1]);
			return cli_usage(usage_text);
		} else if (n != NULL)
			(c == OPT_TO ? a->to : c == OPT_CAVEAT ? a->caveats :
			    a->desc)[(*n)++] = optarg;
		else if (!cli_common_opt(c, optarg, true, &a->o))
			return EXIT_USAGE;
	}
	if (argc - optind > 1) {
		cli_error("put: one FILE at a time, not also \"%s\"",
		    argv[optind + 1]);
		return cli_usage(usage_text);
	}
	a->file = optind < argc ? argv[optind] : NULL;
	if (a->file == NULL || a->meta.title[0] == '\0' ||
	    a->meta.classification[0] == '\0' || a->meta.n_to == 0) {
		cli_error("put needs FILE, --title, --class and at least one "
		    "--to");
		return cli_usage(usage_text);
	}
	return put_dates(a) ? CLI_GO : cli_usage(usage_text);
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
	char err[CLI_REPLY_LEN], busy[300];
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
			    ISA__ENVELOPE__BODY_PUT_CHUNK_REPLY, err,
			    sizeof(err));
			if (code != EXIT_OK)
				cli_error("%s", err);
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
	client_conf_t conf;
	isa_conn_t *c = NULL;
	sha256_t *sha = NULL;
	uint8_t digest[SHA256_LEN];
	struct stat st;
	char err[512];
	int fd = -1, code;

	if ((code = put_parse(argc, argv, &a)) != CLI_GO)
		return code;
	if ((fd = open(a.file, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_error("cannot read %s: %s", a.file, fd < 0 ?
		    strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return EXIT_ERROR;
	}
	if ((code = cli_connect(&a.o, &conf, &c)) != EXIT_OK) {
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
		if (a.o.json) {
			json_t *j = json_object();

			cli_jset(j, "id", cli_jstr(e->put_end_reply->meta->id));
			cli_jset(j, "marking",
			    cli_jstr(e->put_end_reply->meta->marking));
			cli_jset(j, "size", json_integer((json_int_t)pb.size));
			code = cli_json_print(j);
		} else
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
