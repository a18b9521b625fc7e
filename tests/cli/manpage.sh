#!/bin/bash
# manpage.sh: isa(1) describes every option that each subcommand's --help
# names.  Usage: manpage.sh ISA_BIN client/isa.1
set -u
isa=$1
page=$(sed 's/\\-/-/g' "$2")
fail=0
# Every command isa --help lists (so a new one cannot be left out), and
# audit's own subcommands.
mapfile -t cmds < <("$isa" --help | sed -n 's/^  isa \([a-z-]*\) .*/\1/p')
[ ${#cmds[@]} -gt 5 ] || { echo "isa --help lists no commands" >&2; exit 1; }
for cmd in "${cmds[@]}" "audit checkpoint" "audit export" "audit verify"; do
	usage=$("$isa" $cmd --help) || { echo "isa $cmd --help failed"; fail=1; }
	for opt in $(grep -oE -- '(^|[^a-zA-Z])--?[a-z][a-z-]*' <<<"$usage" |
	    grep -oE -- '--?[a-z][a-z-]*' | sort -u); do
		grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" <<<"$page" || {
			echo "isa.1: isa $cmd $opt is not described" >&2
			fail=1
		}
	done
done
# ... and each command has its line in SYNOPSIS and its entry below.
for cmd in "${cmds[@]}"; do
	grep -qE "^\.B isa $cmd( |\$)" <<<"$page" ||
	    { echo "isa.1: isa $cmd is not in SYNOPSIS" >&2; fail=1; }
	grep -qE "^\.BI? \"?$cmd( |\"|\$)" <<<"$page" ||
	    { echo "isa.1: isa $cmd is not described" >&2; fail=1; }
done
for section in FILES ENVIRONMENT "EXIT STATUS" EXAMPLES; do
	grep -q "^\.SH $section\$" <<<"$page" ||
	    { echo "isa.1: no $section section" >&2; fail=1; }
done
exit $fail
