#!/bin/sh
# manpages.sh: every man page renders without a groff warning, and isad(8)
# and isad.conf(5) name every option and setting the code has.
# Usage: manpages.sh SOURCE_DIR ISAD_BIN.  Exit 77 (skipped) without man or groff.
set -u
src=$1 isad=$2
command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1 ||
    { echo "man or groff is not installed: skipped"; exit 77; }
fail=0
err=$(mktemp) || exit 1
trap 'rm -f "$err"' EXIT
for page in client/isa.1 daemon/isad.8 daemon/isad.conf.5 policy/policy.conf.5; do
	MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$src/$page" \
	    >/dev/null 2>"$err" || { echo "$page: man failed" >&2; fail=1; }
	if [ -s "$err" ]; then
		echo "$page: renders with warnings:" >&2
		cat "$err" >&2
		fail=1
	fi
	grep -Eq '^\.(SH|Sh) EXAMPLES$' "$src/$page" ||
	    { echo "$page: no EXAMPLES section" >&2; fail=1; }
done
# isad(8): every option and subcommand of `isad --help`, and the sections.
page=$(sed 's/\\-/-/g' "$src/daemon/isad.8")
for word in $("$isad" --help | grep -oE -- '--[a-z][a-z-]*|^(usage:)? *isad [a-z][a-z-]*' |
    sed 's/^.*isad //' | sort -u) --version; do
	printf '%s\n' "$page" | grep -qE -- "(^|[^a-z-])$word([^a-z-]|\$)" ||
	    { echo "isad.8: $word is not described" >&2; fail=1; }
done
for section in OPTIONS FILES ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	printf '%s\n' "$page" | grep -q "^\.SH $section\$" ||
	    { echo "isad.8: no $section section" >&2; fail=1; }
done
# isad.conf(5): every setting daemon/ctx/config.c accepts, named before
# the examples (which do not count).
desc=$(sed -e '/^\.SH FILES/,$d' -e 's/\\-/-/g' "$src/daemon/isad.conf.5")
for name in $(sed -n '/_names\[\] = {/,/NULL };/p' "$src/daemon/ctx/config.c" |
    grep -oE '"[a-z_]+"' | tr -d '"' | sort -u); do
	printf '%s\n' "$desc" | grep -qE "(^|[^a-z_])$name([^a-z_]|\$)" ||
	    { echo "isad.conf.5: setting $name is not described" >&2; fail=1; }
done
exit $fail
