/* cmd_put.c: `isa put FILE ...`: the file pushed through client/upload.c, the new id printed last. */
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
#include "client/putmeta.h"
#include "client/upload.h"

#define PUT_READ (256u << 10)	/* read from the file this much at a time */

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
	char *to[ISA_PUT_MAX_LIST], *caveats[ISA_PUT_MAX_LIST], *desc[ISA_PUT_MAX_LIST];
} put_args_t;

enum { OPT_TO = CLI_OPT_FIRST_OWN, OPT_CAVEAT, OPT_DESC, OPT_ONE };

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
	char err[CLI_REPLY_LEN];
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
		else if (n != NULL && *n >= ISA_PUT_MAX_LIST) {
			cli_error("put: at most %d of %s", ISA_PUT_MAX_LIST,
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
	if (isa_putmeta_dates(&a->meta, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return cli_usage(usage_text);
	}
	return CLI_GO;
}

/* Read some of the next want (> 0) bytes of fd into buf, *got of them.
 * EXIT_OK, or the error said (the file ending early among them). */
static int
put_read(int fd, const char *file, uint8_t *buf, size_t want, size_t *got)
{
	ssize_t n;

	while ((n = read(fd, buf, want)) < 0 && errno == EINTR)
		;
	if (n > 0) {
		*got = (size_t)n;
		return EXIT_OK;
	}
	cli_error("cannot read %s (%s): nothing was stored", file, n == 0 ?
	    "it shrank while it was sent" : strerror(errno));
	return EXIT_ERROR;
}

/* Push size bytes of fd through u and end it, the progress line following
 * isad's acknowledgements: EXIT_OK with *stored (u's), or the error said. */
static int
put_content(isa_upload_t *u, int fd, const char *file, uint64_t size,
    const Isa__DocMeta **stored)
{
	uint8_t *buf = malloc(PUT_READ);
	uint64_t left = size;
	progress_t prog;
	char err[ISA_UPLOAD_ERRLEN];
	int code = EXIT_OK;

	if (buf == NULL) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	progress_start(&prog, "sent", size);
	while (left > 0 && code == EXIT_OK) {
		size_t got;

		if ((code = put_read(fd, file, buf, left < PUT_READ ?
		    (size_t)left : PUT_READ, &got)) != EXIT_OK)
			break;
		if ((code = isa_upload_write(u, buf, got, err,
		    sizeof(err))) != EXIT_OK)
			cli_error("%s", err);
		left -= got;
		progress_update(&prog, isa_upload_acked(u));
	}
	if (code == EXIT_OK && (code = isa_upload_end(u, stored, err,
	    sizeof(err))) != EXIT_OK)
		/* Sent, not confirmed: sending it again may store it twice. */
		cli_error("%s%s", err, isa_upload_unconfirmed(u) ? "; look for "
		    "it with `isa ls` before you send it again" : "");
	progress_end(&prog);
	free(buf);
	return code;
}

int
cmd_put(int argc, char **argv)
{
	put_args_t a = { 0 };
	client_conf_t conf;
	isa_conn_t *c = NULL;
	isa_upload_t *u = NULL;
	const Isa__DocMeta *m;
	struct stat st;
	char err[ISA_UPLOAD_ERRLEN];
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
	if ((code = isa_upload_begin(c, &a.meta, (uint64_t)st.st_size, a.file,
	    &u, err, sizeof(err))) != EXIT_OK) {
		cli_error("%s", err);
		goto out;
	}
	if ((code = put_content(u, fd, a.file, (uint64_t)st.st_size, &m)) !=
	    EXIT_OK)
		goto out;	/* closing u abandons it: nothing is stored */
	term_printf(stderr, "stored %llu bytes as %s\n",
	    (unsigned long long)st.st_size, m->marking);
	if (a.o.json) {
		json_t *j = json_object();

		cli_jset(j, "id", cli_jstr(m->id));
		cli_jset(j, "marking", cli_jstr(m->marking));
		cli_jset(j, "size", json_integer((json_int_t)st.st_size));
		code = cli_json_print(j);
	} else
		term_printf(stdout, "%s\n", m->id);
out:
	isa_upload_close(u);
	cli_disconnect(&conf, c);
	close(fd);
	return code;
}
