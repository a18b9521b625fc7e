/* cmd_get.c: `isa get ID [-o FILE|-] [--force]`: fetch under credit, verify, then rename into place. */
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
#include "common/fdio.h"
#include "common/utf8.h"
#include "common/wipe.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

#define GET_WINDOW 8	/* chunk requests in flight */

static const char usage_text[] =
    "isa get ID [-o|--out FILE|-] [--force] [--config FILE]";

typedef struct {
	const char *id;
	const char *out;	/* NULL or "-": standard output */
	bool force;
	cli_common_t o;
} get_args_t;

/* CLI_GO, or the exit code (usage said, or --help). */
static int
get_parse(int argc, char **argv, get_args_t *a)
{
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = cli_getopt(argc, argv, "o:", lo, usage_text)) != -1) {
		if (c == CLI_HELP)
			return EXIT_OK;
		if (c == 'o')
			a->out = optarg;
		else if (c == 'f')
			a->force = true;
		else if (c == CLI_BAD || !cli_common_opt(c, optarg, false,
		    &a->o))
			return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		if (argc - optind > 1)
			cli_error("get: unexpected argument \"%s\"",
			    argv[optind + 1]);
		return cli_usage(usage_text);
	}
	a->id = argv[optind];
	return CLI_GO;
}

/* Whether the first bytes of a document (n of them) are not text: a NUL,
 * or bytes that are not UTF-8 (a sequence cut at the end aside). */
static bool
looks_binary(const unsigned char *p, size_t n)
{
	if (n > 8192)
		n = 8192;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		int k = utf8_next(p + i, n - i, &c);

		if (k < 0)
			return n - i >= 4;
		if (c == 0)
			return true;
		i += (size_t)k;
	}
	return false;
}

/* Set while content goes to standard output and that is a terminal: it is
 * shown escaped there (term_text_escape), never acted on. */
static term_text_t *tty_text;

/* Write content: as it is, but escaped when it goes to a terminal; last:
 * nothing more follows (what was held back is written). */
static int
write_content(int fd, const void *p, size_t n, int last)
{
	char *e;
	size_t elen;
	int rc;

	if (tty_text == NULL || fd != STDOUT_FILENO)
		return fdio_write_all(fd, p, n);
	if (term_text_escape(tty_text, p, n, last, &e, &elen) != 0)
		return -1;
	rc = fdio_write_all(fd, e, elen);
	free(e);
	return rc;
}

static int
write_all(int fd, const void *p, size_t n)
{
	return write_content(fd, p, n, 0);
}


