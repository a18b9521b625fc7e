/* verify.h: isa ui's verification of an audit export, here on this computer (nothing is sent to isad): POST /api/audit/verify. */
#ifndef ISA_UI_VERIFY_H
#define ISA_UI_VERIFY_H

#include "ui/server.h"

extern const ui_stream_ops_t ui_verify_ops;

#endif
