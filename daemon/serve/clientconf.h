/* clientconf.h: `isad client-config USER`: the client.conf an operator hands to an enrolled user. */
#ifndef ISA_DAEMON_CLIENTCONF_H
#define ISA_DAEMON_CLIENTCONF_H

#include "daemon/ctx/config.h"

/*
 * Print on stdout the client.conf for user (an enabled user of cfg's
 * policy.conf): server (public_endpoint, else listen when it names an
 * address clients can dial), server_key (the public half of the data dir's
 * server.key), and key_file "user.key", the name `isa keygen` gives the
 * user's key: saved as client.conf beside it, the file works as it is.
 * Nothing passes through a shell.  An unknown or disabled user, a wildcard
 * listen with no public_endpoint, or an unreadable server.key is one line
 * on stderr.  Returns the exit status: 0, or 1.
 */
int clientconf_run(const isad_config_t *cfg, const char *user);

#endif
