/* cmd_keygen.c: `isa keygen --out DIR`: a user's CURVE key pair. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/cli.h"
#include "client/commands.h"
#include "common/err.h"
#include "common/paths.h"
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

int
cmd_keygen(int argc, char **argv)
{
	char pub[KEYFILE_Z85_LEN + 1], sec[KEYFILE_Z85_LEN + 1];
	char *keypath = NULL, *pubpath = NULL;
	const char *dir = NULL;
	struct stat st;
	int rc, code = EXIT_ERROR;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			cli_error("unknown argument \"%s\"", argv[i]);
			dir = NULL;
			break;
		}
	}
	if (dir == NULL) {
		fprintf(stderr, "usage: isa keygen --out DIR\n");
		return EXIT_USAGE;
	}
	if (mkdirs(dir) != 0) {
		cli_error("cannot create %s: %s", dir, strerror(errno));
		return EXIT_ERROR;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_error("%s is not a directory", dir);
		return EXIT_ERROR;
	}
	if (paths_join(dir, "user.key", &keypath) != 0 ||
	    paths_join(dir, "user.pub", &pubpath) != 0) {
		cli_error("out of memory");
		goto out;
	}
	if (stat(keypath, &st) == 0 || stat(pubpath, &st) == 0) {
		cli_error("%s already holds a key: refusing to overwrite it",
		    dir);
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
	printf("secret key: %s (mode 0600; keep it, name it as key_file in "
	    "client.conf)\n", keypath);
	printf("public key: %s (give it to the operator to enrol you)\n",
	    pubpath);
	printf("%s\n", pub);
	code = EXIT_OK;
out:
	free(keypath);
	free(pubpath);
	return code;
}
