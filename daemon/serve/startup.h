/* startup.h: isad's start-up and its undoing: what the loop runs on (server_t), wired up from isad.conf, and released. */
#ifndef ISA_DAEMON_STARTUP_H
#define ISA_DAEMON_STARTUP_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/ctx/config.h"
#include "daemon/docs/watch.h"
#include "daemon/audit/outage.h"
#include "daemon/audit/stale.h"
#include "daemon/keys/keys.h"
#include "daemon/serve/queue.h"
#include "daemon/serve/worker.h"
#include "daemon/serve/zap.h"
#include "daemon/store/store.h"
#include "daemon/store/writer.h"
#include "proto/keyfile.h"
#include "proto/sha256.h"

/*
 * What isad serves with: made by startup_open (this file's .c), run by the
 * loop (server.c), released by the loop's teardown and startup_close.
 */
typedef struct server {
	const isad_config_t *cfg;
	void *ctx;
	void *router;
	zap_t *zap;
	int sigfd;
	int lockfd;
	char server_pub[KEYFILE_Z85_LEN + 1];
	char endpoint[256];	/* what we are bound to */
	uint8_t policy_sha[SHA256_LEN];	/* of the policy in force */
	keys_t *keys;		/* the key holder: master and signing keys */
	store_t *store;
	writer_t *writer;
	outage_t *outage;	/* what a store fault turned away (outage.h) */
	workers_t *workers;
	queue_t *results;
	worker_env_t env;
	unsigned next_worker;
	watches_t *watches;	/* inbox watches held for news */
	uint64_t news;		/* notifying commits so far */
	bool stopping;		/* no more holding or new looks */
	stale_t *stale;		/* refusals on connections no longer enrolled */
	unsigned in_flight;	/* jobs handed on and not yet back */
} server_t;

/*
 * Start up, in this order (each step's failure logged as one line): block
 * the signals the loop takes by signalfd, lock the data dir, load
 * policy.conf, initialise libgcrypt, load the master key into the key
 * holder, open the store (and settle a rekey cut off), sweep unfinished
 * uploads, load the audit signing key, run retention once, start the
 * writer (with its checkpoint and retention tick) and record the start in
 * the audit log, start the workers, the ZAP handler and the stale-refusal
 * tally, and bind the CURVE ROUTER socket.  s->cfg is set, s->sigfd and
 * s->lockfd are -1 on entry.  Returns 0, or -1: what was made stays in s
 * for the teardown.
 */
int startup_open(server_t *s);

/*
 * Load policy.conf (hashing exactly the bytes loaded) and put it in force
 * on success.  reload: SIGHUP's, whose outcome is audited either way and
 * whose refusal keeps the old policy.  Returns 0, or -1 (logged).
 */
int startup_policy_load(server_t *s, int reload);

/*
 * Release what startup_open made, once the loop has stopped the threads
 * and sent its last replies: the store, the key holder (both keys wiped),
 * the socket and its context, the policy, the signal and lock files.
 * Accepts a partly made s.
 */
void startup_close(server_t *s);

#endif
