/* upmeta.c: an upload's description, X-ISA-Meta (encodeURIComponent of a JSON object), into the DocMeta isa put would send, checked as isa put checks its options. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/putmeta.h"
#include "ui/upmeta.h"

/* A fault in the request itself: 400, kind "bad", exit 2 as isa's usage
 * errors. */
#define BAD(e, ...) ui_err_set((e), MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE, \
	__VA_ARGS__)

/* X-ISA-Meta's fields, spelled as the contract (docs/ui.md) spells them:
 * a string of DocMeta, or a list (to, caveats, descriptors). */
typedef struct {
	const char *name;
	size_t off;		/* of the char * (string) or char ** (list) */
	size_t n_off;		/* of the list's count; 0: a string */
} meta_field_t;

#define STR(n, f) { n, offsetof(Isa__DocMeta, f), 0 }
#define LIST(n, f) { n, offsetof(Isa__DocMeta, f), \
	offsetof(Isa__DocMeta, n_##f) }
static const meta_field_t fields[] = {
	STR("title", title), STR("class", classification),
	STR("handling", handling), STR("originator", originator),
	STR("onward", onward), STR("review_by", review_by),
	STR("destroy_after", destroy_after),
	STR("embargo_until", embargo_until),
	STR("derived_from", derived_from), STR("supersedes", supersedes),
	STR("filename", filename),
	LIST("to", to), LIST("caveats", caveats),
	LIST("descriptors", descriptors),
};
#undef STR
#undef LIST

/* One field's value into m.  0, or -1 with e filled. */
static int
meta_field(ui_upmeta_t *um, const meta_field_t *f, json_t *v, ui_err_t *e)
{
	char *base = (char *)&um->m;
	size_t i;
	json_t *x;

	if (f->n_off == 0) {
		if (!json_is_string(v)) {
			BAD(e, "X-ISA-Meta's \"%s\" must be a string", f->name);
			return -1;
		}
		*(const char **)(void *)(base + f->off) = json_string_value(v);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > ISA_PUT_MAX_LIST) {
		BAD(e, "X-ISA-Meta's \"%s\" must be a list of at most %d "
		    "strings, none empty", f->name, ISA_PUT_MAX_LIST);
		return -1;
	}
	json_array_foreach(v, i, x) {
		char **list = *(char ***)(void *)(base + f->off);

		if (!json_is_string(x) || json_string_length(x) == 0) {
			BAD(e, "X-ISA-Meta's \"%s\" must be a list of at most "
			    "%d strings, none empty", f->name, ISA_PUT_MAX_LIST);
			return -1;
		}
		list[i] = (char *)json_string_value(x);
	}
	*(size_t *)(void *)(base + f->n_off) = json_array_size(v);
	return 0;
}

int
ui_upmeta_parse(ui_upmeta_t *um, const char *hdr, ui_err_t *e)
{
	json_error_t jerr;
	const char *key;
	char *text;
	size_t len;
	json_t *v;
	char err[CLI_REPLY_LEN];

	um->j = NULL;
	if (hdr == NULL) {
		BAD(e, "the upload carried no description (X-ISA-Meta)");
		return -1;
	}
	if ((len = strlen(hdr)) > UI_META_MAX) {
		BAD(e, "the upload's description (X-ISA-Meta) is longer than "
		    "64 KiB: shorten the title, handling text or list");
		return -1;
	}
	if ((text = strdup(hdr)) == NULL) {
		ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
		    EXIT_ERROR, "out of memory");
		return -1;
	}
	len = MHD_http_unescape(text);
	um->j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!json_is_object(um->j)) {
		BAD(e, "the upload's description (X-ISA-Meta) is not a JSON "
		    "object");
		return -1;
	}
	isa__doc_meta__init(&um->m);
	um->m.to = um->to;
	um->m.caveats = um->caveats;
	um->m.descriptors = um->desc;
	json_object_foreach(um->j, key, v) {
		const meta_field_t *f = NULL;

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(key, fields[i].name) == 0)
				f = &fields[i];
		if (f == NULL) {
			BAD(e, "X-ISA-Meta has \"%.64s\", which isa put does not "
			    "take", key);
			return -1;
		}
		if (meta_field(um, f, v, e) != 0)
			return -1;
	}
	if (um->m.title[0] == '\0' || um->m.classification[0] == '\0' ||
	    um->m.n_to == 0) {
		BAD(e, "X-ISA-Meta has no \"%s\": an upload needs a title, a "
		    "class and at least one \"to\"", um->m.title[0] == '\0' ?
		    "title" : um->m.classification[0] == '\0' ? "class" : "to");
		return -1;
	}
	if (isa_putmeta_dates(&um->m, err, sizeof(err)) != 0) {
		BAD(e, "%s", err);
		return -1;
	}
	/* The base name only, as isa put sends it. */
	if (strrchr(um->m.filename, '/') != NULL)
		um->m.filename = strrchr(um->m.filename, '/') + 1;
	return 0;
}

void
ui_upmeta_free(ui_upmeta_t *um)
{
	json_decref(um->j);
	um->j = NULL;
}
