#!/bin/sh
# bench/reads.sh BUILD_DIR [CLIENTS] [SECONDS]: authorised 4 KiB reads per
# second through isad (each with its durable audit record) against a plain
# ZeroMQ CURVE echo of the same size and concurrency, in the same run.
set -eu
B=$(realpath "${1:-build/release}")
N=${2:-32}
SECS=${3:-10}
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
"$B/bench/bench_reads" "$EP" "$SK" u/user.key "$ID" "$N" "$SECS"
"$B/bench/bench_curve" echo 4096 "$N" "$SECS"
kill -TERM "$PID"; wait "$PID"; PID=""
grep "changes in" isad.log || true
