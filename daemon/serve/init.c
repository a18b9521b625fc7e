/* init.c: `isad init`: the data dir, the server key pair, the master key and the audit signing key. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/keys.h"
#include "daemon/keys/passphrase.h"
#include "daemon/serve/init.h"
#include "daemon/store/datadir.h"
#include "proto/keyfile.h"

/* The master key (KEK), wrapped by the passphrase if one is configured. */
static int
init_master_key(const isad_config_t *cfg)
{
	char err[512], pass[PASSPHRASE_MAX];
	size_t plen = 0;
	int rc;

	if (crypto_init() != 0) {
		log_warnx("cannot initialise libgcrypt");
		return -1;
	}
	rc = passphrase_get(cfg->passphrase_file, pass, &plen, err,
	    sizeof(err));
	if (rc == 0)
		rc = keys_master_create(cfg->master_key, plen ? pass : NULL,
		    plen, err, sizeof(err));
	isa_wipe(pass, sizeof(pass));
	if (rc != 0) {
		log_warnx("%s", err);
		return -1;
	}
	printf("master key written to %s (mode 0600%s)\n", cfg->master_key,
	    plen ? ", wrapped by the passphrase" : "");
	return 0;
}

/* The Ed25519 key that signs audit checkpoints: audit.key (0600) and the
 * public half auditors get out of band, audit.pub.pem (0644). */
static int
init_audit_key(const isad_config_t *cfg)
{
	char *priv = NULL, *pub = NULL;
	const char *failed;
	bool secure;
	int rc = -1;

	if (datadir_path(cfg->data_dir, "audit.key", &priv) != 0 ||
	    datadir_path(cfg->data_dir, "audit.pub.pem", &pub) != 0)
		fatalx("out of memory");
	/* The key holder makes it, in OpenSSL's secure heap where possible,
	 * and writes both halves; isad never sees the private one. */
	if (keys_signing_create(priv, pub, &secure, &failed) != 0) {
		if (!secure)
			log_warnx("no secure heap for the audit signing key");
		if (failed == NULL)
			log_warnx("cannot generate the audit signing key");
		else
			log_warn("cannot write %s", failed);
		goto out;
	}
	if (!secure)
		log_warnx("no secure heap for the audit signing key");
	printf("audit signing key written to %s (mode 0600)\n", priv);
	printf("audit public key for auditors: %s\n", pub);
	rc = 0;
out:
	free(priv);
	free(pub);
	return rc;
}

int
init_run(const isad_config_t *cfg)
{
	char pub[KEYFILE_Z85_LEN + 1], sec[KEYFILE_Z85_LEN + 1], err[512];
	char *path = NULL;
	int rc;

	if (datadir_create(cfg->data_dir, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (datadir_path(cfg->data_dir, "server.key", &path) != 0)
		fatalx("out of memory");
	if (keyfile_generate(pub, sec) != 0)
		fatalx("cannot generate the server key pair");
	rc = keyfile_write(path, pub, sec);
	isa_wipe(sec, sizeof(sec));
	if (rc != 0) {
		log_warn("cannot write %s", path);
		free(path);
		return 1;
	}
	if (init_master_key(cfg) != 0 || init_audit_key(cfg) != 0) {
		free(path);
		return 1;
	}
	printf("data dir %s ready (mode 0700)\n", cfg->data_dir);
	printf("server key pair written to %s (mode 0600)\n", path);
	printf("server public key: put it in every client.conf as "
	    "server_key:\n%s\n", pub);
	free(path);
	return 0;
}
