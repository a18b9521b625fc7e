/* exports.h: the audit exports isad has recorded, so that no export page leaves before its audit.export record (DESIGN §7). */
#ifndef ISA_DAEMON_EXPORTS_H
#define ISA_DAEMON_EXPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPORTS_MAX 64		/* remembered at once; the oldest goes first */

/*
 * Remember that user, on the connection with routing id rid (rid_len
 * bytes), has an export of the first size records recorded durably (its
 * audit.export record committed).  A later export on the same connection
 * replaces it; past EXPORTS_MAX the oldest is forgotten (its pages are then
 * refused, and the export starts again).  Thread-safe; copies what it keeps.
 */
void exports_record(const char *user, const void *rid, size_t rid_len,
    uint64_t size);

/*
 * Whether user, on connection rid, may read export pages of the first upto
 * records: true only when exports_record said so for exactly that size.
 * Thread-safe.
 */
__attribute__((warn_unused_result))
bool exports_allowed(const char *user, const void *rid, size_t rid_len,
    uint64_t upto);

/* Forget every export (tests; a stopping isad need not). */
void exports_clear(void);

#endif
