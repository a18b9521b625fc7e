/* cmd_audit.c: `isa audit` (query), `audit checkpoint`, `audit export -o FILE`, `audit verify FILE --key PUB.pem`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/auditexport.h"
#include "client/auditreq.h"
#include "client/cli.h"
#include "client/commands.h"
#include "client/term.h"
#include "common/err.h"
#include "common/paths.h"
#include "verify/auditfmt.h"
#include "verify/auditverify.h"
#include "proto/checkpoint.h"
#include "proto/envelope.h"

static const char usage_text[] =
    "isa audit [--doc ID] [--user U] [--agency A] [--action X] "
    "[--decision D] [--since T] [--until T] [--json|--csv] [--config FILE]\n"
    "       isa audit checkpoint|export|verify --help: the others";
static const char usage_export[] =
    "isa audit export -o|--out FILE [--force] [--config FILE]";
static const char usage_verify[] =
    "isa audit verify FILE --key PUB.pem [--since CHECKPOINT]";

enum { OPT_CSV = CLI_OPT_FIRST_OWN, OPT_FORCE, OPT_KEY, OPT_SINCE,
    OPT_FILTER };

/* Start getopt over argv; for each option, *c its val.  false at the end;
 * true with *c a val, or with *code set (stop: --help or a fault). */
static bool
next_opt(int argc, char **argv, const char *shortopts,
    const struct option *lo, const char *usage, int *c, int *code)
{
	*code = CLI_GO;
	if ((*c = cli_getopt(argc, argv, shortopts, lo, usage)) == -1)
		return false;
	if (*c == CLI_HELP)
		*code = EXIT_OK;
	else if (*c == CLI_BAD)
		*code = EXIT_USAGE;
	return true;
}

/* No operands allowed after the options: CLI_GO, or EXIT_USAGE said. */
static int
no_operands(int argc, char **argv, const char *usage)
{
	if (optind >= argc)
		return CLI_GO;
	cli_error("%s: unexpected argument \"%s\"", argv[0], argv[optind]);
	return cli_usage(usage);
}

static int
audit_query(int argc, char **argv)
{
	/* The filters, in the order of their vals below. */
	static const size_t opts[] = {
		offsetof(Isa__AuditQuery, doc),
		offsetof(Isa__AuditQuery, user),
		offsetof(Isa__AuditQuery, agency),
		offsetof(Isa__AuditQuery, action),
		offsetof(Isa__AuditQuery, decision),
		offsetof(Isa__AuditQuery, since),
		offsetof(Isa__AuditQuery, until),
	};
#define F(name, i) { name, required_argument, NULL, OPT_FILTER + (i) }
	static const struct option lo[] = {
		F("doc", 0), F("user", 1), F("agency", 2), F("action", 3),
		F("decision", 4), F("since", 5), F("until", 6),
		{ "csv", no_argument, NULL, OPT_CSV },
		CLI_LONG_COMMON, { 0 },
	};
#undef F
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	cli_common_t o = { 0 };
	client_conf_t conf;
	isa_conn_t *c = NULL;
	bool csv = false, header = false, unreadable = false;
	char err[ISA_AUDITREQ_ERRLEN];
	int code, opt;

	optind = 0;
	while (next_opt(argc, argv, "", lo, usage_text, &opt, &code)) {
		if (code != CLI_GO)
			return code;
		if (opt >= OPT_FILTER && opt < OPT_FILTER + 7)
			*(char **)(void *)((char *)&q +
			    opts[opt - OPT_FILTER]) = optarg;
		else if (opt == OPT_CSV)
			csv = true;
		else if (!cli_common_opt(opt, optarg, true, &o))
			return EXIT_USAGE;
	}
	if ((code = no_operands(argc, argv, usage_text)) != CLI_GO)
		return code;
	if (o.json && csv) {
		cli_error("audit: --json or --csv, not both");
		return cli_usage(usage_text);
	}
	if ((code = isa_auditreq_dates(&q, err, sizeof(err))) != EXIT_OK) {
		cli_error("%s", err);
		return cli_usage(usage_text);
	}
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	for (;;) {
		Isa__Envelope *r = NULL;
		const Isa__AuditRecords *p;

		if ((code = isa_auditreq_page(c, &q, &r, err, sizeof(err)))
		    != EXIT_OK) {
			cli_error("%s", err);
			break;
		}
		/* The header once isad has answered: a refusal (not an
		 * auditor) comes alone. */
		if (!header && csv)
			auditfmt_csv_header(stdout);
		else if (!header && !o.json)
			auditfmt_table_header(stdout);
		header = true;
		p = r->audit_records;
		for (size_t i = 0; i < p->n_records && code == EXIT_OK; i++) {
			const ProtobufCBinaryData *b = &p->records[i];

			if (o.json) {
				json_t *v = isa_auditreq_json(b->data, b->len);

				if (v == NULL)
					unreadable = true;
				else
					code = cli_json_print(v);
			} else if ((csv ? auditfmt_csv(b->data, b->len, stdout) :
			    auditfmt_table(b->data, b->len, stdout)) != 0)
				unreadable = true;
			if (unreadable)
				code = EXIT_ERROR;
		}
		q.after = p->next;
		if (!p->more || code != EXIT_OK) {
			envelope_free(r);
			break;
		}
		envelope_free(r);
	}
	if (unreadable)
		cli_error("isad sent a record this isa cannot read");
	cli_disconnect(&conf, c);
	return code;
}

