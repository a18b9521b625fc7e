/* whoami.h: the requests about the daemon and the caller themselves: ping and whoami. */
#ifndef ISA_DAEMON_WHOAMI_H
#define ISA_DAEMON_WHOAMI_H

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"

/* Handlers of the dispatch table (dispatch.h has their contract). */

/* Ping: the server's version. */
void docs_ping(worker_ctx_t *w, job_t *j);

/* WhoAmI: the caller as the policy in force sees it now. */
void docs_whoami(worker_ctx_t *w, job_t *j);

#endif
