/* conn_util.c: integration tests that drive the client library directly: one connection to isad as a user of the harness. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conn_util.h"

void
t_connect(harness_t *h, const char *user, tconn_t *t)
{
	char err[512];

	memset(t, 0, sizeof(*t));
	if (client_conf_load(h_client_conf(h, user), &t->conf, err,
	    sizeof(err)) != 0 || isa_conn_open(&t->conf, &t->c, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
}

void
t_close(tconn_t *t)
{
	isa_conn_close(t->c);
	client_conf_free(&t->conf);
}
