/* assets_stub.c: a one-page placeholder for the embedded assets, until ui/assets/ is built into the binary. */
#include <string.h>

#include "ui/assets.h"

static const unsigned char page[] = "<!DOCTYPE html><html lang=\"en-GB\">"
    "<head><title>isa</title></head><body><main><h1>isa</h1>"
    "</main></body></html>";

static const ui_asset_t all[] = {
	{ "page.html", "text/html; charset=utf-8", page, sizeof(page) - 1 },
	{ "expired.html", "text/html; charset=utf-8", page, sizeof(page) - 1 },
	{ "notfound.html", "text/html; charset=utf-8", page, sizeof(page) - 1 },
};

const ui_asset_t *
ui_asset_find(const char *path)
{
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i].path, path) == 0)
			return &all[i];
	return NULL;
}
