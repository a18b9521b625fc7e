/* log.h: one-line logs on stderr, with syslog priority prefixes for journald (OpenSMTPD's log.h). */
#ifndef ISA_COMMON_LOG_H
#define ISA_COMMON_LOG_H

#include <stdbool.h>

/*
 * Set the program name that starts each line, and whether each line starts
 * with a syslog priority prefix ("<3>"), which journald reads as the
 * priority.  A daemon serving sets it; commands a person runs do not.
 */
void log_init(const char *progname, bool syslog_prefix);

/* The *_warn and fatal variants append ": strerror(errno)"; the x variants do
 * not.  fatal and fatalx exit(1): only for broken internal invariants and
 * start-up faults, never for bad input from a client.  Never pass a secret, a
 * title or document content. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* Whether log_debug prints (ISA_DEBUG=1 in the environment turns it on). */
void log_set_debug(bool on);

#endif
