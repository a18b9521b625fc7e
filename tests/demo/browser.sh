#!/bin/sh
# browser.sh ISAD ISA [OUT]: the board's story again, in a browser
# (tests/browser/test_board.py: each user in their own `isa ui`, driven by
# Selenium through the pages alone), on its own throw-away deployment.
# With a display ($DISPLAY or $WAYLAND_DISPLAY) Chromium is visible and each
# step is held a moment so a person can follow it; without one it runs
# headless. Either way each step's screenshot is kept in OUT (default
# build/demo-browser) and its path printed. `make demo-browser` runs it;
# `make demo` offers to.
set -eu

ISAD=$(realpath "$1")
ISA=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${3:-$TOP/build/demo-browser}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
	ISA_BROWSER_HEADED=1
	ISA_BROWSER_PAUSE=${ISA_BROWSER_PAUSE:-1.5}
	echo "Replaying the board's story in a Chromium window: each user has their own tab."
else
	ISA_BROWSER_HEADED=0
	ISA_BROWSER_PAUSE=0
	echo "No display (\$DISPLAY, \$WAYLAND_DISPLAY): replaying the board's story in a headless Chromium."
fi
export ISA_BROWSER_HEADED ISA_BROWSER_PAUSE
export ISA_BIN="$ISA" ISAD_BIN="$ISAD" ISA_BROWSER_OUT="$OUT"

set +e
"$TOP/tests/browser/run.sh" "$TOP/tests/browser/test_board.py"
rc=$?
set -e
case $rc in
0) echo "demo-browser: OK" ;;
77) echo "demo-browser: not run: a prerequisite is missing (above)"; exit 0 ;;
*) echo "demo-browser: FAILED (exit $rc); logs in $OUT" >&2 ;;
esac
shots=$(find "$OUT" -maxdepth 1 -name '[0-9][0-9]-*.png' | sort)
if [ -n "$shots" ]; then
	echo "The screenshot of each step, in order, in $OUT:"
	echo "$shots" | sed "s|^$OUT/|  |"
fi
exit $rc
