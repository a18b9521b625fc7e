/* fetch.c: a download from isad, pulled piece by piece in order, its SHA-256 checked before the last piece is handed out (isa get, isa ui). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/fetch.h"
#include "client/retry.h"
#include "common/wipe.h"
#include "proto/envelope.h"
#include "proto/sha256.h"

/* Chunk requests in flight: at most FETCH_WINDOW, and at most
 * FETCH_WINDOW_BYTES of content, so that what libzmq may hold for us stays
 * under the CLI's bound (64 MiB) whatever the chunk size isad uses (up to
 * 16 MiB). */
#define FETCH_WINDOW 8
#define FETCH_WINDOW_BYTES (32u << 20)

typedef enum { FETCH_RUNNING, FETCH_DONE, FETCH_FAILED } fetch_state_t;

struct isa_fetch {
	isa_conn_t *c;			/* lent by the caller */
	Isa__Envelope *begin;		/* isad's GetBeginReply: the meta */
	const void *first;		/* chunk 0, c's frame until handed out */
	size_t first_len;
	bool first_out;			/* chunk 0 handed out (or failed) */
	uint64_t asked, got, bytes;	/* chunks asked for, received; bytes */
	uint64_t window;		/* chunk requests in flight, at most */
	sha256_t *sha;			/* of the content received so far */
	retry_t rt;
	char busy[64];			/* for the give-up sentence */
	fetch_state_t state;
	bool broken;			/* c failed: nothing more is sent */
	bool cut;			/* c lost or silent after the begin */
	bool interrupted;		/* lost at isad or on the way */
	bool damaged;			/* the content is not the document's */
	int code;			/* the failure, said again if asked */
	char why[ISA_FETCH_ERRLEN];
};

static void
fetch_free(isa_fetch_t *f)
{
	if (f == NULL)
		return;
	sha256_free(f->sha);
	envelope_free(f->begin);
	free(f);
}

int
isa_fetch_open(isa_conn_t *c, const char *id, isa_fetch_t **out, char *err,
    size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__GetBegin gb = ISA__GET_BEGIN__INIT;
	const Isa__GetBeginReply *b;
	isa_fetch_t *f;
	int code;

	*out = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->sha = sha256_new()) == NULL) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return EXIT_ERROR;
	}
	f->c = c;
	isa_conn_forget(c);	/* what came before is not this download's */
	gb.id = (char *)id;
	req.body_case = ISA__ENVELOPE__BODY_GET_BEGIN;
	req.get_begin = &gb;
	retry_start(&f->rt);
	snprintf(f->busy, sizeof(f->busy), "send document %.32s", id);
	for (;;) {
		if (isa_conn_send(c, &req, NULL, 0, NULL, err, errlen) != 0 ||
		    isa_conn_recv(c, &r, &f->first, &f->first_len, err,
		    errlen) != 0) {
			code = EXIT_UNREACHABLE;
			goto fail;
		}
		/* No room for its first chunk yet: ask again in a moment. */
		if (!retry_asked(r))
			break;
		code = retry_drain_wait(c, &f->rt, r->retry_ms, 0, f->busy, NULL,
		    ISA__ENVELOPE__BODY__NOT_SET, err, errlen);
		envelope_free(r);
		r = NULL;
		if (code != EXIT_OK)
			goto fail;
	}
	if (r->status != ISA__STATUS__OK) {
		code = cli_reply_sentence(r, err, errlen);
		goto fail;
	}
	b = r->body_case == ISA__ENVELOPE__BODY_GET_BEGIN_REPLY ?
	    r->get_begin_reply : NULL;
	if (b == NULL || b->meta == NULL || b->chunks == 0 ||
	    f->first == NULL) {
		snprintf(err, errlen, "isad's answer carried no content: are "
		    "isa and isad the same version?");
		code = EXIT_ERROR;
		goto fail;
	}
	f->begin = r;
	f->asked = f->got = 1;
	snprintf(f->busy, sizeof(f->busy), "send document %.40s", b->meta->id);
	/* Chunk 0 is as long as any other (all but the last are full). */
	f->window = f->first_len > 0 ? FETCH_WINDOW_BYTES / f->first_len : 1;
	if (f->window > FETCH_WINDOW)
		f->window = FETCH_WINDOW;
	if (f->window == 0)
		f->window = 1;
	/* From here isad holds the download: losing the connection loses it
	 * (one of one chunk isad let go already: nothing is asked again). */
	isa_conn_watch(c, true);
	*out = f;
	return EXIT_OK;
