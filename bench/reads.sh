#!/bin/sh
# bench/reads.sh BUILD_DIR [CLIENTS] [SECONDS] [ROUNDS]: authorised 4 KiB
# reads per second through isad (each with its durable audit record)
# against a plain ZeroMQ CURVE echo of the same size and concurrency, in
# the same run: ROUNDS rounds (default 3) of SECONDS each, isad then the
# echo, so that a noisy neighbour weighs on both; each round's ratio, and
# the median of the rounds.  $WORKERS: isad's workers (default 4).
set -eu
B=$(realpath "${1:-build/release}")
N=${2:-32}
SECS=${3:-10}
ROUNDS=${4:-3}
. "$(cd "$(dirname "$0")" && pwd)/deploy.sh"
DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-bench-XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
cd "$DIR"
bench_deploy "workers = ${WORKERS:-4};"
head -c 4096 /dev/urandom > doc
ID=$("$B/isa" put doc --title b --class OFFICIAL --to user:u --config u/client.conf 2>/dev/null | tail -n 1)
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	a=$("$B/bench/bench_reads" "$EP" "$SK" u/user.key "$ID" "$N" "$SECS")
	b=$("$B/bench/bench_curve" echo 4096 "$N" "$SECS")
	echo "round $r: $a"
	echo "round $r: $b"
	x=$(echo "$a" | sed -n 's/.*: \([0-9]*\) reads\/s.*/\1/p')
	y=$(echo "$b" | sed -n 's/.*: \([0-9]*\) round trips\/s.*/\1/p')
	echo "$x $y" >> ratios
	awk -v r="$r" '{ printf "round %d: %d / %d = %.0f%% of the echo\n", r, $1, $2, 100 * $1 / $2 }' <<R
$x $y
R
done
awk '{ print 100 * $1 / $2 }' ratios | sort -n | awk '{ v[NR] = $1 } END {
	printf "median of %d rounds: %.0f%% of the echo\n", NR, NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
kill -TERM "$PID"; wait "$PID"; PID=""
grep "changes in" isad.log || true
