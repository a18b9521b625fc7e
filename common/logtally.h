/* logtally.h: log lines a peer can provoke as often as it likes, bounded as refused handshakes are: the first of a kind from one source in a window at once, the rest counted into one line when it ends. */
#ifndef ISA_COMMON_LOGTALLY_H
#define ISA_COMMON_LOGTALLY_H

#include <stdbool.h>
#include <stdint.h>

#define LOGTALLY_WINDOW_MS 60000	/* a minute */
#define LOGTALLY_SOURCES 256		/* (kind, source) pairs a window */

/*
 * Whether to log now the line of kind (a static string, plural, naming
 * such lines in the count: "bad requests") from who (a user id; cut to
 * 127 bytes) at now_ms: true for the first of that kind from who in the
 * window (log it), false when it is counted instead.  Past
 * LOGTALLY_SOURCES pairs a window, lines are only counted, together.
 * Any thread.
 */
bool logtally_first(const char *kind, const char *who, int64_t now_ms);

/*
 * When the window has ended by now_ms (or whatever the time, when all),
 * say what it counted ("12 more bad requests from ann in the last
 * minute", log_notice) and start afresh.  Any thread; cheap when there is
 * nothing to say.
 */
void logtally_flush(int64_t now_ms, bool all);

#endif
