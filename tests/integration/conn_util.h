/* conn_util.h: integration tests that drive the client library directly: one connection to isad as a user of the harness. */
#ifndef ISA_TEST_CONN_UTIL_H
#define ISA_TEST_CONN_UTIL_H

#include "client/conf.h"
#include "client/conn.h"
#include "harness.h"

/* One connection as user. */
typedef struct {
	client_conf_t conf;
	isa_conn_t *c;
} tconn_t;

/* Connect as user (with the harness's client.conf for them); fails the
 * test on any fault. */
void t_connect(harness_t *h, const char *user, tconn_t *t);

void t_close(tconn_t *t);

#endif