static int
audit_checkpoint(int argc, char **argv)
{
	cli_common_t o;
	client_conf_t conf;
	isa_conn_t *c = NULL;
	Isa__Envelope *r = NULL;
	char err[ISA_AUDITREQ_ERRLEN];
	int code;

	if ((code = cli_parse_common(argc, argv, false, &o,
	    "isa audit checkpoint [--config FILE]", 0, NULL)) != CLI_GO)
		return code;
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	if ((code = isa_auditreq_checkpoint(c, false, &r, err, sizeof(err)))
	    == EXIT_OK) {
		/* Verbatim and alone on standard output, to be kept. */
		fputs(r->audit_checkpoint_reply->checkpoint, stdout);
		envelope_free(r);
	} else
		cli_error("%s", err);
	cli_disconnect(&conf, c);
	return code;
}

/* Write the export: line 1, then every record below the checkpoint. */
static int
export_to(isa_conn_t *c, FILE *out)
{
	isa_auditexport_t *x = NULL;
	char err[ISA_AUDITREQ_ERRLEN];
	const char *text;
	size_t len;
	bool done = false;
	int code;

	if ((code = isa_auditexport_begin(c, &x, err, sizeof(err))) !=
	    EXIT_OK) {
		cli_error("%s", err);
		return code;
	}
	while (!done) {
		if ((code = isa_auditexport_next(x, &text, &len, &done, err,
		    sizeof(err))) != EXIT_OK) {
			cli_error("%s", err);
			break;
		}
		/* A write fault shows at the flush and fsync below. */
		(void)fwrite(text, 1, len, out);
	}
	isa_auditexport_end(x);
	return code;
}

static int
audit_export(int argc, char **argv)
{
	cli_common_t o = { 0 };
	client_conf_t conf;
	isa_conn_t *c = NULL;
	const char *path = NULL;
	bool force = false;
	char *tmp = NULL;
	struct stat st;
	FILE *out = NULL;
	int code, fd;

	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	optind = 0;
	while (next_opt(argc, argv, "o:", lo, usage_export, &opt, &code)) {
		if (code != CLI_GO)
			return code;
		if (opt == 'o')
			path = optarg;
		else if (opt == OPT_FORCE)
			force = true;
		else if (!cli_common_opt(opt, optarg, false, &o))
			return EXIT_USAGE;
	}
	if ((code = no_operands(argc, argv, usage_export)) != CLI_GO)
		return code;
	if (path == NULL)
		return cli_usage(usage_export);
	if (!force && lstat(path, &st) == 0) {
		cli_error("%s exists: use --force to replace it", path);
		return EXIT_ERROR;
	}
	if ((tmp = malloc(strlen(path) + 16)) == NULL)
		return EXIT_ERROR;
	sprintf(tmp, "%s.isa-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0 || (out = fdopen(fd, "w")) == NULL) {
		cli_error("cannot write beside %s: %s", path, strerror(errno));
		free(tmp);
		return EXIT_ERROR;
	}
	if ((code = cli_connect(&o, &conf, &c)) == EXIT_OK) {
		code = export_to(c, out);
		cli_disconnect(&conf, c);
	}
	if (fflush(out) != 0 || fsync(fileno(out)) != 0) {
		if (code == EXIT_OK)
			cli_error("cannot write %s: %s", path, strerror(errno));
		code = code == EXIT_OK ? EXIT_ERROR : code;
	}
	fclose(out);
	if (code == EXIT_OK && rename(tmp, path) != 0) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		code = EXIT_ERROR;
	}
	if (code != EXIT_OK)
		unlink(tmp);
	free(tmp);
	return code;
}

static int
audit_verify(int argc, char **argv)
{
	const char *file = NULL, *keyfile = NULL, *since = NULL;
	char err[1024], *note = NULL;
	uint64_t n, m;
	EVP_PKEY *key = NULL;
	FILE *f;
	int rc;

	static const struct option lo[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, code;

	optind = 0;
	while (next_opt(argc, argv, "", lo, usage_verify, &opt, &code)) {
		if (code != CLI_GO)
			return code;
		if (opt == OPT_KEY)
			keyfile = optarg;
		else
			since = optarg;
	}
	if (optind < argc)
		file = argv[optind++];
	if ((code = no_operands(argc, argv, usage_verify)) != CLI_GO)
		return code;
	if (file == NULL || keyfile == NULL)
		return cli_usage(usage_verify);
	if (checkpoint_key_read_public(keyfile, &key, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_ERROR;
	}
	if (since != NULL && paths_read_file(since, 1 << 17, &note) != 0) {
		cli_error("cannot read the checkpoint %s: %s", since,
		    strerror(errno));
		checkpoint_key_free(key);
		return EXIT_ERROR;
	}
	if ((f = fopen(file, "r")) == NULL) {
		cli_error("cannot read %s: %s", file, strerror(errno));
		free(note);
		checkpoint_key_free(key);
		return EXIT_ERROR;
	}
	rc = auditverify_export(f, key, note, note ? strlen(note) : 0, &n, &m,
	    err, sizeof(err));
	fclose(f);
	free(note);
	checkpoint_key_free(key);
	if (rc != 0) {
		cli_error("verification failed: %s", err);
		return rc == ISA_ERR_CRYPTO || rc == ISA_ERR_PARSE ?
		    EXIT_VERIFY : EXIT_ERROR;
	}
	printf("verified: %llu records, signed checkpoint and tree root match",
	    (unsigned long long)n);
	if (since != NULL)
		printf("; the log only grew since your checkpoint of %llu "
		    "records", (unsigned long long)m);
	printf("\n");
	return EXIT_OK;
}

int
cmd_audit(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "checkpoint") == 0)
		return audit_checkpoint(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "export") == 0)
		return audit_export(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "verify") == 0)
		return audit_verify(argc - 1, argv + 1);
	return audit_query(argc, argv);
}
