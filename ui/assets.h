/* assets.h: the files isa ui serves (its pages, scripts and styles), built into the binary. */
#ifndef ISA_UI_ASSETS_H
#define ISA_UI_ASSETS_H

#include <stddef.h>

typedef struct {
	const char *path;		/* under ui/assets/, e.g. "page.html" */
	const char *type;		/* its Content-Type */
	const unsigned char *data;
	size_t len;
} ui_asset_t;

/* The asset at path, or NULL. */
const ui_asset_t *ui_asset_find(const char *path);

#endif
