/* upload.c: an upload to isad, pushed piece by piece: cut into isad's chunks, sent under its credit, sent again when it asks (isa put, isa ui). */
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/retry.h"
#include "client/upload.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

/* Chunks kept for sending again: at most isad's credit, and at most
 * UPLOAD_WINDOW_BYTES of content (as fetch.c bounds its window), whatever
 * the chunk size isad uses (up to 16 MiB). */
#define UPLOAD_WINDOW_BYTES (32u << 20)

typedef enum { UPLOAD_RUNNING, UPLOAD_STORED, UPLOAD_FAILED } upload_state_t;

/* One chunk's bytes, held by the ring and by each message libzmq has yet
 * to send of it (sent in place, not copied): freed by the last to let go,
 * which may be libzmq's I/O thread. */
typedef struct {
	atomic_uint refs;
	size_t cap;
	uint8_t data[];
} chunk_t;

struct isa_upload {
	isa_conn_t *c;			/* lent by the caller */
	Isa__Envelope *begin;		/* isad's PutBeginReply */
	Isa__Envelope *end;		/* isad's PutEndReply, once stored */
	uint64_t size, chunk_size, chunks;
	uint64_t written;		/* bytes taken from the caller */
	uint64_t ready;			/* chunks filled (all sent) */
	uint64_t sent, acked;		/* chunks sent, acknowledged */
	uint64_t waits;			/* retry answers taken */
	size_t fill;			/* bytes in chunk ready so far */
	uint64_t window;		/* chunks unacknowledged, at most */
	chunk_t **ring;			/* window slots: chunk i in i % window */
	sha256_t *sha;			/* of the content written so far */
	retry_t rt;
	char busy[96];			/* for the give-up sentence */
	upload_state_t state;
	bool broken;			/* c failed: nothing more is sent */
	bool end_sent;			/* PutEnd went out */
	bool answered;			/* isad answered PutEnd: it is over */
	bool interrupted;		/* lost at isad or on the way */
	bool unconfirmed;		/* lost after PutEnd went out */
	int code;			/* the failure, said again if asked */
	char why[ISA_UPLOAD_ERRLEN];
};

static void
chunk_unref(chunk_t *ch)
{
	if (ch != NULL && atomic_fetch_sub(&ch->refs, 1) == 1)
		free(ch);
}

/* libzmq is done with a message of the chunk hint. */
static void
chunk_sent(void *data, void *hint)
{
	(void)data;
	chunk_unref(hint);
}

/* The slot *slot ready for a chunk of want bytes: its buffer again when
 * nobody else holds it (libzmq sent it) and it is large enough, else a
 * new one (the old one goes when libzmq lets it go).  0, or -1 out of
 * memory. */
static int
chunk_take(chunk_t **slot, size_t want)
{
	chunk_t *ch = *slot;

	if (ch != NULL && ch->cap >= want && atomic_load(&ch->refs) == 1)
		return 0;
	chunk_unref(ch);
	*slot = NULL;
	if ((ch = malloc(sizeof(*ch) + want)) == NULL)
		return -1;
	atomic_init(&ch->refs, 1);
	ch->cap = want;
	*slot = ch;
	return 0;
}

static void
upload_free(isa_upload_t *u)
{
	if (u == NULL)
		return;
	if (u->ring != NULL)
		for (uint64_t i = 0; i < u->window; i++)
			chunk_unref(u->ring[i]);
	free(u->ring);
	sha256_free(u->sha);
	envelope_free(u->begin);
	envelope_free(u->end);
	free(u);
}

