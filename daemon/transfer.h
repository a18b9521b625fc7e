/* transfer.h: the uploads and downloads one worker holds, keyed by (routing id, User-Id, transfer id). */
#ifndef ISA_DAEMON_TRANSFER_H
#define ISA_DAEMON_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/job.h"
#include "proto/docid.h"

#define TRANSFER_ID_LEN 16

typedef enum { TRANSFER_UPLOAD, TRANSFER_DOWNLOAD } transfer_kind_t;

typedef struct transfer {
	uint8_t id[TRANSFER_ID_LEN];	/* byte 0 names the worker */
	transfer_kind_t kind;
	uint8_t rid[JOB_RID_MAX];
	size_t rid_len;
	char user[128];
	int64_t last_ms;		/* monotonic: for the idle timeout */
	uint8_t doc[DOCID_LEN];
	uint64_t chunks;		/* how many chunk indexes */
	uint32_t chunk_size;
	uint64_t size;
	uint64_t next;			/* upload: the next index expected */
	void *data;			/* the kind's own state */
	void (*data_free)(void *);
	struct transfer *next_t;
} transfer_t;

typedef struct transfers transfers_t;

transfers_t *transfers_new(void);

/* Free the table and every transfer in it (each data_free called). */
void transfers_free(transfers_t *t);

/* A new transfer for the peer and user of j, its id random but for byte 0
 * (= worker).  Returns NULL when out of memory. */
transfer_t *transfers_add(transfers_t *t, transfer_kind_t kind,
    const job_t *j, unsigned worker);

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

/* Monotonic milliseconds. */
int64_t transfers_now_ms(void);

#endif
