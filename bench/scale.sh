#!/bin/sh
# bench/scale.sh BUILD_DIR [STEP...]: what a user's requests cost as the
# store grows (issue 19).  A filler user fills the store to each STEP
# documents (default: 1000 10000) through bench_load (one connection, not
# one process per document) with documents the measuring user may not
# see; the measuring user (an auditor) may read 100 of them.  At each step:
# the median of 5 runs of each request below (ms), the store's size per
# document, isad's start-up time and the put rate, each also as its ratio
# to the first step.  $RECORDS: audit records (whoami round trips) added
# at the last step (default 0; the issue's target is 10,000,000), and
# their size each.  audit --since asks for a recent window: what the runs
# themselves add, not the fill's hour.  $PUTS:
# how many of each step's documents go over one connection, for the put
# rate (default 500); $CONNS: connections at once for the rest (default 8).
set -eu
PUTS=${PUTS:-500}
CONNS=${CONNS:-8}
B=$(realpath "${1:-build/bench}")
[ $# -gt 0 ] && shift
STEPS=${*:-1000 10000}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/deploy.sh"
bench_workdir

. "$HERE/scaledeploy.sh"
scale_deploy

# The store's used bytes (LMDB's pages in use, as isad status counts them).
used() {
	"$B/isad" status --json --config isad.conf |
		sed -n 's/.*"used": *\([0-9]*\).*/\1/p' | head -n 1
}

# The median, in ms, of 5 runs of: isa ARGS as u.
median() {
	for _ in 1 2 3 4 5; do
		t0=$(date +%s%N)
		"$B/isa" "$@" --config u/client.conf > /dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000000))
	done | sort -n | sed -n 3p
}

start
"$B/bench/bench_load" f/client.conf docs 100 user:u seen > /dev/null
DOC=$("$B/isa" ls --json --config u/client.conf | head -n 1 | sed 's/.*"id":"\([A-Z2-7]*\)".*/\1/')
"$B/isa" share "$DOC" --to user:u --reason bench --config f/client.conf > /dev/null
have=100
printf '%-9s %8s %8s %8s %8s %8s %8s %8s %8s %10s %8s %9s\n' docs ls info inbox \
	requests "audit-d" "audit-u" "audit-s" whoami "bytes/doc" "start" "puts/s"
for step in $STEPS; do
	rate="-"
	if [ "$step" -gt "$have" ]; then
		# The put rate one user sees: $PUTS documents over one
		# connection; the rest over $CONNS at once (a fast fill).
		n=$((step - have)); p=$((n < PUTS ? n : PUTS))
		out=$("$B/bench/bench_load" f/client.conf docs $p user:f rate)
		rate=$(echo "$out" | sed -n 's/.*(\([0-9]*\)\/s)$/\1/p')
		[ $((n - p)) -gt 0 ] && "$B/bench/bench_load" -j "$CONNS" \
			f/client.conf docs $((n - p)) user:f fill >&2
		have=$step
	fi
	last=$(echo "$STEPS" | awk '{ print $NF }')
	if [ "$step" = "$last" ] && [ "${RECORDS:-0}" -gt 0 ]; then
		before=$(used)
		"$B/bench/bench_load" -j "$CONNS" f/client.conf records \
			"$RECORDS" >&2
		perrec=$((($(used) - before) / RECORDS))
	fi
	stop
	start
	# A recent window: only what the runs below add (the store's
	# history is older), as an auditor asks "since this morning".
	since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	row=$(printf '%s %s %s %s %s %s %s %s' \
		"$(median ls)" "$(median info "$DOC")" "$(median inbox)" \
		"$(median requests)" "$(median audit --doc "$DOC")" \
		"$(median audit --user u)" "$(median audit --since "$since")" \
		"$(median whoami)")
	size=$(used)
	printf '%-9s %8s %8s %8s %8s %8s %8s %8s %8s %10s %8s %9s\n' "$step" $row \
		$((size / step)) "$MS" "$rate"
	echo "$step $row $((size / step)) $MS" >> table
done
[ -n "${perrec:-}" ] && echo "bytes per audit record: $perrec ($RECORDS records)"
echo "ratios to the first step:"
awk 'NR == 1 { for (i = 2; i <= NF; i++) b[i] = $i }
	{ printf "%-9s", $1; for (i = 2; i <= NF; i++) printf " %8.2f", b[i] ? $i / b[i] : 0; printf "\n" }' table
