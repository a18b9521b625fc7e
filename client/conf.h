/* conf.h: client.conf, read with libconfig (DESIGN §11). */
#ifndef ISA_CLIENT_CONF_H
#define ISA_CLIENT_CONF_H

#include <stddef.h>

typedef struct {
	char *path;		/* the file read */
	char *server;		/* ZeroMQ endpoint of isad */
	char *server_key;	/* Z85 public key of isad */
	char *key_file;		/* resolved against the file's directory */
	int timeout_ms;		/* how long to wait for isad (default 5000) */
} client_conf_t;

/*
 * Find client.conf: explicit (from --config) if not NULL, else $ISA_CONFIG,
 * else ~/.config/isa/client.conf; read and check it into *conf.  Unknown
 * settings and a malformed server_key are errors.  On failure err holds
 * "FILE:LINE: fault" (or which file was looked for) and ISA_ERR_NOTFOUND,
 * ISA_ERR_IO or ISA_ERR_CONFIG is returned.
 */
__attribute__((warn_unused_result))
int client_conf_load(const char *explicit, client_conf_t *conf, char *err,
    size_t errlen);

/* Free what client_conf_load allocated; safe on a zeroed conf. */
void client_conf_free(client_conf_t *conf);

#endif