static int
send_get_chunk(isa_conn_t *c, ProtobufCBinaryData transfer, uint64_t index)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__GetChunk gc = ISA__GET_CHUNK__INIT;
	char err[512];

	gc.transfer = transfer;
	gc.index = index;
	req.body_case = ISA__ENVELOPE__BODY_GET_CHUNK;
	req.get_chunk = &gc;
	if (isa_conn_send(c, &req, NULL, 0, NULL, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/* Receive every chunk into fd, keeping GET_WINDOW requests in flight;
 * chunk 0 (first, first_len bytes) came with the header. */
static int
get_chunks(isa_conn_t *c, const Isa__GetBeginReply *b, const void *first,
    size_t first_len, int fd, const char *what)
{
	const Isa__DocMeta *m = b->meta;
	uint64_t asked = 1, got = 1, bytes = first_len;
	retry_t rt;
	char busy[64];
	uint8_t digest[SHA256_LEN];
	sha256_t *sha = sha256_new();
	progress_t prog;
	char err[512];
	int code = EXIT_OK;

	if (sha == NULL) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	progress_start(&prog, "received", m->size);
	retry_start(&rt);
	snprintf(busy, sizeof(busy), "send document %s", m->id);
	if (first_len > m->size) {
		cli_error("isad sent more than the document's size: nothing was "
		    "written");
		code = EXIT_ERROR;
	} else if (write_all(fd, first, first_len) != 0) {
		cli_error("cannot write %s: %s", what, strerror(errno));
		code = EXIT_ERROR;
	} else
		sha256_update(sha, first, first_len);
	while (got < b->chunks && code == EXIT_OK) {
		Isa__Envelope *r = NULL;
		const void *data;
		size_t len;

		while (asked < b->chunks && asked - got < GET_WINDOW &&
		    (code = send_get_chunk(c, b->transfer, asked)) == EXIT_OK)
			asked++;
		if (code != EXIT_OK)
			break;
		if (isa_conn_recv(c, &r, &data, &len, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			code = EXIT_UNREACHABLE;
			break;
		}
		if (retry_asked(r)) {
			/* No room in isad for now: the rest in flight get the
			 * same answer; ask again from the first not received. */
			code = retry_drain_wait(c, &rt, r->retry_ms, asked - got -
			    1, busy, NULL, ISA__ENVELOPE__BODY__NOT_SET);
			asked = got;
		} else if (r->status != ISA__STATUS__OK)
			code = cli_reply_error(r);
		else if (r->body_case != ISA__ENVELOPE__BODY_GET_CHUNK_REPLY ||
		    r->get_chunk_reply->index != got ||
		    bytes + len > m->size) {
			cli_error("isad sent chunks out of order or too much: "
			    "nothing was written");
			code = EXIT_ERROR;
		} else if (write_all(fd, data, len) != 0) {
			cli_error("cannot write %s: %s", what, strerror(errno));
			code = EXIT_ERROR;
		} else {
			sha256_update(sha, data, len);
			bytes += len;
			got++;
			retry_progress(&rt);
			progress_update(&prog, bytes);
		}
		envelope_free(r);
	}
	progress_end(&prog);
	sha256_final(sha, digest);
	sha256_free(sha);
	if (code == EXIT_OK && (bytes != m->size ||
	    m->sha256.len != SHA256_LEN ||
	    !isa_ct_equal(digest, m->sha256.data, SHA256_LEN))) {
		cli_error("the content received does not match its SHA-256: "
		    "it was damaged on the way%s", fd == STDOUT_FILENO ? "" :
		    "; nothing was written");
		code = EXIT_ERROR;
	}
	return code;
}

static void
print_marking(const Isa__DocMeta *m)
{
	term_printf(stderr, "%s\n", m->marking);
	if (m->handling[0] != '\0')
		term_printf(stderr, "handling: %s\n", m->handling);
}

int
cmd_get(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;
	client_conf_t conf;
	isa_conn_t *c = NULL;
	get_args_t a;
	retry_t rt;
	char err[512], busy[64], *tmp = NULL;
	const void *first = NULL;
	size_t first_len = 0;
	bool to_file;
	term_text_t tty = { .n = 0 };
	struct stat st;
	int code, fd = STDOUT_FILENO;

	if ((code = get_parse(argc, argv, &a)) != CLI_GO)
		return code;
	to_file = a.out != NULL && strcmp(a.out, "-") != 0;
	/* Refuse to overwrite before anything is fetched. */
	if (to_file && !a.force && lstat(a.out, &st) == 0) {
		cli_error("%s exists: use --force to replace it", a.out);
		return EXIT_ERROR;
	}
	if ((code = cli_connect(&a.o, &conf, &c)) != EXIT_OK)
		return code;
	gb.id = (char *)a.id;
	req.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	req.get_begin = &gb;
	retry_start(&rt);
	snprintf(busy, sizeof(busy), "send document %.32s", a.id);
	for (;;) {
		if (isa_conn_send(c, &req, NULL, 0, NULL, err, sizeof(err)) != 0 ||
		    isa_conn_recv(c, &r, &first, &first_len, err,
		    sizeof(err)) != 0) {
			cli_error("%s", err);
			code = EXIT_UNREACHABLE;
			goto out;
		}
		/* No room for its first chunk yet: ask again in a moment. */
		if (!retry_asked(r))
			break;
		code = retry_drain_wait(c, &rt, r->retry_ms, 0, busy, NULL,
		    ISA__ENVELOPE__BODY__NOT_SET);
		envelope_free(r);
		r = NULL;
		if (code != EXIT_OK)
			goto out;
	}
	if (r->status != ISA__STATUS__OK ||
	    r->body_case != ISA__ENVELOPE__BODY_GET_BEGIN_REPLY ||
	    first == NULL) {
		code = r->status != ISA__STATUS__OK ? cli_reply_error(r) :
		    EXIT_ERROR;
		if (code == EXIT_ERROR && r->status == ISA__STATUS__OK)
			cli_error("isad's answer carried no content: are isa and "
			    "isad the same version?");
		goto out;
	}
	/* Binary content sprayed on a terminal helps nobody: -o - asks for
	 * it all the same (shown escaped, as text is). */
	if (a.out == NULL && isatty(STDOUT_FILENO) &&
	    looks_binary(first, first_len)) {
		cli_error("%s is not text: not written to your terminal; use "
		    "-o FILE, or -o - to see it here anyway", a.id);
		code = EXIT_ERROR;
		goto out;
	}
	print_marking(r->get_begin_reply->meta);
	if (to_file) {
		size_t n = strlen(a.out) + 16;

		if ((tmp = malloc(n)) == NULL) {
			code = EXIT_ERROR;
			goto out;
		}
		snprintf(tmp, n, "%s.isa-XXXXXX", a.out);
		if ((fd = mkstemp(tmp)) < 0) {
			cli_error("cannot write beside %s: %s", a.out,
			    strerror(errno));
			free(tmp);
			tmp = NULL;
			code = EXIT_ERROR;
			goto out;
		}
	}
	if (!to_file && isatty(STDOUT_FILENO))
		tty_text = &tty;
	code = get_chunks(c, r->get_begin_reply, first, first_len, fd, to_file ?
	    a.out : "standard output");
	if (tty_text != NULL && write_content(fd, NULL, 0, 1) != 0 &&
	    code == EXIT_OK) {
		cli_error("cannot write to standard output: %s",
		    strerror(errno));
		code = EXIT_ERROR;
	}
	tty_text = NULL;
	if (to_file) {
		if (code == EXIT_OK && (fsync(fd) != 0 || close(fd) != 0 ||
		    rename(tmp, a.out) != 0)) {
			cli_error("cannot write %s: %s", a.out, strerror(errno));
			code = EXIT_ERROR;
		} else if (code != EXIT_OK)
			close(fd);
		if (code != EXIT_OK)
			unlink(tmp);
		else
			term_printf(stderr, "wrote %s (%llu bytes)\n", a.out,
			    (unsigned long long)r->get_begin_reply->meta->size);
	}
out:
	free(tmp);
	envelope_free(r);
	cli_disconnect(&conf, c);
	return code;
}
