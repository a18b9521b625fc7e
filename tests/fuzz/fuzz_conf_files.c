/* fuzz_conf_files.c: libFuzzer target for the file loaders: isad.conf, client.conf and key files, each reading the input as its file. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/conf.h"
#include "daemon/ctx/config.h"
#include "proto/keyfile.h"
#include "input_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5 (Debian 12) leaks scanner tokens on some syntax errors
 * (hyperrealm/libconfig#142, fixed in 1.7), as fuzz_policy_load says: its
 * bug, not the loaders'.  Every other leak still fails the run. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\n"
	    "leak:libconfig_yylex\n";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = input_file(data, size);
	char err[512], pub[KEYFILE_Z85_LEN + 1], sec[KEYFILE_Z85_LEN + 1];
	isad_config_t cfg;
	client_conf_t conf;

	memset(&cfg, 0, sizeof(cfg));
	if (isad_config_load(path, &cfg, err, sizeof(err)) == 0)
		isad_config_free(&cfg);
	memset(&conf, 0, sizeof(conf));
	if (client_conf_load(path, &conf, err, sizeof(err)) == 0)
		client_conf_free(&conf);
	(void)keyfile_read(path, pub, sec, err, sizeof(err));
	(void)keyfile_read(path, pub, NULL, err, sizeof(err));
	return 0;
}
