/* directory.h: the Directory request: who is enrolled (agencies, groups, users) in the policy in force, and the markings it allows. */
#ifndef ISA_DAEMON_DIRECTORY_H
#define ISA_DAEMON_DIRECTORY_H

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"

/* Handler of the dispatch table (dispatch.h has its contract). */

/*
 * Directory: the agencies (id, name), groups (id) and enabled users (id,
 * name, agency id) of j->policy, each list sorted by id; its caveats (name,
 * the attribute each needs, the lowest classification each may mark) in
 * byte order of their names; the descriptors; the classifications up to
 * w->env->accreditation with the minimum clearance of each; for any
 * enrolled user (DESIGN §13).  The reply is as large as the policy isad
 * already holds; nothing of it goes into the audit record but the action.
 */
void directory_list(worker_ctx_t *w, job_t *j);

#endif
