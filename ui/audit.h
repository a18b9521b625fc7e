/* audit.h: isa ui's auditor requests: a page of the audit log, CSV and JSON lines downloads, the checkpoint and the export. */
#ifndef ISA_UI_AUDIT_H
#define ISA_UI_AUDIT_H

#include <microhttpd.h>

#include "ui/server.h"

enum MHD_Result ui_audit_query(ui_server_t *s, struct MHD_Connection *c);
enum MHD_Result ui_audit_csv(ui_server_t *s, struct MHD_Connection *c);
enum MHD_Result ui_audit_jsonl(ui_server_t *s, struct MHD_Connection *c);
enum MHD_Result ui_audit_checkpoint(ui_server_t *s, struct MHD_Connection *c);
enum MHD_Result ui_audit_export(ui_server_t *s, struct MHD_Connection *c);

#endif
