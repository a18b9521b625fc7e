/* notify.h: tell a supervisor (systemd Type=notify, or the test harness) that isad is ready, how it is, and that it is alive. */
#ifndef ISA_DAEMON_NOTIFY_H
#define ISA_DAEMON_NOTIFY_H

/*
 * Send state (e.g. "READY=1", "STOPPING=1") as one datagram to the unix
 * socket named by $NOTIFY_SOCKET, as sd_notify(3) does; nothing when it is
 * unset.  Returns 0, or -1 when it is set but the send failed (logged the
 * first time only).  For isad's main thread alone.
 */
int notify_send(const char *state);

/*
 * Send "STATUS=" and the formatted text (one line, cut at 200 bytes), the
 * line `systemctl status` shows; with ready, "READY=1" in the same datagram.
 * Returns as notify_send.
 */
int notify_status(int ready, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * How often to send "WATCHDOG=1", in milliseconds: half the $WATCHDOG_USEC
 * systemd sets with WatchdogSec= (at least 1), or 0 when there is no
 * watchdog (unset, not a positive number, or $WATCHDOG_PID naming another
 * process).  Cannot fail.
 */
long notify_watchdog_ms(void);

#endif
