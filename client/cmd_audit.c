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
#include "verify/auditfmt.h"
#include "verify/auditverify.h"
#include "proto/checkpoint.h"
#include "proto/envelope.h"

static const char usage_text[] =
    "isa audit [--doc ID] [--user U] [--agency A] [--action X] "
    "[--decision D] [--since T] [--until T] [--json|--csv] [--config FILE]\n"
    "       isa audit checkpoint [--config FILE]\n"
    "       isa audit export -o FILE [--force] [--config FILE]\n"
    "       isa audit verify FILE --key PUB.pem [--since CHECKPOINT]";

static int
usage(void)
{
	fprintf(stderr, "usage: %s\n", usage_text);
	return EXIT_USAGE;
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
	static const struct { const char *flag; size_t off; } opts[] = {
		{ "--doc", offsetof(Isa__AuditQuery, doc) },
		{ "--user", offsetof(Isa__AuditQuery, user) },
		{ "--agency", offsetof(Isa__AuditQuery, agency) },
		{ "--action", offsetof(Isa__AuditQuery, action) },
		{ "--decision", offsetof(Isa__AuditQuery, decision) },
		{ "--since", offsetof(Isa__AuditQuery, since) },
		{ "--until", offsetof(Isa__AuditQuery, until) },
	};
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	cli_common_t o = { 0 };
	client_conf_t conf;
	isa_conn_t *c = NULL;
	bool csv = false;
	int code;

	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (strcmp(argv[i], opts[k].flag) == 0)
				break;
		if (k < sizeof(opts) / sizeof(opts[0]) && i + 1 < argc)
			*(char **)(void *)((char *)&q + opts[k].off) = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			o.json = true;
		else if (strcmp(argv[i], "--csv") == 0)
			csv = true;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			o.config = argv[++i];
		else
			return usage();
	}
	if (o.json && csv)
		return usage();
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	if (csv)
		auditfmt_csv_header(stdout);
	else if (!o.json)
		auditfmt_table_header(stdout);
	for (;;) {
		Isa__Envelope *r = NULL;
		const Isa__AuditRecords *p;

		if ((code = fetch_page(c, &q, &r)) != EXIT_OK)
			break;
		p = r->audit_records;
		for (size_t i = 0; i < p->n_records && code == EXIT_OK; i++) {
			const ProtobufCBinaryData *b = &p->records[i];
			char *line = NULL;

			if (o.json) {
				if (auditfmt_json(b->data, b->len, false,
				    &line) != 0)
					code = EXIT_ERROR;
				else
					term_printf(stdout, "%s\n", line);
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

	if (!cli_parse_common(argc, argv, false, &o,
	    "isa audit checkpoint [--config FILE]"))
		return EXIT_USAGE;
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

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			o.config = argv[++i];
		else
			return usage();
	}
	if (path == NULL)
		return usage();
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

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
			since = argv[++i];
		else if (argv[i][0] != '-' && file == NULL)
			file = argv[i];
		else
			return usage();
	}
	if (file == NULL || keyfile == NULL)
		return usage();
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