fail:
	envelope_free(r);
	fetch_free(f);
	return code;
}

const Isa__DocMeta *
isa_fetch_meta(const isa_fetch_t *f)
{
	return f->begin->get_begin_reply->meta;
}

bool
isa_fetch_damaged(const isa_fetch_t *f)
{
	return f->damaged;
}

bool
isa_fetch_interrupted(const isa_fetch_t *f)
{
	return f->interrupted;
}

/* Take chunk index (n bytes at p): count and hash it.  After the last one,
 * the whole content must be the document's before that chunk is handed out. */
static int
fetch_take(isa_fetch_t *f, uint64_t index, const void *p, size_t n,
    char *err, size_t errlen)
{
	const Isa__GetBeginReply *b = f->begin->get_begin_reply;
	const Isa__DocMeta *m = b->meta;
	uint8_t digest[SHA256_LEN];

	if (n > m->size - f->bytes) {	/* bytes <= size always */
		snprintf(err, errlen, "%s", index == 0 ? "isad sent more than "
		    "the document's size: nothing was written" : "isad sent "
		    "chunks out of order or too much: nothing was written");
		return EXIT_ERROR;
	}
	sha256_update(f->sha, p, n);
	f->bytes += n;
	f->got = index + 1;
	if (f->got < b->chunks)
		return EXIT_OK;
	sha256_final(f->sha, digest);
	if (f->bytes != m->size || m->sha256.len != SHA256_LEN ||
	    !isa_ct_equal(digest, m->sha256.data, SHA256_LEN)) {
		f->damaged = true;
		snprintf(err, errlen, "the content received does not match its "
		    "SHA-256: it was damaged on the way");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int
fetch_ask(isa_fetch_t *f, uint64_t index, char *err, size_t errlen)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT;
	Isa__GetChunk gc = ISA__GET_CHUNK__INIT;

	gc.transfer = f->begin->get_begin_reply->transfer;
	gc.index = index;
	req.body_case = ISA__ENVELOPE__BODY_GET_CHUNK;
	req.get_chunk = &gc;
	if (isa_conn_send(f->c, &req, NULL, 0, NULL, err, errlen) != 0) {
		f->cut = true;
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/* The next chunk that has bytes into *p and *n (n 0: none is left),
 * keeping a window of requests in flight. */
static int
fetch_piece(isa_fetch_t *f, const void **p, size_t *n, char *err,
    size_t errlen)
{
	uint64_t chunks = f->begin->get_begin_reply->chunks;
	int code;

	if (!f->first_out) {
		f->first_out = true;
		if ((code = fetch_take(f, 0, f->first, f->first_len, err,
		    errlen)) != EXIT_OK)
			return code;
		if (f->first_len > 0) {
			*p = f->first;
			*n = f->first_len;
			return EXIT_OK;
		}
	}
	while (f->got < chunks) {
		Isa__Envelope *r = NULL;
		const void *data;
		size_t len;

		while (f->asked < chunks && f->asked - f->got < f->window) {
			if ((code = fetch_ask(f, f->asked, err, errlen)) !=
			    EXIT_OK)
				return code;
			f->asked++;
		}
		if (isa_conn_recv(f->c, &r, &data, &len, err, errlen) != 0) {
			f->cut = true;
			return EXIT_UNREACHABLE;
		}
		if (retry_asked(r)) {
			/* No room in isad for now: the rest in flight get the
			 * same answer; ask again from the first not received. */
			code = retry_drain_wait(f->c, &f->rt, r->retry_ms,
			    f->asked - f->got - 1, f->busy, NULL,
			    ISA__ENVELOPE__BODY__NOT_SET, err, errlen);
			f->cut |= f->rt.broken;
			f->asked = f->got;
		} else if (r->status != ISA__STATUS__OK)
			code = cli_reply_sentence(r, err, errlen);
		else if (r->body_case != ISA__ENVELOPE__BODY_GET_CHUNK_REPLY ||
		    r->get_chunk_reply->index != f->got) {
			snprintf(err, errlen, "isad sent chunks out of order or "
			    "too much: nothing was written");
			code = EXIT_ERROR;
		} else if ((code = fetch_take(f, f->got, data, len, err,
		    errlen)) == EXIT_OK) {
			retry_progress(&f->rt);
			if (len > 0) {
				envelope_free(r);	/* data is c's frame */
				*p = data;
				*n = len;
				return EXIT_OK;
			}
		}
		envelope_free(r);
		if (code != EXIT_OK)
			return code;
	}
	return EXIT_OK;
}

/*
 * A failure told as what it means for the download.  isad took the
 * begin, so NOT_FOUND now means it no longer holds the download
 * (restarted, or idle past its timeout), never a missing document (a
 * recall is GONE); and a connection lost or silent cut it off too.  Both
 * are told as an interruption, EXIT_UNREACHABLE: try again.
 */
static int
fetch_told(isa_fetch_t *f, int code, char *err, size_t errlen)
{
	char cause[ISA_FETCH_ERRLEN];

	/* NOT_FOUND, as cli_reply_sentence words it ("gone: ..." for a
	 * document recalled mid-way stays exit 3). */
	if (code == EXIT_NOTFOUND && strncmp(err, "not found:", 10) == 0) {
		f->interrupted = true;
		snprintf(err, errlen, "the download was interrupted and must "
		    "start again: isad no longer holds it (isad was restarted, "
		    "or the download was idle too long)");
		return EXIT_UNREACHABLE;
	}
	if (code == EXIT_UNREACHABLE && f->cut) {
		f->interrupted = true;
		snprintf(cause, sizeof(cause), "%s", err);
		snprintf(err, errlen, "the download was interrupted and must "
		    "start again: %s", cause);
	}
	return code;
}

int
isa_fetch_next(isa_fetch_t *f, const void **data, size_t *len, bool *done,
    char *err, size_t errlen)
{
	int code;

	*data = NULL;
	*len = 0;
	*done = false;
	if (f->state == FETCH_DONE) {
		*done = true;
		return EXIT_OK;
	}
	if (f->state == FETCH_FAILED) {
		snprintf(err, errlen, "%s", f->why);
		return f->code;
	}
	if ((code = fetch_piece(f, data, len, err, errlen)) != EXIT_OK) {
		*data = NULL;
		*len = 0;
		code = fetch_told(f, code, err, errlen);
		f->state = FETCH_FAILED;
		f->code = code;
		/* isad gone, or too busy for long: close asks it nothing */
		f->broken |= code == EXIT_UNREACHABLE;
		snprintf(f->why, sizeof(f->why), "%s", err);
	} else if (*len == 0) {
		f->state = FETCH_DONE;
		*done = true;
	}
	return code;
}

void
isa_fetch_close(isa_fetch_t *f)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__TransferEnd te = ISA__TRANSFER_END__INIT;
	char err[ISA_FETCH_ERRLEN];

	if (f == NULL)
		return;
	/* isad lets a download go by itself once it sent the last chunk;
	 * one given up earlier it would hold until its timeout. */
	if (f->got < f->begin->get_begin_reply->chunks && !f->broken) {
		te.transfer = f->begin->get_begin_reply->transfer;
		req.body_case = ISA__ENVELOPE__BODY_TRANSFER_END;
		req.transfer_end = &te;
		if (isa_conn_call(f->c, &req, &r, err, sizeof(err)) == 0)
			envelope_free(r);
		isa_conn_forget(f->c);	/* the chunks still in flight */
	}
	isa_conn_watch(f->c, false);
	fetch_free(f);
}
