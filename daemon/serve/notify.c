/* notify.c: tell a supervisor (systemd Type=notify, or the test harness) that isad is ready, how it is, and that it is alive. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/serve/notify.h"

int
notify_send(const char *state)
{
	static int warned;	/* the main loop's alone */
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int fd, rc = 0;

	if (path == NULL || path[0] == '\0')
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path) ||
	    (path[0] != '/' && path[0] != '@')) {
		log_warnx("NOTIFY_SOCKET is not a usable socket path");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')	/* abstract namespace */
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sa, len) < 0) {
		/* Once: a watchdog ping that fails would say it every few
		 * seconds. */
		if (!warned)
			log_warn("cannot notify the supervisor at %s (said "
			    "once)", path);
		warned = 1;
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int
notify_status(int ready, const char *fmt, ...)
{
	char text[200], state[240];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	text[strcspn(text, "\n")] = '\0';	/* one line: the protocol's */
	(void)snprintf(state, sizeof(state), "%sSTATUS=%s",
	    ready ? "READY=1\n" : "", text);
	return notify_send(state);
}

long
notify_watchdog_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long us;
	char *end;

	if (usec == NULL || usec[0] < '1' || usec[0] > '9')
		return 0;
	errno = 0;
	us = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0' || us == 0)
		return 0;
	/* sd_watchdog_enabled(3): a watchdog meant for another process
	 * (isad's parent, say) is not ours to ping. */
	if (pid != NULL && pid[0] != '\0' &&
	    strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	us /= 2000;	/* half, in milliseconds */
	if (us > 3600000ULL)
		us = 3600000ULL;	/* an hour: enough for any WatchdogSec */
	return us > 0 ? (long)us : 1;
}
