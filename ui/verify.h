/* verify.h: POST /api/audit/verify: an uploaded export verified here, as `isa audit verify` does, against an uploaded public key (and kept checkpoint); nothing is sent to isad. */
#ifndef ISA_UI_VERIFY_H
#define ISA_UI_VERIFY_H

#include "ui/server.h"

/*
 * The streamed handler (ui/server.h) of POST /api/audit/verify.  The body
 * is multipart/form-data, parsed by libmicrohttpd's post processor: part
 * "key" (the Ed25519 public key in PEM, audit.pub.pem: at most a key
 * file's size, held in memory), "checkpoint" (optional: a checkpoint the
 * auditor kept, at most 128 KiB, in memory) and "export" (written as it
 * comes into an unlinked 0600 temporary file in $TMPDIR or /tmp, so
 * bounded only by the disk).  A file input left empty counts as absent.
 *
 * Answers 200 {"verified", "message", "records", "checkpoint_records"}:
 * message exactly what `isa audit verify` prints ("verified: N records,
 * ..." or, after "isa: ", "verification failed: ..." naming the first bad
 * record), records N (0 when it failed), checkpoint_records the kept
 * checkpoint's size (null without one).  400 kind "bad" for a body that is
 * not such a form, a missing export or key, a part of another name, a
 * part given twice, a key that is not one (the CLI's sentence: "NAME: not
 * an Ed25519 public key in PEM") or a checkpoint over 128 KiB; 500 when
 * the temporary file cannot be written or read.
 */
extern const ui_stream_ops_t ui_verify_ops;

#endif
