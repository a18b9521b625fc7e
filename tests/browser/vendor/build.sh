#!/bin/sh
# build.sh: refresh the vendored axe-core (axe.min.js and its licences) from
# the pinned npm tarball. Run by hand, with network, when the pin changes;
# never by `make check` (CI has no npm). Prints the sha256 to record in
# README.
set -eu

AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/isa-axe-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$WORK"

npm pack --silent "axe-core@$AXE_VERSION" >/dev/null
TGZ=axe-core-$AXE_VERSION.tgz
got="sha512-$(openssl dgst -sha512 -binary "$TGZ" | base64 -w0)"
[ "$got" = "$AXE_INTEGRITY" ] || { echo "build.sh: $TGZ: integrity $got, pinned $AXE_INTEGRITY" >&2; exit 1; }
tar -xzf "$TGZ" package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt
cp package/axe.min.js "$HERE/axe.min.js"
cp package/LICENSE "$HERE/axe-core-LICENSE.txt"
cp package/LICENSE-3RD-PARTY.txt "$HERE/axe-core-LICENSE-3RD-PARTY.txt"
cd "$HERE"
sha256sum axe.min.js axe-core-LICENSE.txt axe-core-LICENSE-3RD-PARTY.txt
