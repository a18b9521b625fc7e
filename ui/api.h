/* api.h: isa ui's JSON API under /api/: each answer is one request to isad, in the shape `isa --json` prints. */
#ifndef ISA_UI_API_H
#define ISA_UI_API_H

#include <microhttpd.h>

#include "ui/route.h"
#include "ui/server.h"

/* Answer r (an UI_R_API_* route of a request whose session, and for a POST
 * CSRF token and Origin, were checked); body is a POST's held body (len
 * bytes, NUL-terminated), or NULL. */
enum MHD_Result ui_api(ui_server_t *s, struct MHD_Connection *c,
    const ui_route_t *r, const char *body, size_t len);

/* The handler of a route whose body is streamed (UI_BODY_STREAM), or NULL. */
const ui_stream_ops_t *ui_api_stream(const ui_route_t *r);

#endif
