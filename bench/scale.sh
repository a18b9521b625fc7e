#!/bin/sh
# bench/scale.sh BUILD_DIR [STEP...]: what a user's requests cost as the
# store grows (issue 19).  A filler user fills the store to each STEP
# documents (default: 1000 10000) through bench_load (one connection, not
# one process per document) with documents the measuring user may not
# see; the measuring user (an auditor) may read 100 of them.  At each step:
# the median of 5 runs of each request below (ms), the store's size per
# document, isad's start-up time and the put rate, each also as its ratio
# to the first step.  $RECORDS: audit records (whoami round trips) added
# at the last step (default 0; the issue's target is 10,000,000).
set -eu
B=$(realpath "${1:-build/bench}")
[ $# -gt 0 ] && shift
STEPS=${*:-1000 10000}
. "$(cd "$(dirname "$0")" && pwd)/deploy.sh"
bench_workdir

cat > isad.conf <<CONF
listen = "tcp://127.0.0.1:*";
data_dir = "data";
policy = "policy.conf";
origin = "bench/isa-scale";
map_size = 68719476736;
CONF
"$B/isad" init --config isad.conf > init.out
"$B/isa" keygen --out u > ku.out
"$B/isa" keygen --out f > kf.out
cat > policy.conf <<P
agencies = ( { id = "hcc"; name = "H"; }, { id = "pol"; name = "P"; } );
users = (
  { id = "u"; name = "U"; agency = "hcc"; clearance = "SC"; roles = [ "auditor" ];
    key = "$(tail -n 1 ku.out)"; },
  { id = "f"; name = "F"; agency = "pol"; clearance = "SC"; key = "$(tail -n 1 kf.out)"; }
);
P

# Start isad; $MS: the ms it took to say it serves.  (Not in a $(...):
# a subshell would run the EXIT trap's cleanup.)
start() {
	: > isad.log
	t0=$(date +%s%N)
	"$B/isad" --config isad.conf 2>> isad.log &
	PID=$!
	until grep -q "serving on" isad.log; do sleep 0.01; done
	t1=$(date +%s%N)
	EP=$(sed -n 's/.*serving on \(tcp:[^;]*\);.*/\1/p' isad.log)
	SK=$(tail -n 1 init.out)
	for who in u f; do
		printf 'server = "%s";\nserver_key = "%s";\nkey_file = "user.key";\ntimeout_ms = 600000;\n' \
			"$EP" "$SK" > $who/client.conf
	done
	MS=$(((t1 - t0) / 1000000))
}
stop() {
	kill -TERM "$PID"
	wait "$PID" || true
	PID=""
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
		out=$("$B/bench/bench_load" f/client.conf docs $((step - have)) user:f fill)
		rate=$(echo "$out" | sed -n 's/.*(\([0-9]*\)\/s)$/\1/p')
		have=$step
	fi
	last=$(echo "$STEPS" | awk '{ print $NF }')
	if [ "$step" = "$last" ] && [ "${RECORDS:-0}" -gt 0 ]; then
		"$B/bench/bench_load" f/client.conf records "$RECORDS" > /dev/null
	fi
	stop
	start
	since=$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)
	row=$(printf '%s %s %s %s %s %s %s %s' \
		"$(median ls)" "$(median info "$DOC")" "$(median inbox)" \
		"$(median requests)" "$(median audit --doc "$DOC")" \
		"$(median audit --user u)" "$(median audit --since "$since")" \
		"$(median whoami)")
	size=$(du -sb data | awk '{ print $1 }')
	printf '%-9s %8s %8s %8s %8s %8s %8s %8s %8s %10s %8s %9s\n' "$step" $row \
		$((size / step)) "$MS" "$rate"
	echo "$step $row $((size / step)) $MS" >> table
done
echo "ratios to the first step:"
awk 'NR == 1 { for (i = 2; i <= NF; i++) b[i] = $i }
	{ printf "%-9s", $1; for (i = 2; i <= NF; i++) printf " %8.2f", b[i] ? $i / b[i] : 0; printf "\n" }' table
