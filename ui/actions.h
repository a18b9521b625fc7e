/* actions.h: isa ui's share, recall, requests, approve and refuse: each one request to isad, answered in the shape `isa ... --json` prints. */
#ifndef ISA_UI_ACTIONS_H
#define ISA_UI_ACTIONS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/server.h"

/*
 * The POST handlers take the request's JSON body (body: len bytes,
 * NUL-terminated, borrowed for the call); the session, key, CSRF token and
 * Origin were checked before.  A body that is not a JSON object, or lacks
 * a required string (or has it empty, which `isa` refuses too), is 400
 * kind "bad" with a sentence naming the field, and nothing is sent to
 * isad.  isad's refusal is its CLI sentence (ui_isad_refusal).
 */

/* POST /api/doc/ID/share {"to", "reason"}: 200 as `isa share --json`. */
enum MHD_Result ui_actions_share(ui_server_t *s, struct MHD_Connection *c,
    const char *id, const char *body, size_t len);

/* POST /api/doc/ID/recall {"reason"}: 200 as `isa recall --json`. */
enum MHD_Result ui_actions_recall(ui_server_t *s, struct MHD_Connection *c,
    const char *id, const char *body, size_t len);

/* GET /api/requests?all=0|1: 200 {"requests": [as `isa requests --json`],
 * "banner"}; all=1 includes the decided ones. */
enum MHD_Result ui_actions_requests(ui_server_t *s, struct MHD_Connection *c);

/* POST /api/request/ID/approve {} (approve) or /refuse {"reason"}: 200 the
 * request as decided, as `isa approve --json` prints it. */
enum MHD_Result ui_actions_decide(ui_server_t *s, struct MHD_Connection *c,
    const char *id, bool approve, const char *body, size_t len);

#endif
