#!/bin/sh
# bench/verify.sh BUILD_DIR [RECORDS]: offline `isa audit verify` of a signed
# export of RECORDS (default 1,000,000) audit records, in records per second,
# against the ceiling of reading and SHA-256 hashing the same file in the
# same run (sha256sum).
set -eu
B=$(realpath "${1:-build/release}")
N=${2:-1000000}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-bench-XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM
"$B/bench/bench_verify" "$N" "$DIR/export.jsonl" "$DIR/audit.pub.pem"
now() { date +%s.%N; }
best_v=0 best_h=0
for run in 1 2 3; do
	t0=$(now)
	"$B/isa" audit verify "$DIR/export.jsonl" --key "$DIR/audit.pub.pem" > "$DIR/out"
	t1=$(now)
	sha256sum "$DIR/export.jsonl" > /dev/null
	t2=$(now)
	best_v=$(echo "$t0 $t1 $best_v" | awk '{ d = $2 - $1; print ($3 == 0 || d < $3) ? d : $3 }')
	best_h=$(echo "$t1 $t2 $best_h" | awk '{ d = $2 - $1; print ($3 == 0 || d < $3) ? d : $3 }')
done
tail -n 1 "$DIR/out"
size=$(stat -c %s "$DIR/export.jsonl")
echo "$N $best_v $best_h $size" | awk '{
	printf "isa audit verify: %d records (%.0f MiB) in %.2f s: %.2f M records/s\n", $1, $4 / 1048576, $2, $1 / $2 / 1e6;
	printf "sha256sum of the same file: %.2f s: %.2f M records/s; verify at %.0f%% of it\n", $3, $1 / $3 / 1e6, 100 * $3 / $2 }'
