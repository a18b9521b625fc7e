/* status.h: `isad status`: a data dir's health read from the store read-only, with no request to isad and no audit record. */
#ifndef ISA_DAEMON_STATUS_H
#define ISA_DAEMON_STATUS_H

#include <stdbool.h>

#include "daemon/ctx/config.h"

/*
 * Read cfg's store read-only (whether or not isad is running; nothing is
 * written, not even a lock) and print what an operator watches: whether
 * isad holds the data dir, the map used and free, documents by state,
 * pending share requests, audit records, the last checkpoint's size and
 * age and the records waiting for the next, isad's memory (anonymous and
 * mapped apart, procmem.h; "cannot tell" when isad is not running or /proc
 * will not say, without failing the rest), whether a rekey is due, the
 * schema.  As text, or as one JSON object when json.  Unhealthy: the map
 * fuller than status.full_percent, or audit records older than
 * status.checkpoint_age_ms that no signed checkpoint covers yet.  Returns
 * the exit status: 0 healthy; 1 unhealthy (the problems printed) or the
 * store cannot be read (one line on stderr: no store, a newer schema...).
 */
int status_run(const isad_config_t *cfg, bool json);

#endif
