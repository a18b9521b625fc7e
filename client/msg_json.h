/* msg_json.h: isad's replies as JSON objects (jansson), one shape for `isa --json` and for isa ui's API. */
#ifndef ISA_CLIENT_MSG_JSON_H
#define ISA_CLIENT_MSG_JSON_H

#include <jansson.h>

#include "proto/isa.pb-c.h"

/* Each returns a new object, or NULL when out of memory. */

/* What `isa info --json` prints: every field, empty ones left out after
 * the id; sha256 as hex, size a number, to/caveats/descriptors arrays. */
json_t *msg_json_docmeta(const Isa__DocMeta *m);

/* What `isa whoami --json` prints. */
json_t *msg_json_whoami(const Isa__WhoAmIResponse *w);

/* What `isa inbox --json` prints per entry. */
json_t *msg_json_inbox_entry(const Isa__InboxEntry *e);

/* What `isa ls --json` prints per document: id, marking, title,
 * classification, originator, created, every one present. */
json_t *msg_json_doc_summary(const Isa__DocSummary *d);

/* One directory entry: {id, name} for an agency, {id} for a group, {id,
 * name, agency} for a user (`isa directory --json` adds its kind). */
json_t *msg_json_dir_agency(const Isa__DirAgency *a);
json_t *msg_json_dir_group(const Isa__DirGroup *g);
json_t *msg_json_dir_user(const Isa__DirUser *u);

/* The markings the policy and the deployment allow: a caveat {name,
 * requires, minimum_classification}, a classification {name,
 * minimum_clearance}, a descriptor {name} (`isa directory --json`'s
 * lines; msg_json_directory lists descriptors as plain strings). */
json_t *msg_json_dir_caveat(const Isa__DirCaveat *c);
json_t *msg_json_dir_class(const Isa__DirClass *k);
json_t *msg_json_dir_descriptor(const char *name);

/* The whole directory as one object: {"agencies": [...], "groups": [...],
 * "users": [...], "caveats": [...], "descriptors": ["PERSONAL", ...],
 * "classifications": [...]}, each entry as above, in isad's order (by id;
 * caveats in byte order of their names, the order of a marking line;
 * classifications lowest first, only those the deployment may hold). */
json_t *msg_json_directory(const Isa__DirectoryReply *d);

/* What `isa requests --json`, `isa approve --json` and `isa refuse --json`
 * print per request: id, doc, marking, requester, target, reason, state,
 * created, decided_by, decided, decision_reason, every one present. */
json_t *msg_json_request_info(const Isa__RequestInfo *q);

/* What `isa share ID --to TO --json` prints: {"doc", "to", "granted"}, and
 * "request" (the id of the request filed) when it was not granted.  doc
 * and to are what the share named. */
json_t *msg_json_share(const char *doc, const char *to,
    const Isa__ShareReply *s);

/* What `isa recall ID --json` prints: {"doc": ID, "recalled": true}. */
json_t *msg_json_recall(const char *doc);

#endif
