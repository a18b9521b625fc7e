/* fetch.h: a download from isad, pulled piece by piece in order, its SHA-256 checked before the last piece is handed out (isa get, isa ui). */
#ifndef ISA_CLIENT_FETCH_H
#define ISA_CLIENT_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "client/conn.h"
#include "proto/isa.pb-c.h"

/* Room for any sentence the functions below put in err: isad's message
 * (at most 1023 bytes) after its status word, or the library's own. */
#define ISA_FETCH_ERRLEN 1280

typedef struct isa_fetch isa_fetch_t;

/*
 * Send GetBegin for id (as the user wrote it) on c and wait for the reply,
 * waiting while isad asks for it again later (back-pressure).  Returns
 * EXIT_OK (client/cli.h) with *out set: its meta is available at once; the
 * content comes from isa_fetch_next.  Otherwise *out is NULL and the return
 * is the exit code `isa get` gives, with in err the sentence it prints after
 * "isa: " (for a non-OK status, e.g. "not found: ..." with isad's own words:
 * a missing id and one the user may not know read the same, as isad says
 * them).  c is lent to the fetch until isa_fetch_close: nothing else may
 * use it meanwhile.  Replies on c to requests sent before are skipped.
 */
__attribute__((warn_unused_result))
int isa_fetch_open(isa_conn_t *c, const char *id, isa_fetch_t **out,
    char *err, size_t errlen);

/* The document's meta from isad's GetBeginReply: owned by f, valid until
 * isa_fetch_close. */
const Isa__DocMeta *isa_fetch_meta(const isa_fetch_t *f);

/*
 * The next piece of the content, in order.  EXIT_OK with *data and *len
 * (len > 0; *data is c's, valid until the next call on f or its close)
 * and *done false; or, once all was handed out, *len 0 and *done true.
 * The LAST piece is handed out only after the SHA-256 of the whole content
 * matched the document's and its size was right, so a caller forwarding
 * pieces as they come never delivers a whole-looking file that is not the
 * document.  On failure: the exit code and sentence as for isa_fetch_open
 * (isad's for a non-OK status, e.g. the document recalled mid-way or a
 * chunk damaged in its store; the content not matching its SHA-256, see
 * isa_fetch_damaged; cut off, isad restarted or gone: EXIT_UNREACHABLE,
 * see isa_fetch_interrupted); nothing more is handed
 * out, and calling again returns the same failure.  At most a window of
 * chunks is in flight: memory stays bounded whatever the size.
 */
__attribute__((warn_unused_result))
int isa_fetch_next(isa_fetch_t *f, const void **data, size_t *len,
    bool *done, char *err, size_t errlen);

/* Whether f failed because the content received does not match its
 * SHA-256 or size (so the caller can say what it did with what it had). */
bool isa_fetch_damaged(const isa_fetch_t *f);

/* Whether f failed because it was cut off after isad took its begin:
 * isad no longer holds it (restarted, or idle past its timeout), or the
 * connection was lost or went silent.  The failure is then
 * EXIT_UNREACHABLE, its sentence "the download was interrupted ...". */
bool isa_fetch_interrupted(const isa_fetch_t *f);

/* End f: when the download did not finish and c still works, tell isad
 * (TransferEnd, waiting for its answer) so it frees the transfer at once.
 * Replies still in flight on c are skipped by isa_conn_call and
 * isa_fetch_open, so c may serve on.  NULL ok. */
void isa_fetch_close(isa_fetch_t *f);

#endif
