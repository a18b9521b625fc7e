/* cmd_directory.c: `isa directory`: the agencies, groups and users enrolled in isad's policy, and the markings it allows. */
#include <stdio.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/msg_json.h"
#include "client/term.h"
#include "proto/envelope.h"

/* Plain: one tab-separated line each, its kind first; every field escaped
 * (term_puts: a tab in a name too), so the columns hold and nothing acts
 * on the terminal. */
static void
print_line(const char *kind, const char *const *fields, size_t n)
{
	fputs(kind, stdout);
	for (size_t i = 0; i < n; i++) {
		putchar('\t');
		term_puts(stdout, fields[i]);
	}
	putchar('\n');
}

static int
print_plain(const Isa__DirectoryReply *d)
{
	for (size_t i = 0; i < d->n_agencies; i++)
		print_line("agency", (const char *const[]){ d->agencies[i]->id,
		    d->agencies[i]->name }, 2);
	for (size_t i = 0; i < d->n_groups; i++)
		print_line("group", (const char *const[]){ d->groups[i]->id }, 1);
	for (size_t i = 0; i < d->n_users; i++)
		print_line("user", (const char *const[]){ d->users[i]->id,
		    d->users[i]->name, d->users[i]->agency }, 3);
	for (size_t i = 0; i < d->n_classifications; i++)
		print_line("classification", (const char *const[]){
		    d->classifications[i]->name,
		    d->classifications[i]->minimum_clearance }, 2);
	for (size_t i = 0; i < d->n_descriptors; i++)
		print_line("descriptor", (const char *const[]){
		    d->descriptors[i] }, 1);
	for (size_t i = 0; i < d->n_caveats; i++)
		print_line("caveat", (const char *const[]){ d->caveats[i]->name,
		    d->caveats[i]->requires,
		    d->caveats[i]->minimum_classification }, 3);
	return EXIT_OK;
}

/* --json: one object a line, as ls: the entry's members (msg_json's, the
 * same that isa ui's /api/directory gives) and its kind.  Takes entry
 * (NULL: out of memory, said by cli_json_print). */
static int
print_one(const char *kind, json_t *entry)
{
	cli_jset(entry, "kind", cli_jstr(kind));
	return cli_json_print(entry);
}

static int
print_json(const Isa__DirectoryReply *d)
{
	int code = EXIT_OK;

	for (size_t i = 0; i < d->n_agencies && code == EXIT_OK; i++)
		code = print_one("agency", msg_json_dir_agency(d->agencies[i]));
	for (size_t i = 0; i < d->n_groups && code == EXIT_OK; i++)
		code = print_one("group", msg_json_dir_group(d->groups[i]));
	for (size_t i = 0; i < d->n_users && code == EXIT_OK; i++)
		code = print_one("user", msg_json_dir_user(d->users[i]));
	for (size_t i = 0; i < d->n_classifications && code == EXIT_OK; i++)
		code = print_one("classification",
		    msg_json_dir_class(d->classifications[i]));
	for (size_t i = 0; i < d->n_descriptors && code == EXIT_OK; i++)
		code = print_one("descriptor",
		    msg_json_dir_descriptor(d->descriptors[i]));
	for (size_t i = 0; i < d->n_caveats && code == EXIT_OK; i++)
		code = print_one("caveat", msg_json_dir_caveat(d->caveats[i]));
	return code;
}

int
cmd_directory(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__DirectoryRequest body = ISA__DIRECTORY_REQUEST__INIT;
	cli_common_t o;
	int code;

	if ((code = cli_parse_common(argc, argv, true, &o,
	    "isa directory [--json] [--config FILE]", 0, NULL)) != CLI_GO)
		return code;
	req.body_case = ISA__ENVELOPE__BODY_DIRECTORY;
	req.directory = &body;
	if ((code = cli_call(&o, &req, &r)) != EXIT_OK)
		return code;
	if (r->body_case != ISA__ENVELOPE__BODY_DIRECTORY_REPLY) {
		cli_error("isad answered directory with something else: are "
		    "isa and isad the same version?");
		envelope_free(r);
		return EXIT_ERROR;
	}
	code = o.json ? print_json(r->directory_reply) :
	    print_plain(r->directory_reply);
	envelope_free(r);
	return code;
}
