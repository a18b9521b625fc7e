#!/bin/sh
# bench/reads.sh BUILD_DIR [CLIENTS] [SECONDS]: authorised 4 KiB reads per
# second through isad (each with its durable audit record) against a plain
# ZeroMQ CURVE echo of the same size and concurrency, in the same run.
set -eu
B=$(realpath "${1:-build/release}")
N=${2:-32}
SECS=${3:-10}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-bench-XXXXXX")
PID=""
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
cd "$DIR"
cat > isad.conf <<CONF
listen = "tcp://127.0.0.1:*";
data_dir = "data";
policy = "policy.conf";
origin = "bench/isa";
workers = ${WORKERS:-4};
CONF
"$B/isad" init --config isad.conf > init.out
"$B/isa" keygen --out u > key.out
cat > policy.conf <<P
agencies = ( { id = "hcc"; name = "H"; } );
users = ( { id = "u"; name = "U"; agency = "hcc"; clearance = "SC"; key = "$(tail -n 1 key.out)"; } );
P
"$B/isad" --config isad.conf 2> isad.log &
PID=$!
until grep -q "serving on" isad.log; do sleep 0.05; done
EP=$(sed -n 's/.*serving on \(tcp:[^;]*\);.*/\1/p' isad.log)
SK=$(tail -n 1 init.out)
printf 'server = "%s";\nserver_key = "%s";\nkey_file = "user.key";\n' "$EP" "$SK" > u/client.conf
head -c 4096 /dev/urandom > doc
ID=$("$B/isa" put doc --title b --class OFFICIAL --to user:u --config u/client.conf 2>/dev/null | tail -n 1)
"$B/bench/bench_reads" "$EP" "$SK" u/user.key "$ID" "$N" "$SECS"
"$B/bench/bench_curve" echo 4096 "$N" "$SECS"
kill -TERM "$PID"; wait "$PID"; PID=""
grep "changes in" isad.log || true
