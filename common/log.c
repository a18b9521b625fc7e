/* log.c: one-line logs on stderr, with syslog priority prefixes for journald. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_progname = "isa";
static bool log_prefix;
static bool log_debug_on;

void
log_init(const char *progname, bool syslog_prefix)
{
	const char *d = getenv("ISA_DEBUG");

	log_progname = progname;
	log_prefix = syslog_prefix;
	log_debug_on = d != NULL && strcmp(d, "1") == 0;
}

void
log_set_debug(bool on)
{
	log_debug_on = on;
}

/* One line, written with a single fprintf so that threads do not interleave. */
__attribute__((format(printf, 3, 0)))
static void
log_vline(int prio, bool with_errno, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_prefix)
		fprintf(stderr, "<%d>%s: %s%s%s\n", prio, log_progname, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	else
		fprintf(stderr, "%s: %s%s%s\n", log_progname, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	errno = saved;
}

#define LOG_BODY(prio, with_errno) do {			\
	va_list ap;					\
	va_start(ap, fmt);				\
	log_vline((prio), (with_errno), fmt, ap);	\
	va_end(ap);					\
} while (0)

void log_info(const char *fmt, ...) { LOG_BODY(6, false); }
void log_notice(const char *fmt, ...) { LOG_BODY(5, false); }
void log_warn(const char *fmt, ...) { LOG_BODY(4, true); }
void log_warnx(const char *fmt, ...) { LOG_BODY(4, false); }

void
log_debug(const char *fmt, ...)
{
	if (log_debug_on)
		LOG_BODY(7, false);
}

void
fatal(const char *fmt, ...)
{
	LOG_BODY(2, true);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(2, false);
	exit(1);
}
