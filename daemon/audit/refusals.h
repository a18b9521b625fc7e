/* refusals.h: refused handshakes tallied per peer address and window, under a ceiling of audit records (DESIGN §4). */
#ifndef ISA_DAEMON_REFUSALS_H
#define ISA_DAEMON_REFUSALS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct refusals refusals_t;

#define REFUSALS_OVERFLOW "*"	/* the address of the ceiling's record */

/* What one audit record of refused handshakes says. */
typedef struct {
	char addr[64];		/* the peer address, or "*" */
	char key[41];		/* Z85, or "" when none or not one key */
	char user[128];		/* whose key it is, or "" */
	const char *reason;	/* static: not_enrolled, disabled, mechanism,
				 * or "mixed" */
	uint64_t count;		/* the attempts it stands for */
	uint64_t keys;		/* distinct keys among them; 0 in a first
				 * record (its key names it) */
} refusal_record_t;

/*
 * A new tally.  A window opens at the first refusal and lasts window_ms;
 * within it the first refusal from each address is a record at once and
 * the rest from that address are counted into one more record when it
 * ends; at most (ceiling - 1) / 2 addresses are tallied so, and refusals
 * from further addresses are only counted, into one record with the
 * address REFUSALS_OVERFLOW: at most ceiling records a window (ceiling >=
 * 3).  Distinct keys are counted exactly up to a fixed number of (address,
 * key) pairs a window (REFUSALS_KEY_PAIRS), beyond which every key not
 * seen is counted as new.  Its memory is fixed here: about 250 bytes an
 * address and 512 KiB for the keys.  NULL when out of memory.
 */
#define REFUSALS_KEY_PAIRS 49152
refusals_t *refusals_new(unsigned ceiling, int64_t window_ms);

/* Free; NULL accepted. */
void refusals_free(refusals_t *t);

/*
 * Count one refusal at now_ms from addr (NUL-terminated, cut to 63 bytes;
 * "" counts as "-")
 * with key (32 bytes, or NULL: no CURVE key offered), which belongs to
 * user ("" when nobody's), for reason (a static string).  Returns true when
 * it is the first from addr in the window and under the ceiling: *out is
 * then its record, to write at once.  Call refusals_flush first, so that
 * an ended window does not take it.
 */
bool refusals_add(refusals_t *t, int64_t now_ms, const char *addr,
    const uint8_t *key, const char *user, const char *reason,
    refusal_record_t *out);

/*
 * When the window has ended by now_ms (or whatever the time when all),
 * call emit(arg, record) for each record of what it counted beyond the
 * first records, and start afresh.
 */
void refusals_flush(refusals_t *t, int64_t now_ms, bool all,
    void (*emit)(void *arg, const refusal_record_t *rec), void *arg);

#endif
