/* main.c: isad's command line: init, check, serve. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "daemon/ctx/config.h"
#include "daemon/keys/crypto.h"
#include "daemon/keys/keys.h"
#include "daemon/store/datadir.h"
#include "daemon/keys/passphrase.h"
#include "daemon/docs/rekey.h"
#include "daemon/serve/server.h"
#include "policy/policy.h"
#include "proto/keyfile.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: isad init  --config isad.conf   make the data dir and keys\n"
	    "       isad       --config isad.conf   serve (foreground)\n"
	    "       isad check --config isad.conf   validate isad.conf and "
	    "policy.conf, print a summary\n"
	    "       isad rekey --config isad.conf   (isad stopped) a new master "
	    "key; every data key rewrapped\n");
}

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

static int
cmd_init(const isad_config_t *cfg)
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

/* Print "; ROLE a, b" for the users of agency with role; returns how many. */
static int
print_role(const policy_t *p, const char *agency, unsigned role,
    const char *name)
{
	int first = 1;

	for (size_t i = 0; i < policy_user_count(p); i++) {
		policy_user_view_t v;

		policy_user_view(p, policy_user_at(p, i), 0, &v);
		if (!(v.roles & role) || strcmp(v.agency, agency) != 0)
			continue;
		printf("%s %s%s%s", first ? "" : ",", first ? name : "", first ?
		    " " : "", v.id);
		first = 0;
	}
	if (!first)
		printf(";");
	return !first;
}

static int
cmd_check(const isad_config_t *cfg)
{
	static const struct { unsigned bit; const char *name; } roles[] = {
		{ ROLE_ADMIN, "admin" }, { ROLE_CHAIR, "chair" },
		{ ROLE_AUDITOR, "auditor" }, { ROLE_APPROVER, "approver" },
	};
	char err[512];
	policy_t *p = NULL;
	size_t enabled = 0;

	if (policy_load(cfg->policy, &p, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	for (size_t i = 0; i < policy_user_count(p); i++) {
		policy_user_view_t v;

		policy_user_view(p, policy_user_at(p, i), clock_wall_s(), &v);
		enabled += v.enabled;
	}
	printf("%s: ok: listen %s, data dir %s, accreditation %s\n",
	    cfg->path, cfg->listen, cfg->data_dir, cfg->accreditation);
	printf("%s: ok: %zu agencies, %zu users (%zu enabled), %zu groups\n",
	    cfg->policy, policy_agency_count(p), policy_user_count(p), enabled,
	    policy_group_count(p));
	for (size_t a = 0; a < policy_agency_count(p); a++) {
		const char *id = policy_agency_id_at(p, a);

		int any = 0;

		printf("  %s (%s):", id, policy_agency_name_at(p, a));
		for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++)
			any += print_role(p, id, roles[r].bit, roles[r].name);
		printf("%s\n", any ? "" : " no admin, chair, auditor or "
		    "approver");
	}
	policy_unref(p);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = "serve", *conf = NULL;
	isad_config_t cfg;
	char err[512];
	int i = 1, status;

	log_init("isad", false);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("isad %s\n", ISA_VERSION);
		return 0;
	}
	if (argc > 1 && argv[1][0] != '-')
		cmd = argv[i++];
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "isad: unknown argument \"%s\"\n",
			    argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (conf == NULL) {
		fprintf(stderr, "isad: --config FILE is required\n");
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "init") != 0 && strcmp(cmd, "check") != 0 &&
	    strcmp(cmd, "serve") != 0 && strcmp(cmd, "rekey") != 0) {
		fprintf(stderr, "isad: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return 2;
	}
	if (isad_config_load(conf, &cfg, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (strcmp(cmd, "init") == 0)
		status = cmd_init(&cfg);
	else if (strcmp(cmd, "check") == 0)
		status = cmd_check(&cfg);
	else if (strcmp(cmd, "rekey") == 0)
		status = rekey_run(&cfg);
	else {
		log_init("isad", true);
		status = server_run(&cfg);
	}
	isad_config_free(&cfg);
	return status;
}