int
isa_upload_begin(isa_conn_t *c, const Isa__DocMeta *meta, uint64_t size,
    const char *name, isa_upload_t **out, char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__PutBegin pb = ISA__PUT_BEGIN__INIT;
	const Isa__PutBeginReply *b;
	isa_upload_t *u;
	int code;

	*out = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->sha = sha256_new()) == NULL) {
		free(u);
		snprintf(err, errlen, "out of memory");
		return EXIT_ERROR;
	}
	u->c = c;
	isa_conn_forget(c);	/* what came before is not this upload's */
	u->size = size;
	snprintf(u->busy, sizeof(u->busy), "take %.80s", name);
	pb.meta = (Isa__DocMeta *)meta;
	pb.size = size;
	req.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN;
	req.put_begin = &pb;
	if (isa_conn_call(c, &req, &r, err, errlen) != 0) {
		code = EXIT_UNREACHABLE;
		goto fail;
	}
	if (r->status != ISA__STATUS__OK) {
		code = cli_reply_sentence(r, err, errlen);
		goto fail;
	}
	b = r->body_case == ISA__ENVELOPE__BODY_PUT_BEGIN_REPLY ?
	    r->put_begin_reply : NULL;
	if (b == NULL || b->chunk_size == 0) {
		snprintf(err, errlen, "isad's answer to the upload named no "
		    "chunk size: are isa and isad the same version?");
		code = EXIT_ERROR;
		goto fail;
	}
	u->begin = r;
	r = NULL;
	u->chunk_size = b->chunk_size;
	u->chunks = size == 0 ? 1 : (size - 1) / b->chunk_size + 1;
	u->window = UPLOAD_WINDOW_BYTES / b->chunk_size;
	if (u->window > b->credit)
		u->window = b->credit;
	if (u->window == 0)
		u->window = 1;
	if ((u->ring = calloc(u->window, sizeof(*u->ring))) == NULL) {
		snprintf(err, errlen, "out of memory");
		code = EXIT_ERROR;
		goto fail;
	}
	retry_start(&u->rt);
	/* From here isad holds the upload: losing the connection loses it. */
	isa_conn_watch(c, true);
	*out = u;
	return EXIT_OK;
fail:
	/* A transfer isad opened (only out of memory here) is ended. */
	isa_upload_close(u);
	envelope_free(r);
	return code;
}

/* The length of chunk i: all but the last are full. */
static size_t
chunk_len(const isa_upload_t *u, uint64_t i)
{
	return (size_t)(i + 1 < u->chunks ? u->chunk_size :
	    u->size - i * u->chunk_size);
}

static int
upload_send(isa_upload_t *u, uint64_t i, char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__PutChunk pc = ISA__PUT_CHUNK__INIT;
	chunk_t *ch = u->ring[i % u->window];
	size_t len = chunk_len(u, i);
	int rc;

	pc.transfer = u->begin->put_begin_reply->transfer;
	pc.index = i;
	req.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK;
	req.put_chunk = &pc;
	if (len == 0)	/* an empty file's one chunk */
		rc = isa_conn_send(u->c, &req, "", 0, NULL, err, errlen);
	else {
		atomic_fetch_add(&ch->refs, 1);	/* the message's */
		rc = isa_conn_send_nocopy(u->c, &req, ch->data, len, chunk_sent,
		    ch, err, errlen);
	}
	if (rc != 0) {
		u->broken = true;
		return EXIT_UNREACHABLE;
	}
	u->sent = i + 1;
	return EXIT_OK;
}

/* Send every chunk filled and not sent (after a retry answer: again). */
static int
upload_flush(isa_upload_t *u, char *err, size_t errlen)
{
	int code;

	while (u->sent < u->ready)
		if ((code = upload_send(u, u->sent, err, errlen)) != EXIT_OK)
			return code;
	return EXIT_OK;
}

/*
 * Take one answer to the chunks in flight.  An acknowledgement frees the
 * oldest slot; a retry answer (no room in isad for now) means the chunks
 * sent after the one refused get the same answer and those before it
 * their acknowledgement (when stored, so perhaps only now): all are
 * taken, and after isad's pause every chunk from the first not taken is
 * sent again from the ring.
 */
static int
upload_pump(isa_upload_t *u, char *err, size_t errlen)
{
	Isa__Envelope *r = NULL;
	uint64_t more = 0;
	int code;

	if (isa_conn_recv(u->c, &r, NULL, NULL, err, errlen) != 0) {
		u->broken = true;
		return EXIT_UNREACHABLE;
	}
	if (retry_asked(r)) {
		u->waits++;
		code = retry_drain_wait(u->c, &u->rt, r->retry_ms, u->sent -
		    u->acked - 1, u->busy, &more,
		    ISA__ENVELOPE__BODY_PUT_CHUNK_REPLY, err, errlen);
		envelope_free(r);
		u->broken |= u->rt.broken;
		if (code != EXIT_OK)
			return code;
		u->acked += more;
		u->sent = u->acked;
		return upload_flush(u, err, errlen);
	}
	if (r->status != ISA__STATUS__OK)
		code = cli_reply_sentence(r, err, errlen);
	else if (r->body_case != ISA__ENVELOPE__BODY_PUT_CHUNK_REPLY) {
		snprintf(err, errlen, "isad answered a chunk with something "
		    "else");
		code = EXIT_ERROR;
	} else {
		u->acked++;
		retry_progress(&u->rt);
		code = EXIT_OK;
	}
	envelope_free(r);
	return code;
}

