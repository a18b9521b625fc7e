/* fuzz_ui_route.c: libFuzzer target for isa ui's request parsing: any method and path route without a fault, and what a route takes is within its bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT",
	    "DELETE", "OPTIONS" };
	ui_route_t r;
	uint64_t v;
	char *path;

	if (size == 0 || (path = malloc(size)) == NULL)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	ui_route(methods[data[0] % 6], path, &r);
	if (strlen(r.arg) > UI_ID_MAX)
		abort();
	/* No segment of an asset name starts with a dot (so no ".."). */
	if (r.kind == UI_R_ASSET && (strstr(r.arg, "/.") != NULL ||
	    r.arg[0] == '.' ||
	    r.arg[0] == '/' || r.arg[0] == '\0'))
		abort();
	if ((r.kind == UI_R_API_DOC || r.kind == UI_R_API_CONTENT) &&
	    (strchr(r.arg, '/') != NULL || r.arg[0] == '\0'))
		abort();
	if (r.post && r.kind != UI_R_METHOD && strcmp(methods[data[0] % 6],
	    "POST") != 0)
		abort();
	if (ui_query_u64(path, 0, &v) == 0 && path[0] != '\0' &&
	    strspn(path, "0123456789") != strlen(path))
		abort();
	free(path);
	return 0;
}
