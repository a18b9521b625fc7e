/* upload.h: an upload to isad, pushed piece by piece: cut into isad's chunks, sent under its credit, sent again when it asks (isa put, isa ui). */
#ifndef ISA_CLIENT_UPLOAD_H
#define ISA_CLIENT_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/conn.h"
#include "proto/isa.pb-c.h"

/* Room for any sentence the functions below put in err: isad's message
 * (at most 1023 bytes) after its status word, or the library's own. */
#define ISA_UPLOAD_ERRLEN 1280

typedef struct isa_upload isa_upload_t;

/*
 * Send PutBegin for meta (the caller's, read only during the call) and
 * size bytes on c, and wait for isad's answer.  Returns EXIT_OK
 * (client/cli.h) with *out set: the content then goes in by
 * isa_upload_write.  Otherwise *out is NULL and the return is the exit
 * code `isa put` gives, with in err the sentence it prints after "isa: "
 * (isad's refusal with its status word, e.g. "denied: ...", or
 * "cannot reach ..." when isad does not answer: EXIT_UNREACHABLE).  name
 * says what is uploaded in the sentence given when isad stays too busy
 * ("isad has been too busy to take NAME ..."); it is copied.  c is lent
 * to the upload until isa_upload_close: nothing else may use it meanwhile.
 */
__attribute__((warn_unused_result))
int isa_upload_begin(isa_conn_t *c, const Isa__DocMeta *meta, uint64_t size,
    const char *name, isa_upload_t **out, char *err, size_t errlen);

/*
 * The next len bytes of the content (pieces of any length, in order;
 * copied: data may be reused at once).  Each chunk is sent as soon as it
 * is full, with at most a window of chunks unacknowledged (isad's credit,
 * and at most 32 MiB of them): those are all the memory kept, so a chunk
 * can be sent again when isad answers that it has no room for now; this
 * waits for acknowledgements as the window needs.  EXIT_OK, or the exit
 * code with the sentence in err: isad's refusal (e.g. the upload decided
 * again after a policy reload), isad gone or interrupted
 * (EXIT_UNREACHABLE), isad too busy for two minutes (EXIT_UNREACHABLE),
 * more bytes than the size announced (EXIT_ERROR).  After a failure every
 * call on u returns the same failure; nothing is stored.
 */
__attribute__((warn_unused_result))
int isa_upload_write(isa_upload_t *u, const void *data, size_t len,
    char *err, size_t errlen);

/*
 * Once every byte announced was written: wait for the last
 * acknowledgements and send PutEnd with the content's SHA-256 (computed
 * on the way).  EXIT_OK with *stored the document's meta as isad stored
 * it (its id and canonical marking; owned by u, valid until
 * isa_upload_close).  Otherwise the exit code and sentence as for
 * isa_upload_write, or EXIT_ERROR when fewer bytes than announced were
 * written; nothing is stored.
 */
__attribute__((warn_unused_result))
int isa_upload_end(isa_upload_t *u, const Isa__DocMeta **stored, char *err,
    size_t errlen);

/* The bytes isad has acknowledged so far (for a progress bar). */
uint64_t isa_upload_acked(const isa_upload_t *u);

/* How many times isad asked for chunks again (back-pressure), so far. */
uint64_t isa_upload_waits(const isa_upload_t *u);

/* Whether u failed because it was cut off after isad took its begin and
 * before PutEnd went out: isad no longer holds it (restarted, or idle
 * past its timeout), or the connection was lost or went silent; nothing
 * was stored (so the caller can offer to send it again).  The failure is
 * then EXIT_UNREACHABLE. */
bool isa_upload_interrupted(const isa_upload_t *u);

/* Whether u failed because PutEnd went out and no answer came (the
 * connection lost or silent): isad may or may not have stored the
 * document, so sending it again may store it twice; the caller should
 * say where to look first.  The failure is then EXIT_UNREACHABLE, its
 * sentence "isad did not confirm the upload, so it may or may not be
 * stored: ...". */
bool isa_upload_unconfirmed(const isa_upload_t *u);

/*
 * End u.  An upload that did not end with its document stored is
 * abandoned: when c still works, isad is told (TransferEnd, waiting for
 * its answer) so that it stores nothing and frees the transfer at once;
 * otherwise isad drops it when it times out.  Replies still in flight on
 * c are skipped by later calls on c.  NULL ok.
 */
void isa_upload_close(isa_upload_t *u);

#endif
