#!/bin/bash
# completion.sh: etc/bash-completion/isa completes isa's subcommands and
# each one's options, in step with what `isa CMD --help` says.
# Usage: completion.sh ISA_BIN COMPLETION_FILE
set -u
isa=$1
. "$2"
fail=0
say() { echo "completion: $*" >&2; fail=1; }

# Every command isa --help lists (so a new one cannot be left out), and
# audit's own subcommands.
mapfile -t cmds < <("$isa" --help | sed -n 's/^  isa \([a-z-]*\) .*/\1/p')
[ ${#cmds[@]} -gt 5 ] || { echo "isa --help lists no commands" >&2; exit 1; }
for cmd in "${cmds[@]}" "audit checkpoint" "audit export" "audit verify"; do
	key=${cmd/ /-}
	usage=$("$isa" $cmd --help) || say "isa $cmd --help failed"
	have=" $(_isa_opts "$key") "
	# every option isa's usage names is completed ...
	for opt in $(grep -oE -- '(^|[^a-zA-Z])--?[a-z][a-z-]*' <<<"$usage" |
	    grep -oE -- '--?[a-z][a-z-]*' | sort -u); do
		[[ $have == *" $opt "* ]] || say "isa $cmd: $opt not completed"
	done
	# ... and every option completed is one isa's usage names
	for opt in $have; do
		case $opt in --help | checkpoint | export | verify) continue ;; esac
		grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" <<<"$usage" ||
		    say "isa $cmd: $opt completed but not in its usage"
	done
done

complete_to() {	# words... : the replies for the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_isa
	echo " ${COMPREPLY[*]-} "
}
for cmd in "${cmds[@]}"; do
	[[ $(complete_to isa "") == *" $cmd "* ]] || say "isa: $cmd not completed"
done
[[ $(complete_to isa pu) == *" put "* ]] || say "isa pu: not put"
[[ $(complete_to isa di) == " directory " ]] || say "isa di: not directory"
[[ $(complete_to isa --ver) == *" --version "* ]] || say "isa --ver"
[[ $(complete_to isa put --ti) == " --title " ]] || say "isa put --ti"
[[ $(complete_to isa put f --class OFFICIAL-) == " OFFICIAL-SENSITIVE " ]] ||
    say "isa put --class OFFICIAL-"
[[ $(complete_to isa audit ve) == " verify " ]] || say "isa audit ve"
[[ $(complete_to isa audit verify f --k) == " --key " ]] ||
    say "isa audit verify --k"
[[ $(complete_to isa get ID --f) == " --force " ]] || say "isa get --f"
[[ $(complete_to isa share ID --title) == "  " ]] || say "isa share --title"
exit $fail
