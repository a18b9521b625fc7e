/* actions.h: isa ui's onward sharing, requests, decisions and recall (POST /api/doc/ID/share|recall, /api/requests, /api/request/ID/approve|refuse). */
#ifndef ISA_UI_ACTIONS_H
#define ISA_UI_ACTIONS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/server.h"

/* Each answers one request to isad in the shape `isa ... --json` prints;
 * body is the POST's JSON object (len bytes, NUL-terminated). */
enum MHD_Result ui_actions_share(ui_server_t *s, struct MHD_Connection *c,
    const char *id, const char *body, size_t len);
enum MHD_Result ui_actions_recall(ui_server_t *s, struct MHD_Connection *c,
    const char *id, const char *body, size_t len);
enum MHD_Result ui_actions_requests(ui_server_t *s, struct MHD_Connection *c);
enum MHD_Result ui_actions_decide(ui_server_t *s, struct MHD_Connection *c,
    const char *id, bool approve, const char *body, size_t len);

#endif
