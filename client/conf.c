/* conf.c: client.conf, read with libconfig (DESIGN §11). */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/conf.h"
#include "common/conferr.h"
#include "common/err.h"
#include "common/paths.h"
#include "proto/keyfile.h"

static const char *const known[] = { "server", "server_key", "key_file",
    "timeout_ms", NULL };

static int
conf_string(config_t *cf, const char *path, const char *name, char **out,
    char *err, size_t errlen)
{
	config_setting_t *s = config_lookup(cf, name);

	if (s == NULL) {
		snprintf(err, errlen, "%s:1: missing required setting \"%s\"",
		    path, name);
		return ISA_ERR_CONFIG;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    config_setting_get_string(s)[0] == '\0') {
		snprintf(err, errlen, "%s:%d: \"%s\" must be a non-empty string",
		    path, config_setting_source_line(s), name);
		return ISA_ERR_CONFIG;
	}
	*out = strdup(config_setting_get_string(s));
	return *out != NULL ? 0 : ISA_ERR_NOMEM;
}

static int
conf_check(config_t *cf, client_conf_t *conf, char *err, size_t errlen)
{
	config_setting_t *root = config_root_setting(cf), *s;
	char *kf = NULL;
	int rc;

	for (int i = 0; i < config_setting_length(root); i++) {
		const char *const *k;

		s = config_setting_get_elem(root, (unsigned)i);
		for (k = known; *k != NULL; k++)
			if (strcmp(*k, config_setting_name(s)) == 0)
				break;
		if (*k == NULL) {
			snprintf(err, errlen, "%s:%d: unknown setting \"%s\"",
			    conf->path, config_setting_source_line(s),
			    config_setting_name(s));
			return ISA_ERR_CONFIG;
		}
	}
	if ((rc = conf_string(cf, conf->path, "server", &conf->server, err,
	    errlen)) != 0 ||
	    (rc = conf_string(cf, conf->path, "server_key", &conf->server_key,
	    err, errlen)) != 0 ||
	    (rc = conf_string(cf, conf->path, "key_file", &kf, err,
	    errlen)) != 0)
		goto out;
	if (!keyfile_z85_valid(conf->server_key)) {
		s = config_lookup(cf, "server_key");
		snprintf(err, errlen, "%s:%d: server_key is not a 40-character "
		    "Z85 key: copy the last line `isad init` printed",
		    conf->path, config_setting_source_line(s));
		rc = ISA_ERR_CONFIG;
		goto out;
	}
	if ((rc = paths_resolve(conf->path, kf, &conf->key_file)) != 0)
		goto out;
	conf->timeout_ms = 5000;
	if ((s = config_lookup(cf, "timeout_ms")) != NULL) {
		conf->timeout_ms = config_setting_get_int(s);
		if (config_setting_type(s) != CONFIG_TYPE_INT ||
		    conf->timeout_ms < 100 || conf->timeout_ms > 600000) {
			snprintf(err, errlen, "%s:%d: timeout_ms must be an "
			    "integer from 100 to 600000", conf->path,
			    config_setting_source_line(s));
			rc = ISA_ERR_CONFIG;
		}
	}
out:
	free(kf);
	return rc;
}

int
client_conf_load(const char *explicit, client_conf_t *conf, char *err,
    size_t errlen)
{
	const char *env = getenv("ISA_CONFIG"), *home = getenv("HOME"),
	    *xdg = getenv("XDG_CONFIG_HOME");
	config_t cf;
	FILE *f;
	int rc;

	memset(conf, 0, sizeof(*conf));
	if (explicit != NULL)
		conf->path = strdup(explicit);
	else if (env != NULL && env[0] != '\0')
		conf->path = strdup(env);
	else if (xdg != NULL && xdg[0] == '/')	/* (relative: ignored, as
						 * the XDG spec says) */
		rc = paths_join(xdg, "isa/client.conf", &conf->path);
	else if (home != NULL)
		rc = paths_join(home, ".config/isa/client.conf", &conf->path);
	if (conf->path == NULL) {
		snprintf(err, errlen, "no client.conf: give --config FILE or "
		    "set ISA_CONFIG");
		return ISA_ERR_NOTFOUND;
	}
	if ((f = fopen(conf->path, "r")) == NULL) {
		rc = errno == ENOENT ? ISA_ERR_NOTFOUND : ISA_ERR_IO;
		snprintf(err, errlen, "cannot read client config %s: %s%s",
		    conf->path, strerror(errno), rc == ISA_ERR_NOTFOUND ?
		    " (give --config FILE or set ISA_CONFIG)" : "");
		client_conf_free(conf);
		return rc;
	}
	config_init(&cf);
	if (config_read(&cf, f) != CONFIG_TRUE) {
		conferr_format(err, errlen, conf->path,
		    config_error_line(&cf), config_error_text(&cf));
		rc = ISA_ERR_CONFIG;
	} else
		rc = conf_check(&cf, conf, err, errlen);
	fclose(f);
	config_destroy(&cf);
	if (rc == ISA_ERR_NOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc != 0)
		client_conf_free(conf);
	return rc;
}

void
client_conf_free(client_conf_t *conf)
{
	free(conf->path);
	free(conf->server);
	free(conf->server_key);
	free(conf->key_file);
	memset(conf, 0, sizeof(*conf));
}
