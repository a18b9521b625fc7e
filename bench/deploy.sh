# bench/deploy.sh: sourced by the bench scripts.  bench_workdir makes the
# directory they work in (see below).  bench_deploy EXTRA makes a
# one-user deployment in the current directory (EXTRA: more isad.conf
# lines), starts isad from $B in the background ($PID; the caller kills
# it), and writes u/client.conf; $EP is the endpoint, $SK the server key.
# bench_workdir: a fresh directory ($DIR) to work in, removed on any exit,
# with whatever the script started: $SAMPLER and $UI (stopped) and isad,
# $PID (killed), each when set.
bench_workdir() {
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-bench-XXXXXX")
	PID=""
	UI=""
	SAMPLER=""
	trap bench_cleanup EXIT INT TERM
	cd "$DIR"
}
bench_cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
	[ -n "$UI" ] && kill -TERM "$UI" 2>/dev/null || true
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
	rm -rf "$DIR"
}

bench_deploy() {
	cat > isad.conf <<CONF
listen = "tcp://127.0.0.1:*";
data_dir = "data";
policy = "policy.conf";
origin = "bench/isa";
$1
CONF
	"$B/isad" init --config isad.conf > init.out
	"$B/isa" keygen --out u > key.out
	cat > policy.conf <<P
agencies = ( { id = "hcc"; name = "H"; } );
users = ( { id = "u"; name = "U"; agency = "hcc"; clearance = "SC"; key = "$(tail -n 1 key.out)"; } );
P
	: > isad.log	# before the wait below reads it
	"$B/isad" --config isad.conf 2>> isad.log &
	PID=$!
	until grep -q "serving on" isad.log; do sleep 0.05; done
	EP=$(sed -n 's/.*serving on \(tcp:[^;]*\);.*/\1/p' isad.log)
	SK=$(tail -n 1 init.out)
	printf 'server = "%s";\nserver_key = "%s";\nkey_file = "user.key";\ntimeout_ms = 60000;\n' \
		"$EP" "$SK" > u/client.conf
}
