/* clientconf.c: `isad client-config USER`: the client.conf an operator hands to an enrolled user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/serve/clientconf.h"
#include "daemon/store/datadir.h"
#include "policy/policy.h"
#include "proto/keyfile.h"

/* Whether endpoint names an address a client can dial (not a wildcard),
 * and can stand in a libconfig string as it is. */
static bool
dialable(const char *endpoint)
{
	static const char *const wild[] = { "://*:", "://0.0.0.0:",
	    "://[::]:", "://::" };
	const char *host = strstr(endpoint, "://");

	if (host == NULL || strncmp(endpoint, "tcp://", 6) != 0)
		return false;
	for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++)
		if (strstr(endpoint, wild[i]) == endpoint + (host - endpoint))
			return false;
	for (const char *c = endpoint; *c != '\0'; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
			return false;
	return true;
}

/* The user, enabled, in cfg's policy; fills *v.  0 or -1 (said why). */
static int
find_user(const isad_config_t *cfg, const char *user, policy_t **p,
    policy_user_view_t *v)
{
	const policy_user_t *u;
	char err[512];

	if (policy_load(cfg->policy, p, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return -1;
	}
	if ((u = policy_user_by_id(*p, user)) == NULL) {
		log_warnx("no user \"%s\" in %s: enrol them there (isa keygen "
		    "gives their public key) and reload isad first", user,
		    cfg->policy);
		return -1;
	}
	policy_user_view(*p, u, clock_wall_s(), v);
	if (!v->enabled) {
		log_warnx("user \"%s\" is disabled in %s: enable them before "
		    "handing out a client.conf", user, cfg->policy);
		return -1;
	}
	return 0;
}

int
clientconf_run(const isad_config_t *cfg, const char *user)
{
	char pub[KEYFILE_Z85_LEN + 1], err[512];
	const char *endpoint = cfg->public_endpoint != NULL ?
	    cfg->public_endpoint : cfg->listen;
	policy_user_view_t v;
	policy_t *p = NULL;
	char *path = NULL;
	int rc = 1;

	if (find_user(cfg, user, &p, &v) != 0)
		goto out;
	if (!dialable(endpoint)) {
		log_warnx("%s %s is not an address clients can dial: set "
		    "public_endpoint in %s (e.g. \"tcp://isa.example.org:7450\")",
		    cfg->public_endpoint != NULL ? "public_endpoint" : "listen",
		    endpoint, cfg->path);
		goto out;
	}
	if (datadir_path(cfg->data_dir, "server.key", &path) != 0)
		fatalx("out of memory");
	/* The public half only: the secret line is not read into pub. */
	if (keyfile_read(path, pub, NULL, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		goto out;
	}
	printf("# client.conf for %s (%s), from isad client-config.\n"
	    "# Save it as client.conf beside the key `isa keygen` wrote.\n"
	    "server     = \"%s\";\n"
	    "server_key = \"%s\";\n"
	    "key_file   = \"user.key\";    # relative to this file\n",
	    v.id, v.agency, endpoint, pub);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	free(path);
	policy_unref(p);
	return rc;
}
