/* outage_file.h: the file that keeps an outage's unwritten audit records across a stop: each record's bytes after its length, written whole or not at all. */
#ifndef ISA_DAEMON_OUTAGE_FILE_H
#define ISA_DAEMON_OUTAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* One record's bytes (a packed Isa__AuditRecord). */
typedef struct {
	uint8_t *buf;
	size_t len;
} outage_rec_t;

/*
 * Write the n records to path (0600): to path.tmp, fsynced, then renamed
 * over path, so that path holds all of them or what it held before.
 * Returns 0 or ISA_ERR_* (errno kept).
 */
int outage_file_write(const char *path, const outage_rec_t *recs, size_t n);

/*
 * Call each(arg, buf, len) for every record in path, in order; at most
 * max bytes are read.  Returns 0 (ISA_ERR_NOTFOUND when there is no file),
 * or ISA_ERR_PARSE when it ends in the middle of a record (those before
 * were given), or ISA_ERR_IO / ISA_ERR_RANGE.
 */
int outage_file_read(const char *path, size_t max,
    void (*each)(void *arg, const uint8_t *buf, size_t len), void *arg);

#endif
