/* cli_json.c: isa's --json output, made with jansson (DESIGN §10): valid JSON whatever the text, ASCII on the terminal. */
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "common/utf8.h"

json_t *
cli_jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), o = 0;
	char *clean;
	json_t *v;

	/* At most 3 bytes (U+FFFD) for each byte that is not UTF-8. */
	if ((clean = malloc(3 * n + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		int k = utf8_next(p + i, n - i, &c);

		if (k < 0) {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(clean + o, p + i, (size_t)k);
		o += (size_t)k;
		i += (size_t)k;
	}
	v = json_stringn(clean, o);
	free(clean);
	return v;
}

json_t *
cli_json_fields(const void *msg, const cli_field_t *f, size_t n,
    bool skip_empty)
{
	json_t *obj = json_object();

	for (size_t i = 0; obj != NULL && i < n; i++) {
		const char *v = *(char *const *)(const void *)
		    ((const char *)msg + f[i].off);

		if (i > 0 && skip_empty && (v == NULL || v[0] == '\0'))
			continue;
		cli_jset(obj, f[i].name, cli_jstr(v));
	}
	return obj;
}

json_t *
cli_jlist(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, cli_jstr(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Set when a member could not be made or added (out of memory), per
 * thread (isa ui answers requests in several): cli_json_print, which reads
 * and clears it, then says so rather than print less than it should. */
static _Thread_local bool json_failed;

bool
cli_json_failed(void)
{
	bool failed = json_failed;

	json_failed = false;
	return failed;
}

void
cli_jset(json_t *obj, const char *key, json_t *v)
{
	if (obj == NULL) {
		json_decref(v);
		json_failed = true;
	} else if (v == NULL || json_object_set_new(obj, key, v) != 0)
		json_failed = true;	/* (set_new frees v on failure) */
}

int
cli_json_print(json_t *v)
{
	char *text;
	bool failed = cli_json_failed();

	if (v == NULL || failed ||
	    (text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII)) == NULL) {
		json_decref(v);
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	json_decref(v);
	puts(text);
	free(text);
	return EXIT_OK;
}
