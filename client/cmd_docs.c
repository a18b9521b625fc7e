/* cmd_docs.c: `isa ls` and `isa info ID`: what the caller may read, and one document's description. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/msg_json.h"
#include "client/term.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

/* A field for a tab-separated line: escaped (a tab in it too), so the
 * columns hold and nothing acts on the terminal. */
static void
print_field(const char *s)
{
	term_puts(stdout, s);
}

int
cmd_ls(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__ListRequest lr = ISA__LIST_REQUEST__INIT;
	client_conf_t conf;
	isa_conn_t *c = NULL;
	cli_common_t o;
	char after[64] = "", err[512];
	int code;

	if ((code = cli_parse_common(argc, argv, true, &o,
	    "isa ls [--json] [--config FILE]", 0, NULL)) != CLI_GO)
		return code;
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	req.body_case = ISA__ENVELOPE__BODY_LIST;
	req.list = &lr;
	for (;;) {
		const Isa__ListReply *l;

		lr.after = after;
		if (isa_conn_call(c, &req, &r, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			code = EXIT_UNREACHABLE;
			break;
		}
		if (r->status != ISA__STATUS__OK ||
		    r->body_case != ISA__ENVELOPE__BODY_LIST_REPLY) {
			code = cli_reply_error(r);
			break;
		}
		l = r->list_reply;
		for (size_t i = 0; i < l->n_docs && code == EXIT_OK; i++) {
			if (o.json)
				code = cli_json_print(msg_json_doc_summary(
				    l->docs[i]));
			else {
				print_field(l->docs[i]->id);
				putchar('\t');
				print_field(l->docs[i]->marking);
				putchar('\t');
				print_field(l->docs[i]->title);
				putchar('\n');
			}
		}
		if (!l->more || l->n_docs == 0 || code != EXIT_OK)
			break;
		snprintf(after, sizeof(after), "%s", l->docs[l->n_docs - 1]->id);
		envelope_free(r);
		r = NULL;
	}
	envelope_free(r);
	cli_disconnect(&conf, c);
	return code;
}

int
cmd_info(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__InfoRequest ir = ISA__INFO_REQUEST__INIT;
	const Isa__DocMeta *m;
	cli_common_t o;
	char hex[2 * SHA256_LEN + 1] = "";
	int code;

	if ((code = cli_parse_common(argc, argv, true, &o,
	    "isa info ID [--json] [--config FILE]", 1, &ir.id)) != CLI_GO)
		return code;
	req.body_case = ISA__ENVELOPE__BODY_INFO;
	req.info = &ir;
	if ((code = cli_call(&o, &req, &r)) != EXIT_OK)
		return code;
	if (r->body_case != ISA__ENVELOPE__BODY_INFO_REPLY) {
		cli_error("isad answered info with something else");
		envelope_free(r);
		return EXIT_ERROR;
	}
	m = r->info_reply->meta;
	if (m->sha256.len == SHA256_LEN)
		sha256_hex(m->sha256.data, hex);
	if (o.json) {
		code = cli_json_print(msg_json_docmeta(m));
	} else {
		term_printf(stdout, "id:           %s\n", m->id);
		term_printf(stdout, "title:        %s\n", m->title);
		term_printf(stdout, "marking:      %s\n", m->marking);
		if (m->handling[0] != '\0')
			term_printf(stdout, "handling:     %s\n", m->handling);
		term_printf(stdout, "originator:   %s\n", m->originator);
		term_printf(stdout, "author:       %s\n", m->author[0] ? m->author :
		    "- (ingested for the originator)");
		term_printf(stdout, "ingested by:  %s\n", m->ingested_by);
		term_printf(stdout, "created:      %s\n", m->created);
		if (m->review_by[0] != '\0')
			term_printf(stdout, "review by:    %s\n", m->review_by);
		if (m->destroy_after[0] != '\0')
			term_printf(stdout, "destroy after: %s\n", m->destroy_after);
		if (m->embargo_until[0] != '\0')
			term_printf(stdout, "embargo until: %s\n", m->embargo_until);
		if (m->derived_from[0] != '\0')
			term_printf(stdout, "derived from: %s\n", m->derived_from);
		if (m->supersedes[0] != '\0')
			term_printf(stdout, "supersedes:   %s\n", m->supersedes);
		term_printf(stdout, "state:        %s\n", m->state);
		term_printf(stdout, "size:         %llu bytes\n",
		    (unsigned long long)m->size);
		term_printf(stdout, "sha256:       %s\n", hex);
		if (m->filename[0] != '\0')
			term_printf(stdout, "file name:    %s\n", m->filename);
		term_printf(stdout, "to:           ");
		for (size_t i = 0; i < m->n_to; i++)
			term_printf(stdout, "%s%s", i ? " " : "", m->to[i]);
		term_printf(stdout, "\n");
	}
	envelope_free(r);
	return code;
}
