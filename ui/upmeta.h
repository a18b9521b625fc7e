/* upmeta.h: an upload's description, X-ISA-Meta (encodeURIComponent of a JSON object), into the DocMeta isa put would send, checked as isa put checks its options. */
#ifndef ISA_UI_UPMETA_H
#define ISA_UI_UPMETA_H

#include <jansson.h>

#include "client/putmeta.h"
#include "proto/isa.pb-c.h"
#include "ui/reply.h"

/* A description's header, percent-decoded, at most (MHD's own header
 * room is smaller). */
#define UI_META_MAX	(64 * 1024)

typedef struct {
	json_t *j;		/* the parsed JSON: m's strings are its */
	Isa__DocMeta m;
	char *to[ISA_PUT_MAX_LIST], *caveats[ISA_PUT_MAX_LIST],
	    *desc[ISA_PUT_MAX_LIST];
} ui_upmeta_t;

/*
 * Parse hdr (X-ISA-Meta's value as the browser sent it; NULL: none) into
 * um->m, checked as isa put checks its options: the fields the contract
 * names (docs/ui.md) and no other, each a string, or for to, caveats and
 * descriptors a list of at most ISA_PUT_MAX_LIST non-empty strings; a
 * title, a class and at least one "to"; real dates (isa put's sentences);
 * filename reduced to its base name.  0, or -1 with e filled (400, kind
 * "bad", exit 2 as isa's usage errors; 500 when out of memory).  Free um
 * with ui_upmeta_free either way.
 */
__attribute__((warn_unused_result))
int ui_upmeta_parse(ui_upmeta_t *um, const char *hdr, ui_err_t *e);

/* Free what um holds (m's strings go with it); um itself is the caller's. */
void ui_upmeta_free(ui_upmeta_t *um);

#endif
