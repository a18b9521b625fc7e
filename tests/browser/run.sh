#!/bin/sh
# run.sh TEST.py: one browser test file under Debian's python3 (the one
# python3-selenium installs into); skipped (77) with the reason when it is
# missing. harness.main() skips likewise when chromium, chromedriver or
# selenium is.
if [ ! -x /usr/bin/python3 ]; then
	echo "SKIP: /usr/bin/python3 is not installed (Debian: python3-selenium)"
	exit 77
fi
cd "$(dirname "$1")" && exec /usr/bin/python3 -B "$(basename "$1")"
