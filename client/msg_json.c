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

json_t *
msg_json_doc_summary(const Isa__DocSummary *d)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__DocSummary, x) }
		F(id), F(marking), F(title), F(classification), F(originator),
		F(created),
#undef F
	};

	return cli_json_fields(d, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_dir_agency(const Isa__DirAgency *a)
{
	static const cli_field_t f[] = {
		{ "id", offsetof(Isa__DirAgency, id) },
		{ "name", offsetof(Isa__DirAgency, name) },
	};

	return cli_json_fields(a, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_dir_group(const Isa__DirGroup *g)
{
	static const cli_field_t f[] = {
		{ "id", offsetof(Isa__DirGroup, id) },
	};

	return cli_json_fields(g, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_dir_user(const Isa__DirUser *u)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__DirUser, x) }
		F(id), F(name), F(agency),
#undef F
	};

	return cli_json_fields(u, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_dir_caveat(const Isa__DirCaveat *c)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__DirCaveat, x) }
		F(name), F(requires), F(minimum_classification),
#undef F
	};

	return cli_json_fields(c, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_dir_class(const Isa__DirClass *k)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__DirClass, x) }
		F(name), F(minimum_clearance),
#undef F
	};

	return cli_json_fields(k, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_dir_descriptor(const char *name)
{
	json_t *o = json_object();

	cli_jset(o, "name", cli_jstr(name));
	return o;
}

/* a with v added (v taken either way); NULL, a freed, when out of
 * memory or a or v is NULL. */
static json_t *
append(json_t *a, json_t *v)
{
	if (a != NULL && json_array_append_new(a, v) == 0)
		return a;	/* (append_new frees v on failure) */
	if (a == NULL)
		json_decref(v);
	json_decref(a);
	return NULL;
}

json_t *
msg_json_directory(const Isa__DirectoryReply *d)
{
	json_t *o = json_object(), *ag = json_array(), *gr = json_array(),
	    *us = json_array(), *cv = json_array(), *cl = json_array();

	for (size_t i = 0; i < d->n_agencies; i++)
		ag = append(ag, msg_json_dir_agency(d->agencies[i]));
	for (size_t i = 0; i < d->n_groups; i++)
		gr = append(gr, msg_json_dir_group(d->groups[i]));
	for (size_t i = 0; i < d->n_users; i++)
		us = append(us, msg_json_dir_user(d->users[i]));
	for (size_t i = 0; i < d->n_caveats; i++)
		cv = append(cv, msg_json_dir_caveat(d->caveats[i]));
	for (size_t i = 0; i < d->n_classifications; i++)
		cl = append(cl, msg_json_dir_class(d->classifications[i]));
	cli_jset(o, "agencies", ag);
	cli_jset(o, "groups", gr);
	cli_jset(o, "users", us);
	cli_jset(o, "caveats", cv);
	cli_jset(o, "descriptors", cli_jlist(d->descriptors,
	    d->n_descriptors));
	cli_jset(o, "classifications", cl);
	return o;
}

json_t *
msg_json_request_info(const Isa__RequestInfo *q)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__RequestInfo, x) }
		F(id), F(doc), F(marking), F(requester), F(target), F(reason),
		F(state), F(created), F(decided_by), F(decided),
		F(decision_reason),
#undef F
	};

	return cli_json_fields(q, f, sizeof(f) / sizeof(f[0]), false);
}

json_t *
msg_json_share(const char *doc, const char *to, const Isa__ShareReply *s)
{
	json_t *j = json_object();

	cli_jset(j, "doc", cli_jstr(doc));
	cli_jset(j, "to", cli_jstr(to));
	cli_jset(j, "granted", json_boolean(s->granted));
	if (!s->granted)
		cli_jset(j, "request", cli_jstr(s->request));
	return j;
}

json_t *
msg_json_recall(const char *doc)
{
	json_t *j = json_object();

	cli_jset(j, "doc", cli_jstr(doc));
	cli_jset(j, "recalled", json_true());
	return j;
}
