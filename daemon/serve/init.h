/* init.h: `isad init`: the data dir, the server key pair, the master key and the audit signing key. */
#ifndef ISA_DAEMON_INIT_H
#define ISA_DAEMON_INIT_H

#include "daemon/ctx/config.h"

/* Make cfg's data dir (0700; an existing one must be empty), server.key,
 * the master key (under the passphrase file when one is configured) and
 * the audit signing key pair, saying on stdout what was written where and
 * the server public key last.  Returns the exit status: 0, or 1 (one line
 * on stderr). */
int init_run(const isad_config_t *cfg);

#endif
