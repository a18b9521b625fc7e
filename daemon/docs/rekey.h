/* rekey.h: a new master key: every data key rewrapped in one transaction, then the key file swapped. */
#ifndef ISA_DAEMON_REKEY_H
#define ISA_DAEMON_REKEY_H

#include <stddef.h>

#include "daemon/ctx/config.h"
#include "daemon/keys/keys.h"
#include "daemon/store/store.h"
#include "daemon/ctx/env.h"

/*
 * At start, after the store opens and before anything else writes: make
 * sure the master key in keys is the one the store's data keys are wrapped
 * under (meta "kek_id", recorded on first use).  A rekey cut off after its
 * transaction committed but before MASTER_KEY.new replaced MASTER_KEY is
 * finished (the new file renamed into place, and put in use); one cut
 * off before it committed is rolled back (the new file removed).  pass is
 * the passphrase (NULL: none).  Returns 0, or ISA_ERR_* with one line in
 * err (e.g. a master key that belongs to another store).
 */
__attribute__((warn_unused_result))
int rekey_check(const isad_config_t *cfg, store_t *s, keys_t *keys,
    const char *pass, size_t passlen, char *err, size_t errlen);

/* `isad rekey`: with isad stopped, a new master key, every data key
 * rewrapped under it in one transaction, and the key file replaced.
 * Prints what it did; returns the process exit status. */
int rekey_run(const isad_config_t *cfg);

/*
 * In the writer thread (the sweeper's), when "rekey_due" is set: a new master
 * key saved as MASTER_KEY.new, every data key rewrapped under it in one
 * transaction (with its audit record), the file renamed into place, and
 * the key in use swapped (the old one wiped).  A master key under a
 * passphrase is left as it is (isad does not keep the passphrase): logged
 * once, for the operator to run `isad rekey`.  A commit that reports
 * failure is checked against the store's recorded key id: landed, the
 * new key goes into use; lost, its file goes; in doubt, both files stay
 * for the next start.  Returns 0 or ISA_ERR_* (logged; "rekey_due" stays,
 * so the next sweep tries again).
 */
int rekey_online(store_t *s, const worker_env_t *env);

#endif
