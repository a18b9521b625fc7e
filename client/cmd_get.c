/* cmd_get.c: `isa get ID [-o FILE|-] [--force]`: the marking first, then the content (client/fetch.c: under credit, verified) renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/fetch.h"
#include "client/progress.h"
#include "client/term.h"
#include "common/fdio.h"
#include "common/utf8.h"

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

static void
print_marking(const Isa__DocMeta *m)
{
	term_printf(stderr, "%s\n", m->marking);
	if (m->handling[0] != '\0')
		term_printf(stderr, "handling: %s\n", m->handling);
}

/* Say why f failed (err); to_file: its bytes went to a temporary file,
 * which is removed, so nothing was written. */
static void
get_failed(const isa_fetch_t *f, const char *err, bool to_file)
{
	cli_error("%s%s", err, to_file && (isa_fetch_damaged(f) ||
	    isa_fetch_interrupted(f)) ? "; nothing was written" : "");
}

/* Write every piece of f to fd (what names fd in sentences), the first
 * (n bytes at p) already taken. */
static int
get_write(isa_fetch_t *f, const void *p, size_t n, int fd, const char *what)
{
	progress_t prog;
	uint64_t bytes = 0;
	char err[ISA_FETCH_ERRLEN];
	bool done = false;
	int code = EXIT_OK;

	progress_start(&prog, "received", isa_fetch_meta(f)->size);
	while (!done) {
		if (write_content(fd, p, n, 0) != 0) {
			cli_error("cannot write %s: %s", what, strerror(errno));
			code = EXIT_ERROR;
			break;
		}
		bytes += n;
		progress_update(&prog, bytes);
		if ((code = isa_fetch_next(f, &p, &n, &done, err,
		    sizeof(err))) != EXIT_OK) {
			get_failed(f, err, fd != STDOUT_FILENO);
			break;
		}
	}
	progress_end(&prog);
	return code;
}

int
cmd_get(int argc, char **argv)
{
	client_conf_t conf;
	isa_conn_t *c = NULL;
	isa_fetch_t *f = NULL;
	get_args_t a;
	char err[ISA_FETCH_ERRLEN], *tmp = NULL;
	const void *first = NULL;
	size_t first_len = 0;
	bool to_file, done;
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
	if ((code = isa_fetch_open(c, a.id, &f, err, sizeof(err))) !=
	    EXIT_OK) {
		cli_error("%s", err);
		goto out;
	}
	/* The first piece: a one-chunk document's only after its check. */
	if ((code = isa_fetch_next(f, &first, &first_len, &done, err,
	    sizeof(err))) != EXIT_OK) {
		print_marking(isa_fetch_meta(f));
		get_failed(f, err, to_file);
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
	print_marking(isa_fetch_meta(f));
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
	code = get_write(f, first, first_len, fd, to_file ? a.out :
	    "standard output");
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
			    (unsigned long long)isa_fetch_meta(f)->size);
	}
out:
	free(tmp);
	isa_fetch_close(f);
	cli_disconnect(&conf, c);
	return code;
}
