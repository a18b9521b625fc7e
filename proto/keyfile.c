/* keyfile.c: CURVE key files: generating, writing (secret 0600) and strictly reading them. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "common/err.h"
#include "common/secfile.h"
#include "common/wipe.h"
#include "proto/keyfile.h"

#define KEYFILE_MAX 4096	/* a key file is a few lines: refuse more */

int
keyfile_generate(char *pub, char *sec)
{
	if (zmq_curve_keypair(pub, sec) != 0)
		return ISA_ERR_CRYPTO;
	return 0;
}

int
keyfile_z85_valid(const char *s)
{
	uint8_t raw[32];
	int ok;

	if (strlen(s) != KEYFILE_Z85_LEN)
		return 0;
	ok = zmq_z85_decode(raw, s) != NULL;
	isa_wipe(raw, sizeof(raw));
	return ok;
}

int
keyfile_write(const char *path, const char *pub, const char *sec)
{
	char buf[256];
	int n, rc;

	if (sec != NULL)
		n = snprintf(buf, sizeof(buf), "# isa CURVE key pair (Z85). "
		    "Secret: keep this file mode 0600.\npublic-key = \"%s\";\n"
		    "secret-key = \"%s\";\n", pub, sec);
	else
		n = snprintf(buf, sizeof(buf), "# isa CURVE public key (Z85)."
		    "\npublic-key = \"%s\";\n", pub);
	rc = secfile_create(path, sec != NULL ? 0600 : 0644, buf, (size_t)n);
	isa_wipe(buf, sizeof(buf));
	return rc;
}

/* Match `name = "VALUE";` (the semicolon optional) at line; copy VALUE. */
static int
parse_line(const char *line, const char *name, char *value)
{
	size_t nl = strlen(name);
	const char *p = line, *q;

	if (strncmp(p, name, nl) != 0)
		return 0;
	p += nl;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '=')
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '"')
		return -1;
	q = strchr(p, '"');
	if (q == NULL || q - p != KEYFILE_Z85_LEN)
		return -1;
	memcpy(value, p, KEYFILE_Z85_LEN);
	value[KEYFILE_Z85_LEN] = '\0';
	for (q++; *q == ' ' || *q == '\t' || *q == ';'; q++)
		;
	if (*q != '\0' && *q != '#')
		return -1;
	return keyfile_z85_valid(value) ? 1 : -1;
}

int
keyfile_read(const char *path, char *pub, char *sec, char *err,
    size_t errlen)
{
	char buf[KEYFILE_MAX], derived[KEYFILE_Z85_LEN + 1];
	char *line, *save = NULL;
	size_t len;
	int rc, lineno = 0, have_pub = 0, have_sec = 0;

	pub[0] = '\0';
	if (sec != NULL)
		sec[0] = '\0';
	rc = secfile_read(path, "key file", "secret key file", sec != NULL, buf,
	    sizeof(buf), &len, err, errlen);
	if (rc != 0)
		goto out;
	rc = ISA_ERR_PARSE;
	/* strtok_r skips empty lines, so count them from the buffer. */
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		int r;

		lineno = 1;
		for (const char *c = buf; c < line; c++)
			lineno += *c == '\n' || *c == '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#' || *line == '\r')
			continue;
		if ((r = parse_line(line, "public-key", pub)) == 1 &&
		    !have_pub) {
			have_pub = 1;
			continue;
		}
		if (r == 0 && (r = parse_line(line, "secret-key",
		    derived)) == 1 && !have_sec) {
			have_sec = 1;
			if (sec != NULL)
				memcpy(sec, derived, sizeof(derived));
			isa_wipe(derived, sizeof(derived));
			continue;
		}
		snprintf(err, errlen, "%s:%d: expected public-key = \"...\"; "
		    "or secret-key = \"...\"; with a 40-character Z85 key, "
		    "once each", path, lineno);
		goto out;
	}
	if (!have_pub || (sec != NULL && !have_sec)) {
		snprintf(err, errlen, "%s: no %s key in this file", path,
		    have_pub ? "secret" : "public");
		goto out;
	}
	if (sec != NULL) {
		if (zmq_curve_public(derived, sec) != 0 ||
		    !isa_ct_equal(derived, pub, KEYFILE_Z85_LEN)) {
			snprintf(err, errlen, "%s: the public key does not "
			    "belong to the secret key", path);
			goto out;
		}
	}
	rc = 0;
out:
	isa_wipe(buf, sizeof(buf));
	isa_wipe(derived, sizeof(derived));
	if (rc != 0) {
		isa_wipe(pub, KEYFILE_Z85_LEN + 1);
		if (sec != NULL)
			isa_wipe(sec, KEYFILE_Z85_LEN + 1);
	}
	return rc;
}
