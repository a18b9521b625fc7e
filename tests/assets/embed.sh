#!/bin/sh
# embed.sh SOURCE_DIR: cmake/ui_assets.cmake embeds what it should and
# refuses what it must: fonts, unknown extensions and unsafe names fail the
# build with a sentence naming the file; README, build.sh and dot-files are
# left out; each file gets its extension's type and its exact length.
set -eu
SCRIPT=$1/cmake/ui_assets.cmake
DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-embed-XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
fail() { echo "embed.sh: FAILED: $*" >&2; exit 1; }

embed() {	# embed ASSETS: run the script on ASSETS, output in $DIR/out.c, messages in $DIR/err
	cmake -DASSETS_DIR="$1" -DOUT="$DIR/out.c" -P "$SCRIPT" >"$DIR/err" 2>&1
}

# What is embedded, and as what.
A=$DIR/ok
mkdir -p "$A/sub"
printf 'body{}' > "$A/sub/x.css"
: > "$A/empty.js"
printf '<p>' > "$A/page.html"
printf '\211PNG' > "$A/i.png"
printf '<svg/>' > "$A/i.svg"
printf 'licence' > "$A/L.txt"
printf 'notes' > "$A/README"; printf 'notes' > "$A/sub/README"
printf '#!/bin/sh' > "$A/build.sh"; printf 'x' > "$A/.page.html.swp"
embed "$A" || { cat "$DIR/err"; fail "a good tree was refused"; }
grep '^	{ "' "$DIR/out.c" > "$DIR/table"
cat > "$DIR/want" <<'T'
	{ "L.txt", "text/plain; charset=utf-8", asset_0, 7 },
	{ "empty.js", "text/javascript", asset_1, 0 },
	{ "i.png", "image/png", asset_2, 4 },
	{ "i.svg", "image/svg+xml", asset_3, 6 },
	{ "page.html", "text/html; charset=utf-8", asset_4, 3 },
	{ "sub/x.css", "text/css", asset_5, 6 },
T
diff -u "$DIR/want" "$DIR/table" || fail "the table is not the one expected"
grep -q '0x62,0x6f,0x64,0x79,0x7b,0x7d,0x00' "$DIR/out.c" || fail "sub/x.css's bytes"
cc -std=c17 -Wall -Wextra -Werror -Wmissing-prototypes -I"$1" -c "$DIR/out.c" \
	-o "$DIR/out.o" || fail "the generated C does not compile"

# What is refused, each with a sentence that names the file.
refused() {	# refused NAME WORDS: a tree holding NAME is refused, saying WORDS
	rm -rf "$DIR/bad"; mkdir -p "$DIR/bad/fonts"
	printf 'x' > "$DIR/bad/$1"
	if embed "$DIR/bad"; then fail "$1 was embedded"; fi
	grep -q "$2" "$DIR/err" || { cat "$DIR/err"; fail "$1: no \"$2\""; }
	grep -qF "$1" "$DIR/err" || { cat "$DIR/err"; fail "$1: not named"; }
}
for f in fonts/bold.woff2 fonts/bold.woff fonts/x.ttf fonts/x.otf fonts/x.eot; do
	refused "$f" "fonts are not embedded"
done
refused x.exe "no known type"
refused noextension "no known type"
refused 'a b.css' "a file name may hold only"
refused 'q"uote.css' "a file name may hold only"
echo "embed.sh: ok"
