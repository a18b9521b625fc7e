/* check.h: `isad check`: isad.conf and policy.conf validated, and a summary of who holds which role. */
#ifndef ISA_DAEMON_CHECK_H
#define ISA_DAEMON_CHECK_H

#include "daemon/ctx/config.h"

/* Load cfg's policy.conf and print a summary: counts, and who holds the
 * admin, chair, auditor and approver roles in each agency.  Returns the
 * exit status: 0, or 1 (the file:line error on stderr). */
int check_run(const isad_config_t *cfg);

#endif
