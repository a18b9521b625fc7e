/* assets.h: the files of ui/assets/, embedded in the binary at build time (cmake/ui_assets.cmake). */
#ifndef ISA_UI_ASSETS_H
#define ISA_UI_ASSETS_H

#include <stddef.h>

/*
 * One embedded file.  path is its name under ui/assets/, without a leading
 * slash ("page.html", "vendor/govuk-frontend.min.css"); type its
 * Content-Type, from its extension ("text/css", "text/javascript",
 * "text/html; charset=utf-8", "image/svg+xml", "image/png",
 * "text/plain; charset=utf-8"); data its len bytes, followed by one NUL
 * that len does not count.  All of it is static and read-only.
 */
typedef struct {
	const char *path;
	const char *type;
	const unsigned char *data;
	size_t len;
} ui_asset_t;

/*
 * ui_asset_find: the embedded file named exactly path (compared byte for
 * byte: no normalisation, no "..", no leading "/"), or NULL when there is
 * none or path is NULL.  The result lives as long as the program.
 */
const ui_asset_t *ui_asset_find(const char *path);

#endif
