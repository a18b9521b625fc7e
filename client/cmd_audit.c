/* cmd_audit.c: `isa audit` (query), `audit checkpoint`, `audit export -o FILE`, `audit verify FILE --key PUB.pem`. */
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
#include "common/err.h"
#include "common/paths.h"
#include "common/timefmt.h"
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

/* One page of records: EXIT_OK with *r set, or the exit code. */
static int
fetch_page(isa_conn_t *c, Isa__AuditQuery *q, Isa__Envelope **r)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	char err[512];

	req.body_case = ISA__ENVELOPE__BODY_AUDIT_QUERY;
	req.audit_query = q;
	if (isa_conn_call(c, &req, r, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_UNREACHABLE;
	}
	if ((*r)->status != ISA__STATUS__OK ||
	    (*r)->body_case != ISA__ENVELOPE__BODY_AUDIT_RECORDS) {
		int code = cli_reply_error(*r);

		envelope_free(*r);
		*r = NULL;
		return code;
	}
	return EXIT_OK;
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
	bool csv = false, header = false;
	int64_t ms;
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
	/* The one parser (common/timefmt): 2026-02-30 is no date. */
	if ((q.since[0] != '\0' && timefmt_parse_ms(q.since, &ms) != 0) ||
	    (q.until[0] != '\0' && timefmt_parse_ms(q.until, &ms) != 0)) {
		cli_error("audit: --%s \"%s\" is not a real date or time: "
		    "YYYY-MM-DD or RFC 3339, e.g. 2026-02-28T09:00:00Z",
		    q.since[0] != '\0' && timefmt_parse_ms(q.since, &ms) != 0 ?
		    "since" : "until", q.since[0] != '\0' &&
		    timefmt_parse_ms(q.since, &ms) != 0 ? q.since : q.until);
		return cli_usage(usage_text);
	}
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	for (;;) {
		Isa__Envelope *r = NULL;
		const Isa__AuditRecords *p;

		if ((code = fetch_page(c, &q, &r)) != EXIT_OK)
			break;
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
			char *line = NULL;

			if (o.json) {
				/* The export's own fields and names
				 * (auditfmt), written by jansson: ASCII,
				 * valid JSON, like every --json. */
				json_t *v = NULL;

				if (auditfmt_json(b->data, b->len, false,
				    &line) != 0 || (v = json_loads(line, 0,
				    NULL)) == NULL)
					code = EXIT_ERROR;
				else
					code = cli_json_print(v);
				free(line);
			} else if ((csv ? auditfmt_csv(b->data, b->len, stdout) :
			    auditfmt_table(b->data, b->len, stdout)) != 0)
				code = EXIT_ERROR;
		}
		q.after = p->next;
		if (!p->more || code != EXIT_OK) {
			envelope_free(r);
			break;
		}
		envelope_free(r);
	}
	if (code == EXIT_ERROR)
		cli_error("isad sent a record this isa cannot read");
	cli_disconnect(&conf, c);
	return code;
}

/* A fresh checkpoint: EXIT_OK with *r (its reply) set. */
static int
fetch_checkpoint(isa_conn_t *c, bool export, Isa__Envelope **r)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__AuditCheckpointRequest cr = ISA__AUDIT_CHECKPOINT_REQUEST__INIT;
	char err[512];

	cr.export = export;
	req.body_case = ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT;
	req.audit_checkpoint = &cr;
	if (isa_conn_call(c, &req, r, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_UNREACHABLE;
	}
	if ((*r)->status != ISA__STATUS__OK ||
	    (*r)->body_case != ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT_REPLY) {
		int code = cli_reply_error(*r);

		envelope_free(*r);
		*r = NULL;
		return code;
	}
	return EXIT_OK;
}

static int
audit_checkpoint(int argc, char **argv)
{
	cli_common_t o;
	client_conf_t conf;
	isa_conn_t *c = NULL;
	Isa__Envelope *r = NULL;
	int code;

	if ((code = cli_parse_common(argc, argv, false, &o,
	    "isa audit checkpoint [--config FILE]", 0, NULL)) != CLI_GO)
		return code;
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	if ((code = fetch_checkpoint(c, false, &r)) == EXIT_OK) {
		/* Verbatim and alone on standard output, to be kept. */
		fputs(r->audit_checkpoint_reply->checkpoint, stdout);
		envelope_free(r);
	}
	cli_disconnect(&conf, c);
	return code;
}

/* Write the export: line 1, then every record below the checkpoint. */
static int
export_to(isa_conn_t *c, FILE *out)
{
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	Isa__Envelope *cp = NULL;
	uint64_t written = 0, size;
	char *line = NULL;
	int code;

	if ((code = fetch_checkpoint(c, true, &cp)) != EXIT_OK)
		return code;
	size = cp->audit_checkpoint_reply->size;
	if (auditfmt_header(cp->audit_checkpoint_reply->checkpoint, &line)
	    != 0) {
		envelope_free(cp);
		return EXIT_ERROR;
	}
	fprintf(out, "%s\n", line);
	free(line);
	envelope_free(cp);
	q.upto = size;
	while (written < size && code == EXIT_OK) {
		Isa__Envelope *r = NULL;
		const Isa__AuditRecords *p;

		q.after = written;
		if ((code = fetch_page(c, &q, &r)) != EXIT_OK)
			break;
		p = r->audit_records;
		for (size_t i = 0; i < p->n_records; i++) {
			if (auditfmt_json(p->records[i].data, p->records[i].len,
			    true, &line) != 0) {
				cli_error("isad sent a record this isa cannot "
				    "read");
				code = EXIT_ERROR;
				break;
			}
			fprintf(out, "%s\n", line);
			free(line);
			written++;
		}
		if (code == EXIT_OK && p->n_records == 0 && written < size) {
			cli_error("isad sent %llu of %llu records",
			    (unsigned long long)written,
			    (unsigned long long)size);
			code = EXIT_ERROR;
		}
		envelope_free(r);
	}
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
