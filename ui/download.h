/* download.h: GET /api/doc/ID/content: a document streamed from isad to the browser, its hash checked before the last bytes go. */
#ifndef ISA_UI_DOWNLOAD_H
#define ISA_UI_DOWNLOAD_H

#include <microhttpd.h>

#include "ui/server.h"

/*
 * Answer with the content of document id as an attachment, streamed: at
 * most the client library's window of chunks is held at once, whatever
 * the size.  A refusal before the first byte is the API's JSON error;
 * after it (a corrupt chunk, a recall, isad gone), the connection is cut
 * short of Content-Length, so the browser marks the download failed.
 */
enum MHD_Result ui_download(ui_server_t *s, struct MHD_Connection *c,
    const char *id);

#endif
