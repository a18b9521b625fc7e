/* checkdeep.h: `isad check --deep`: every index rebuilt from the records in one read transaction and compared, each difference reported. */
#ifndef ISA_DAEMON_CHECKDEEP_H
#define ISA_DAEMON_CHECKDEEP_H

#include "daemon/ctx/config.h"

/* Open cfg's store read-only (beside a running isad or without one), and
 * in one read transaction compare every index with what the records say
 * it should hold, printing a line per index and per difference (the first
 * INDEXCHECK_SHOWN of each).  Returns the exit status: 0 when every index
 * agrees, 1 when one does not or the store cannot be read (said on
 * stderr). */
int checkdeep_run(const isad_config_t *cfg);

#endif