/* Chunk ready is full: send it. */
static int
upload_complete(isa_upload_t *u, char *err, size_t errlen)
{
	u->ready++;
	u->fill = 0;
	return upload_flush(u, err, errlen);
}

/* Copy len bytes of data into the chunks, sending each when full. */
static int
upload_push(isa_upload_t *u, const uint8_t *data, size_t len, char *err,
    size_t errlen)
{
	int code;

	if (len > u->size - u->written) {
		snprintf(err, errlen, "more than the %llu bytes announced came: "
		    "nothing was stored", (unsigned long long)u->size);
		return EXIT_ERROR;
	}
	while (len > 0) {
		size_t want = chunk_len(u, u->ready), n = want - u->fill;
		chunk_t **slot = &u->ring[u->ready % u->window];

		/* A slot is free once its chunk was acknowledged. */
		while (u->ready - u->acked >= u->window)
			if ((code = upload_pump(u, err, errlen)) != EXIT_OK)
				return code;
		if (u->fill == 0 && chunk_take(slot, want) != 0) {
			snprintf(err, errlen, "out of memory");
			return EXIT_ERROR;
		}
		if (n > len)
			n = len;
		memcpy((*slot)->data + u->fill, data, n);
		sha256_update(u->sha, data, n);
		u->fill += n;
		u->written += n;
		data += n;
		len -= n;
		if (u->fill == want &&
		    (code = upload_complete(u, err, errlen)) != EXIT_OK)
			return code;
	}
	return EXIT_OK;
}

/*
 * Remember a failure, told as what it means for the upload (every later
 * call says it again).  isad took the begin, so NOT_FOUND now means it no
 * longer holds the upload (restarted, or idle past its timeout), never a
 * missing document; and a connection lost or silent before PutEnd went
 * out cut it off too.  Both are told as an interruption, EXIT_UNREACHABLE:
 * nothing was stored, try again.  When PutEnd went out and no answer came
 * it is unknown whether isad stored the document: unconfirmed, still
 * EXIT_UNREACHABLE, but sending it again may store it twice.
 */
static int
upload_failed(isa_upload_t *u, int code, char *err, size_t errlen)
{
	char cause[ISA_UPLOAD_ERRLEN];

	/* NOT_FOUND, as cli_reply_sentence words it ("gone: ..." for a
	 * document recalled mid-way stays exit 3). */
	if (code == EXIT_NOTFOUND && strncmp(err, "not found:", 10) == 0) {
		u->interrupted = true;
		code = EXIT_UNREACHABLE;
		snprintf(err, errlen, "the upload was interrupted and nothing "
		    "was stored: isad no longer holds it (isad was restarted, "
		    "or the upload was idle too long); send the file again");
	} else if (code == EXIT_UNREACHABLE && u->broken) {
		snprintf(cause, sizeof(cause), "%s", err);
		if (u->end_sent) {
			u->unconfirmed = true;
			snprintf(err, errlen, "isad did not confirm the upload, "
			    "so it may or may not be stored: %s", cause);
		} else {
			u->interrupted = true;
			snprintf(err, errlen, "the upload was interrupted and "
			    "nothing was stored: %s", cause);
		}
	}
	u->state = UPLOAD_FAILED;
	u->code = code;
	snprintf(u->why, sizeof(u->why), "%s", err);
	return code;
}

/* A call after the upload ended: its failure again, or "already stored". */
static int
upload_over(const isa_upload_t *u, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", u->state == UPLOAD_FAILED ? u->why :
	    "the upload was already stored");
	return u->state == UPLOAD_FAILED ? u->code : EXIT_ERROR;
}

int
isa_upload_write(isa_upload_t *u, const void *data, size_t len, char *err,
    size_t errlen)
{
	int code;

	if (u->state != UPLOAD_RUNNING)
		return upload_over(u, err, errlen);
	if ((code = upload_push(u, data, len, err, errlen)) != EXIT_OK)
		return upload_failed(u, code, err, errlen);
	return EXIT_OK;
}

