/* raw.h: a raw CURVE client for integration tests: envelopes isa never sends, in any order. */
#ifndef ISA_TESTS_RAW_H
#define ISA_TESTS_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "proto/isa.pb-c.h"

/* One authenticated DEALER connection to isad and its own context. */
typedef struct {
	void *ctx, *s;
} raw_t;

/* Connect as user (NULL: a fresh key nobody enrolled).  Fails the test on
 * error. */
raw_t raw_open(harness_t *h, const char *user);

/* As raw_open, taking replies slowly: a client that does not read. */
raw_t raw_open_lazy(harness_t *h, const char *user);

void raw_close(raw_t *r);

/* Send req (with a content frame when data is not NULL) without waiting. */
void raw_send(raw_t *r, const Isa__Envelope *req, const void *data,
    size_t len);

/* The next reply, decoded (free with isa__envelope__free_unpacked), or NULL
 * when none came within ms; a content frame after it is read and dropped. */
Isa__Envelope *raw_recv(raw_t *r, int ms);

/* As raw_recv, with the content frame, if any and at most cap bytes, copied
 * to content and its length in *clen (0 when none). */
Isa__Envelope *raw_recv_content(raw_t *r, int ms, void *content, size_t cap,
    size_t *clen);

/* Send a GetBegin of document id (as written), without waiting. */
void raw_send_get_begin(raw_t *r, const char *id);

/* Send a GetChunk for index of download transfer (16 bytes), without
 * waiting. */
void raw_send_get_chunk(raw_t *r, const uint8_t *transfer, uint64_t index);

/* raw_send then raw_recv (20 s); fails the test when no reply comes. */
Isa__Envelope *raw_call(raw_t *r, const Isa__Envelope *req, const void *data,
    size_t len);

/* Begin an upload of size bytes (title "raw", OFFICIAL, to agency:ctpse);
 * fails the test unless OK.  The transfer id (16 bytes) into transfer. */
void raw_upload_begin(raw_t *r, uint64_t size, uint8_t *transfer);

/* Send chunk index (len bytes of data) of upload transfer; its status. */
Isa__Status raw_upload_chunk(raw_t *r, const uint8_t *transfer,
    uint64_t index, const void *data, size_t len);

/* End upload transfer with the whole file's SHA-256 (32 bytes); the reply
 * (free with isa__envelope__free_unpacked). */
Isa__Envelope *raw_upload_end(raw_t *r, const uint8_t *transfer,
    const uint8_t *sha);

#endif
