# bench/scaledeploy.sh: sourced by scale.sh and upgrade.sh, after
# deploy.sh's bench_workdir.  scale_deploy writes, in the current
# directory, a deployment with a 64 GiB map and two users: u (hcc, an
# auditor: the one who measures) and f (pol: the one who fills); start
# starts isad from $B in the background ($PID; $MS: the ms until it said
# it serves) and writes u/ and f/client.conf; stop stops it.
scale_deploy() {
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
}

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

