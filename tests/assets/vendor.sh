#!/bin/sh
# vendor.sh SOURCE_DIR: the vendored npm files are the ones their READMEs
# pin (sha256), and the GOV.UK CSS fetches nothing (no url(), @import or
# @font-face: no crest, no font), so the page loads only what isa serves.
set -eu
cd "$1"
fail() { echo "vendor.sh: FAILED: $*" >&2; exit 1; }
for d in ui/assets/vendor tests/browser/vendor; do
	grep -qE '^[0-9a-f]{64}  ' "$d/README" || fail "$d/README lists no sha256"
	grep -E '^[0-9a-f]{64}  ' "$d/README" | (cd "$d" && sha256sum --quiet -c -) ||
		fail "$d: a file differs from its README's sha256 (rebuild with $d/build.sh and record the sums)"
done
CSS=ui/assets/vendor/govuk-frontend.min.css
if grep -Eo '(url\([^)]*\)|@import[^;]*|@font-face)' "$CSS"; then
	fail "$CSS would fetch the above"
fi
grep -q 'GDS Transport' "$CSS" && fail "$CSS names the GDS Transport font"
echo "vendor.sh: ok"
