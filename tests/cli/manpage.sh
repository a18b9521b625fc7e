#!/bin/bash
# manpage.sh: isa(1) describes every option that each subcommand's --help
# names.  Usage: manpage.sh ISA_BIN client/isa.1
set -u
isa=$1
page=$(sed 's/\\-/-/g' "$2")
fail=0
for cmd in keygen whoami put get ls info share requests approve refuse \
    recall inbox audit "audit checkpoint" "audit export" "audit verify" ui; do
	usage=$("$isa" $cmd --help) || { echo "isa $cmd --help failed"; fail=1; }
	for opt in $(grep -oE -- '(^|[^a-zA-Z])--?[a-z][a-z-]*' <<<"$usage" |
	    grep -oE -- '--?[a-z][a-z-]*' | sort -u); do
		grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" <<<"$page" || {
			echo "isa.1: isa $cmd $opt is not described" >&2
			fail=1
		}
	done
done
for section in FILES ENVIRONMENT "EXIT STATUS" EXAMPLES; do
	grep -q "^\.SH $section\$" <<<"$page" ||
	    { echo "isa.1: no $section section" >&2; fail=1; }
done
exit $fail
