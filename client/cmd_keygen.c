/* cmd_keygen.c: `isa keygen --out DIR`: a user's CURVE key pair. */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/cli.h"
#include "client/commands.h"
#include "common/err.h"
#include "common/paths.h"
#include "common/secfile.h"
#include "common/wipe.h"
#include "proto/keyfile.h"

/* mkdir -p, each directory it creates mode 0700. */
static int
mkdirs(const char *dir)
{
	char path[4096];

	if (strlen(dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(path, dir);
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * The client.conf skeleton beside the key: key_file names it (relative:
 * read beside client.conf, so the directory may move), server and
 * server_key are the operator's to give (`isad client-config USER`).  It
 * holds no secret, but is made 0600 like the key it names: the operator's
 * lines land in it, and nobody else needs to read it.  libconfig's own
 * writer quotes the path; no shell sees any of it.
 */
static int
write_conf(const char *path, const char *keypath)
{
	config_t cf;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int rc = ISA_ERR_NOMEM;

	config_init(&cf);
	if (config_setting_set_string(config_setting_add(config_root_setting(
	    &cf), "key_file", CONFIG_TYPE_STRING), keypath) != CONFIG_TRUE ||
	    (mem = open_memstream(&text, &len)) == NULL) {
		config_destroy(&cf);
		return ISA_ERR_NOMEM;
	}
	fputs("# client.conf for isa (isa(1)), written by isa "
	    "keygen.\n"
	    "# Your operator gives you the two settings below (isad "
	    "client-config USER):\n"
	    "# uncomment them and fill them in.\n"
	    "#server = \"tcp://isa.example.org:7450\";\n"
	    "#server_key = \"the server's public key (40 characters)\";\n",
	    mem);
	config_write(&cf, mem);
	if (fclose(mem) == 0 && text != NULL)
		rc = secfile_create(path, 0600, text, len);
	free(text);
	config_destroy(&cf);
	return rc;
}

int
cmd_keygen(int argc, char **argv)
{
	char pub[KEYFILE_Z85_LEN + 1], sec[KEYFILE_Z85_LEN + 1];
	char *keypath = NULL, *pubpath = NULL, *confpath = NULL;
	const char *dir = NULL;
	struct stat st;
	int rc, code = EXIT_ERROR;

	static const char usage[] = "isa keygen --out DIR [--json]";
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, CLI_OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int c;

	optind = 0;
	while ((c = cli_getopt(argc, argv, "o:", lo, usage)) != -1) {
		if (c == CLI_HELP)
			return EXIT_OK;
		if (c == CLI_BAD)
			return EXIT_USAGE;
		if (c == 'o')
			dir = optarg;
		else
			json = true;
	}
	if (optind < argc) {
		cli_error("keygen: unexpected argument \"%s\"", argv[optind]);
		return cli_usage(usage);
	}
	if (dir == NULL)
		return cli_usage(usage);
	if (mkdirs(dir) != 0) {
		cli_error("cannot create %s: %s", dir, strerror(errno));
		return EXIT_ERROR;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_error("%s is not a directory", dir);
		return EXIT_ERROR;
	}
	if (paths_join(dir, "user.key", &keypath) != 0 ||
	    paths_join(dir, "user.pub", &pubpath) != 0 ||
	    paths_join(dir, "client.conf", &confpath) != 0) {
		cli_error("out of memory");
		goto out;
	}
	if (stat(keypath, &st) == 0 || stat(pubpath, &st) == 0) {
		cli_error("%s already holds a key: refusing to overwrite it",
		    dir);
		goto out;
	}
	if (lstat(confpath, &st) == 0) {
		cli_error("%s already exists: refusing to overwrite it; move it "
		    "away, or give another --out", confpath);
		goto out;
	}
	if (keyfile_generate(pub, sec) != 0) {
		cli_error("cannot generate a key pair");
		goto out;
	}
	rc = keyfile_write(keypath, pub, sec);
	isa_wipe(sec, sizeof(sec));
	if (rc == 0)
		rc = keyfile_write(pubpath, pub, NULL);
	if (rc != 0) {
		cli_error("cannot write the key files in %s: %s", dir,
		    rc == ISA_ERR_EXISTS ? "a key is already there" :
		    strerror(errno));
		goto out;
	}
	if ((rc = write_conf(confpath, "user.key")) != 0) {
		cli_error("cannot write %s: %s", confpath, rc == ISA_ERR_EXISTS ?
		    "it appeared meanwhile" : strerror(errno));
		goto out;
	}
	if (json) {
		json_t *j = json_object();

		cli_jset(j, "public_key", cli_jstr(pub));
		cli_jset(j, "key_file", cli_jstr(keypath));
		cli_jset(j, "public_key_file", cli_jstr(pubpath));
		cli_jset(j, "client_conf", cli_jstr(confpath));
		code = cli_json_print(j);
		goto out;
	}
	printf("secret key: %s (mode 0600; keep it, name it as key_file in "
	    "client.conf)\n", keypath);
	printf("public key: %s (give it to the operator to enrol you)\n",
	    pubpath);
	printf("client.conf: %s (the operator gives you its server and "
	    "server_key)\n", confpath);
	printf("%s\n", pub);
	code = EXIT_OK;
out:
	free(keypath);
	free(pubpath);
	free(confpath);
	return code;
}
