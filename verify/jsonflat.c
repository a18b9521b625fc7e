/* jsonflat.c: the flat JSON objects of an audit export's lines, parsed to say what is wrong with one. */
#define _GNU_SOURCE	/* strndup */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "verify/jsonflat.h"

void
jsonflat_free(jsonflat_field_t *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].val);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON string at *p (after its opening quote) into a new string. */
static char *
jstring(const char **p)
{
	const char *s = *p;
	size_t cap = strlen(s) + 1, n = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	for (; *s != '"'; s++) {
		unsigned v = 0;

		if (*s == '\0' || (unsigned char)*s < 0x20)
			goto bad;
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case '"': case '\\': case '/': out[n++] = *s; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'u':
			for (int i = 1; i <= 4; i++) {
				int h = hexval(s[i]);

				if (h < 0)
					goto bad;
				v = v << 4 | (unsigned)h;
			}
			s += 4;
			/* Only what auditfmt writes: control characters. */
			if (v >= 0x80 || v == 0)
				goto bad;
			out[n++] = (char)v;
			break;
		default:
			goto bad;
		}
	}
	out[n] = '\0';
	*p = s + 1;
	return out;
bad:
	free(out);
	return NULL;
}

int
jsonflat_parse(const char *line, jsonflat_field_t *f, size_t *n)
{
	const char *p = line;

	*n = 0;
	if (*p++ != '{')
		return ISA_ERR_PARSE;
	while (*p != '}') {
		const char *k;
		size_t kl;

		if (*n == JSONFLAT_MAX || (*n > 0 && *p++ != ',') || *p++ != '"')
			goto bad;
		k = p;
		while (*p != '"' && *p != '\0' && *p != '\\')
			p++;
		kl = (size_t)(p - k);
		if (*p++ != '"' || kl == 0 || kl >= sizeof(f[0].key) ||
		    *p++ != ':')
			goto bad;
		memcpy(f[*n].key, k, kl);
		f[*n].key[kl] = '\0';
		if (*p == '"') {
			p++;
			if ((f[*n].val = jstring(&p)) == NULL)
				goto bad;
		} else {
			const char *d = p;

			while (*p >= '0' && *p <= '9')
				p++;
			if (p == d || p - d > 20 || (d[0] == '0' && p - d > 1))
				goto bad;
			if ((f[*n].val = strndup(d, (size_t)(p - d))) == NULL)
				goto bad;
		}
		(*n)++;
	}
	if (p[1] != '\0')
		goto bad;
	return 0;
bad:
	jsonflat_free(f, *n);
	*n = 0;
	return ISA_ERR_PARSE;
}

const char *
jsonflat_get(const jsonflat_field_t *f, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return f[i].val;
	return NULL;
}

