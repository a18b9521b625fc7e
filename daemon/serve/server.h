/* server.h: isad serving: the ROUTER loop, signals, reloads. */
#ifndef ISA_DAEMON_SERVER_H
#define ISA_DAEMON_SERVER_H

#include "daemon/ctx/config.h"

/*
 * Serve until SIGTERM or SIGINT: lock the data dir, load the server key and
 * the policy, start the ZAP handler, bind cfg->listen with CURVE, tell a
 * supervisor it is ready, answer requests; SIGHUP reloads the policy
 * atomically (a bad file is refused with file:line, the old one stays).
 * Returns the process exit status: 0 after a clean stop, 1 when it could not
 * start (the reason logged as one line).
 */
int server_run(const isad_config_t *cfg);

#endif
