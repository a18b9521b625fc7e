#!/bin/sh
# build.sh: rebuild govuk-frontend.min.css from the pinned npm packages.
# Run by hand, with network, when the pin changes; never by `make check`
# (CI has no npm). It writes the CSS next to itself and prints the sha256
# to record in README.
#
# GOV.UK Frontend's Sass is compiled with a system font stack and its
# @font-face off, so the CSS names no font file; the GOV.UK crest (the
# footer's copyright logo, Crown copyright, not ours) is replaced by "none"
# and its box hidden, so the CSS fetches nothing at all.
set -eu

GOVUK_VERSION=6.6.0
GOVUK_INTEGRITY=sha512-xctkWrQvLnvQt7fyjQ3MGX9S0wz0x0RQuLxCeoXF+s8EjGICG81/DYQGKN5qgO+0KVT12UAaRwUsGY6fulRcRg==
SASS_VERSION=1.108.2
SASS_INTEGRITY=sha512-kugK8djotnG9HQRPTOf36asKYlxg8rWWsNLYHOgWDIVOiZQqlRfKBgF4XXM6kfw146kIDMvm57B4GIkvDSyTzA==

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/isa-govuk-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$WORK"

# Exact versions, no install scripts; the registry's integrity for each pin
# must match the one written above (a re-published tarball fails here).
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
	"govuk-frontend@$GOVUK_VERSION" "sass@$SASS_VERSION" >/dev/null
check() {	# check NAME INTEGRITY: the installed tarball's integrity
	got=$(node -e 'const l=require("./package-lock.json");
		process.stdout.write(l.packages["node_modules/"+process.argv[1]].integrity)' "$1")
	[ "$got" = "$2" ] || { echo "build.sh: $1: integrity $got, pinned $2" >&2; exit 1; }
}
check govuk-frontend "$GOVUK_INTEGRITY"
check sass "$SASS_INTEGRITY"

# The image URL function lives in its own module: Sass wants every @use
# before any rule.
cat > _isa-urls.scss <<'SCSS'
// No GOV.UK image is fetched: every image URL becomes none.
@function no-image($filename) {
  @return none;
}
SCSS
cat > isa-govuk.scss <<'SCSS'
@use "sass:meta";
@use "isa-urls";
// GOV.UK's font for services off GOV.UK (Arial, else the system's sans);
// no @font-face, so no font file is named.
@use "node_modules/govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-image-url-function: meta.get-function("no-image", $module: "isa-urls")
);
// The crest's box, drawn in currentcolor under a mask that is now none,
// would be a solid block: hide it.
.govuk-footer__copyright-logo::before {
  display: none;
}
SCSS
npx --no-install sass --no-source-map --style=compressed --load-path=. \
	isa-govuk.scss govuk-frontend.min.css

# The CSS must fetch nothing: no url(), no @import, no @font-face.
if grep -Eq 'url\(|@import|@font-face' govuk-frontend.min.css; then
	grep -Eo '(url\([^)]*\)|@import[^;]*|@font-face)' govuk-frontend.min.css >&2
	echo "build.sh: the CSS would fetch something (above)" >&2
	exit 1
fi

cp govuk-frontend.min.css "$HERE/govuk-frontend.min.css"
cd "$HERE"
sha256sum govuk-frontend.min.css govuk-frontend-LICENCE.txt
