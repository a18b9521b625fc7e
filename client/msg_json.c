/* msg_json.c: isad's replies as JSON objects (jansson), one shape for `isa --json` and for isa ui's API. */
#include <stddef.h>

#include "client/cli.h"
#include "client/msg_json.h"
#include "proto/sha256.h"

json_t *
msg_json_docmeta(const Isa__DocMeta *m)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__DocMeta, x) }
		F(id), F(title), F(marking), F(classification), F(onward),
		F(handling), F(originator), F(author), F(ingested_by),
		F(created), F(review_by), F(destroy_after), F(embargo_until),
		F(derived_from), F(supersedes), F(state), F(filename),
#undef F
	};
	char hex[2 * SHA256_LEN + 1] = "";
	json_t *j = cli_json_fields(m, f, sizeof(f) / sizeof(f[0]), true);

	if (j == NULL)
		return NULL;
	if (m->sha256.len == SHA256_LEN)
		sha256_hex(m->sha256.data, hex);
	/* A size is a JSON number: isad's limits keep it far below 2^53
	 * (limits.max_document). */
	cli_jset(j, "size", json_integer((json_int_t)m->size));
	cli_jset(j, "sha256", cli_jstr(hex));
	cli_jset(j, "to", cli_jlist(m->to, m->n_to));
	cli_jset(j, "caveats", cli_jlist(m->caveats, m->n_caveats));
	cli_jset(j, "descriptors", cli_jlist(m->descriptors,
	    m->n_descriptors));
	return j;
}

json_t *
msg_json_whoami(const Isa__WhoAmIResponse *w)
{
	json_t *o = json_object();

	cli_jset(o, "id", cli_jstr(w->id));
	cli_jset(o, "name", cli_jstr(w->name));
	cli_jset(o, "agency", cli_jstr(w->agency));
	cli_jset(o, "agency_name", cli_jstr(w->agency_name));
	cli_jset(o, "clearance", cli_jstr(w->clearance));
	cli_jset(o, "effective_clearance", cli_jstr(w->effective_clearance));
	if (w->clearance_expires[0] != '\0')
		cli_jset(o, "clearance_expires",
		    cli_jstr(w->clearance_expires));
	cli_jset(o, "roles", cli_jlist(w->roles, w->n_roles));
	cli_jset(o, "attributes", cli_jlist(w->attributes, w->n_attributes));
	return o;
}

json_t *
msg_json_inbox_entry(const Isa__InboxEntry *e)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__InboxEntry, x) }
		F(id), F(time), F(kind), F(doc), F(marking), F(title),
		F(originator), F(actor), F(requester), F(target), F(request),
		F(state), F(text),
#undef F
	};

	return cli_json_fields(e, f, sizeof(f) / sizeof(f[0]), true);
}
