/* env.h: what a request handler may reach besides its job: the daemon's shared environment and its worker's own state. */
#ifndef ISA_DAEMON_ENV_H
#define ISA_DAEMON_ENV_H

#include <stdbool.h>

#include "daemon/ctx/config.h"
#include "daemon/store/store.h"
#include "daemon/store/writer.h"
#include "policy/marking.h"

struct keys;		/* keys/keys.h: the key holder */
struct queue;		/* serve/queue.h: finished jobs, for the main loop */
struct transfers;	/* docs/transfer.h: a worker's open transfers */

/*
 * What every worker shares.  Filled once by the server at start-up
 * (serve/startup.c), before the first worker starts; read-only after that,
 * from any thread; everything it points to is owned by the server and
 * outlives every worker.
 */
typedef struct {
	const isad_config_t *cfg;
	store_t *store;
	writer_t *writer;
	struct keys *keys;	/* the key holder: master and signing keys (keys.h) */
	bool kek_passphrase;	/* the master key is kept under a passphrase */
	classification_t accreditation;
	struct queue *results;	/* finished jobs go here, for the main loop */
} worker_env_t;

/*
 * One worker's view: the shared environment and its own transfers.  Made
 * by the worker pool (serve/worker.c) for each worker thread (or the one
 * the main loop runs jobs in) and used only by that thread; transfers is
 * the worker's own, counted against the pool's caps (docs/transfer.h).
 */
typedef struct {
	const worker_env_t *env;
	struct transfers *transfers;
	unsigned index;		/* which worker: transfer ids carry it */
	unsigned count;		/* how many workers there are */
} worker_ctx_t;

#endif