/* PutEnd with the SHA-256 of what was written. */
static int
upload_finish(isa_upload_t *u, char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__PutEnd pe = ISA__PUT_END__INIT;
	uint8_t digest[SHA256_LEN];

	sha256_final(u->sha, digest);
	pe.transfer = u->begin->put_begin_reply->transfer;
	pe.sha256.data = digest;
	pe.sha256.len = sizeof(digest);
	req.body_case = ISA__ENVELOPE__BODY_PUT_END;
	req.put_end = &pe;
#ifdef ISA_TEST_BUILD
	/* Test builds only: while the file $ISA_TEST_PUT_END_STOP names
	 * exists, the process stops itself (SIGSTOP) here, every chunk
	 * acknowledged and PutEnd not sent: a test that sees it stopped can
	 * stop isad before it goes on (tests/integration/test_interrupted.c). */
	const char *stop = getenv("ISA_TEST_PUT_END_STOP");

	if (stop != NULL && access(stop, F_OK) == 0)
		(void)raise(SIGSTOP);
#endif
	u->end_sent = true;
	if (isa_conn_call(u->c, &req, &r, err, errlen) != 0) {
		u->broken = true;
		return EXIT_UNREACHABLE;
	}
	/* Answered, whatever it says: isad ended the transfer. */
	u->answered = true;
	if (r->status != ISA__STATUS__OK) {
		int code = cli_reply_sentence(r, err, errlen);

		envelope_free(r);
		return code;
	}
	if (r->body_case != ISA__ENVELOPE__BODY_PUT_END_REPLY ||
	    r->put_end_reply->meta == NULL) {
		envelope_free(r);
		snprintf(err, errlen, "isad's answer to the upload's end carried "
		    "no document: are isa and isad the same version?");
		return EXIT_ERROR;
	}
	u->end = r;
	return EXIT_OK;
}

int
isa_upload_end(isa_upload_t *u, const Isa__DocMeta **stored, char *err,
    size_t errlen)
{
	int code;

	*stored = NULL;
	if (u->state != UPLOAD_RUNNING)
		return upload_over(u, err, errlen);
	if (u->written < u->size) {
		snprintf(err, errlen, "the upload ended after %llu of the %llu "
		    "bytes announced: nothing was stored",
		    (unsigned long long)u->written,
		    (unsigned long long)u->size);
		return upload_failed(u, EXIT_ERROR, err, errlen);
	}
	/* An empty file is one empty chunk. */
	if (u->ready < u->chunks &&
	    (code = upload_complete(u, err, errlen)) != EXIT_OK)
		return upload_failed(u, code, err, errlen);
	while (u->acked < u->chunks)
		if ((code = upload_pump(u, err, errlen)) != EXIT_OK)
			return upload_failed(u, code, err, errlen);
	if ((code = upload_finish(u, err, errlen)) != EXIT_OK)
		return upload_failed(u, code, err, errlen);
	u->state = UPLOAD_STORED;
	*stored = u->end->put_end_reply->meta;
	return EXIT_OK;
}

uint64_t
isa_upload_acked(const isa_upload_t *u)
{
	return u->acked >= u->chunks ? u->size : u->acked * u->chunk_size;
}

uint64_t
isa_upload_waits(const isa_upload_t *u)
{
	return u->waits;
}

bool
isa_upload_interrupted(const isa_upload_t *u)
{
	return u->interrupted;
}

bool
isa_upload_unconfirmed(const isa_upload_t *u)
{
	return u->unconfirmed;
}

void
isa_upload_close(isa_upload_t *u)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__TransferEnd te = ISA__TRANSFER_END__INIT;
	char err[ISA_UPLOAD_ERRLEN];

	if (u == NULL)
		return;
	/* isad ends an upload itself once it answered PutEnd; one given up
	 * earlier it would hold (and its chunks staged) until its timeout;
	 * one interrupted it holds no more. */
	if (u->begin != NULL && !u->answered && !u->broken &&
	    !u->interrupted && !u->unconfirmed) {
		te.transfer = u->begin->put_begin_reply->transfer;
		req.body_case = ISA__ENVELOPE__BODY_TRANSFER_END;
		req.transfer_end = &te;
		if (isa_conn_call(u->c, &req, &r, err, sizeof(err)) == 0)
			envelope_free(r);
	}
	if (u->begin != NULL) {
		isa_conn_forget(u->c);	/* the answers still in flight */
		isa_conn_watch(u->c, false);
	}
	upload_free(u);
}
