/* upload.h: isa ui's upload: POST /api/upload, the file's bytes streamed to isad as they arrive. */
#ifndef ISA_UI_UPLOAD_H
#define ISA_UI_UPLOAD_H

#include "ui/server.h"

extern const ui_stream_ops_t ui_upload_ops;

#endif
