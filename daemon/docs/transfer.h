/* transfer.h: the uploads and downloads one worker holds, keyed by (routing id, User-Id, transfer id). */
#ifndef ISA_DAEMON_TRANSFER_H
#define ISA_DAEMON_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "daemon/ctx/job.h"
#include "proto/docid.h"

#define TRANSFER_ID_LEN 16
#define TRANSFER_TOMBS 64	/* closed-by-reload transfers remembered, per table */

typedef enum { TRANSFER_UPLOAD, TRANSFER_DOWNLOAD } transfer_kind_t;

struct transfer_flight;
typedef struct transfer_quota transfer_quota_t;

typedef struct transfer {
	uint8_t id[TRANSFER_ID_LEN];	/* byte 0 names the worker */
	transfer_kind_t kind;
	uint8_t rid[JOB_RID_MAX];
	size_t rid_len;
	char user[128];
	/* For the transfer's audit record when it ends without its request
	 * doing so (DESIGN §7): the actor as at its begin, and what it was
	 * about.  Never a title. */
	char agency[128];
	char key[41];			/* Z85 key the request came with */
	char *marking;			/* the marking line (malloc'd), or NULL */
	uint64_t request;		/* the begin's request id */
	int64_t last_ms;		/* monotonic: for the idle timeout */
	uint8_t doc[DOCID_LEN];
	uint64_t chunks;		/* how many chunk indexes */
	uint32_t chunk_size;
	uint64_t size;
	uint64_t next;			/* the next index expected (either way) */
	void *data;			/* the kind's own state */
	void (*data_free)(void *);
	struct transfer_flight *flight;	/* download: content still queued */
	bool flooded;			/* a chunk request past the window logged */
	bool waiting;			/* chunk next refused for want of room:
					 * later ones pipelined get the same */
	struct transfer *next_t;
} transfer_t;

typedef struct transfers transfers_t;

/*
 * The caps on open transfers that every worker's table shares: at most
 * per_user for one user, total in all.  Thread-safe.  NULL when out of
 * memory.  Free it after every table that uses it.
 */
transfer_quota_t *transfer_quota_new(unsigned per_user, unsigned total);
void transfer_quota_free(transfer_quota_t *q);

/* How many transfers are open, in all tables. */
unsigned transfer_quota_open(transfer_quota_t *q);

/* A table counting its transfers against q (which outlives it).  NULL when
 * out of memory. */
transfers_t *transfers_new(transfer_quota_t *q);

/* Free the table and every transfer in it (each data_free called). */
void transfers_free(transfers_t *t);

/*
 * A new transfer for the peer and user of j, its id random but for byte 0
 * (= worker), into *out.  Returns 0; ISA_ERR_BUSY when j's user already has
 * the quota's per_user open; ISA_ERR_FULL when the total is open;
 * ISA_ERR_NOMEM.  Nothing is kept on error.
 */
__attribute__((warn_unused_result))
int transfers_add(transfers_t *t, transfer_kind_t kind, const job_t *j,
    unsigned worker, transfer_t **out);

/* The transfer named id, if it belongs to j's peer and user and is of kind;
 * NULL otherwise (the caller answers NOT_FOUND). */
transfer_t *transfers_find(transfers_t *t, const uint8_t *id, size_t idlen,
    transfer_kind_t kind, const job_t *j);

/* Remove and free one transfer. */
void transfers_drop(transfers_t *t, transfer_t *x);

/* Remove every transfer idle for timeout_ms or more, calling expired(x,
 * arg) on each first. */
void transfers_expire(transfers_t *t, int64_t timeout_ms,
    void (*expired)(transfer_t *, void *), void *arg);

/* Call fn(x, arg) on every transfer; those for which it returns true are
 * removed and freed (fn has done what their end needs). */
void transfers_filter(transfers_t *t, bool (*fn)(transfer_t *, void *),
    void *arg);

/*
 * Remember that x was closed because access changed, with why (a sentence,
 * copied), so that the next message naming it from its peer gets that
 * sentence once rather than a bare "no such transfer".  At most
 * TRANSFER_TOMBS are kept, the oldest forgotten first; each is forgotten
 * after timeout_ms too.
 */
void transfers_tomb_add(transfers_t *t, const transfer_t *x, const char *why);

/* The sentence for the transfer id names if it was closed by a reload and
 * belongs to j's peer and user (copied into buf, cap bytes): true, and it
 * is forgotten.  False otherwise. */
bool transfers_tomb_take(transfers_t *t, const uint8_t *id, size_t idlen,
    const job_t *j, int64_t timeout_ms, char *buf, size_t cap);

/*
 * len bytes of content held for transfer x (a download's frame, an upload's
 * sealed chunk on its way to the store): until transfer_held_free they
 * count among x's held chunks and the process's held bytes, whether or not
 * x still exists.  Thread-safe.  NULL when out of memory.
 */
void *transfer_held_new(transfer_t *x, size_t len);

/* Wipe and free what transfer_held_new gave; NULL accepted. */
void transfer_held_free(void *data);

/*
 * A content frame of len bytes for download x, into msg (initialised; the
 * caller sends or closes it), its bytes at *data.  Until libzmq frees it
 * (sent, or closed unsent) it counts among x's queued chunks and the
 * process's queued bytes, whether or not x still exists.  Returns 0 or
 * ISA_ERR_NOMEM (msg then untouched).
 */
__attribute__((warn_unused_result))
int transfer_frame_new(transfer_t *x, size_t len, zmq_msg_t *msg,
    uint8_t **data);

/* How many of x's content frames or sealed chunks are still held (made,
 * not yet freed). */
unsigned transfer_frames_queued(const transfer_t *x);

/* Bytes of content held in all, by every transfer. */
size_t transfers_bytes_queued(void);

/* Bytes of content held for user's transfers, ended ones included (their
 * frames may not have left yet).  Thread-safe. */
size_t transfers_user_bytes_queued(const char *user);

#endif
