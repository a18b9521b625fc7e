/* notify.h: tell a supervisor (systemd Type=notify, or the test harness) that isad is ready. */
#ifndef ISA_DAEMON_NOTIFY_H
#define ISA_DAEMON_NOTIFY_H

/*
 * Send state (e.g. "READY=1", "STOPPING=1") as one datagram to the unix
 * socket named by $NOTIFY_SOCKET, as sd_notify(3) does; nothing when it is
 * unset.  Returns 0, or -1 when it is set but the send failed (logged).
 */
int notify_send(const char *state);

#endif
