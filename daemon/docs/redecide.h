/* redecide.h: open transfers re-decided under the policy now in force after a reload. */
#ifndef ISA_DAEMON_REDECIDE_H
#define ISA_DAEMON_REDECIDE_H

#include "daemon/ctx/env.h"

/* After a reload: re-decide every transfer of this worker under the
 * policy now in force; close (with an audit record and a tomb for the
 * next message naming it) those no longer allowed. */
void docs_transfers_redecide(worker_ctx_t *w);

#endif
