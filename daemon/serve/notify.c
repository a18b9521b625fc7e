/* notify.c: tell a supervisor (systemd Type=notify, or the test harness) that isad is ready. */
#include <stddef.h>
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
		log_warn("cannot notify the supervisor");
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}
