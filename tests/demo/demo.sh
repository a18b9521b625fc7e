#!/bin/sh
# demo.sh ISAD ISA: a throw-away deployment on loopback, showing the board's
# users authenticating, a stranger's key refused, the CTLP shared and
# refused, and the auditor verifying the log offline.  `make demo` runs it on
# the release build; ctest runs it on the sanitizer build, so it stays true.
# At its end, in a terminal, it offers to replay the story in a browser
# (browser.sh: `make demo-browser`); elsewhere it prints that command.
set -eu

ISAD=$(realpath "$1")
ISA=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/isa-demo-XXXXXX")
PID=""

cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID" 2>/dev/null || true
	fi
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }
show() {	# print a command as typed, then run it
	printf '$ %s\n' "$*" | sed "s|$DIR|\$DEMO|g; s|$ISAD|isad|; s|$ISA|isa|"
	"$@" 2>&1
}
fail() { echo "demo: FAILED: $*" >&2; exit 1; }

cd "$DIR"
step "The operator writes isad.conf (a free loopback port) and initialises the data dir"
cat > isad.conf <<CONF
listen   = "tcp://127.0.0.1:*";
data_dir = "data";
policy   = "policy.conf";
origin   = "demo.hppb.example.org/isa";
CONF
show "$ISAD" init --config isad.conf | tee init.out
SERVER_KEY=$(tail -n 1 init.out)

USERS="board-admin board-chair ctp-analyst council-lead police-lead district-commander uni-contact auditor"
step "Each user makes a key pair; the operator enrols the public halves"
for u in $USERS stranger; do
	show "$ISA" keygen --out "users/$u" > "users-$u.out" 2>&1 || fail "keygen $u"
	tail -n 1 "users-$u.out" | sed "s/^/  $u: /"
done
key() { tail -n 1 "users-$1.out"; }

cat > policy.conf <<POLICY
caveats  = ( { name = "PERSONAL-DATA"; requires = "safeguarding"; } );
agencies = ( { id = "hcc";   name = "Hampshire County Council"; },
             { id = "ctpse"; name = "Counter Terrorism Policing South East"; },
             { id = "police"; name = "Hampshire Constabulary"; },
             { id = "uow";   name = "University of Winchester"; } );
users = (
  { id = "board-admin";  name = "Board Administrator"; agency = "hcc"; clearance = "SC";
    roles = [ "admin" ]; key = "$(key board-admin)"; },
  { id = "board-chair";  name = "Chair of the Prevent Partnership Board"; agency = "hcc"; clearance = "SC";
    roles = [ "chair" ]; key = "$(key board-chair)"; },
  { id = "police-lead";  name = "Police Prevent Lead"; agency = "police"; clearance = "SC";
    key = "$(key police-lead)"; },
  { id = "district-commander"; name = "District Commander"; agency = "police"; clearance = "SC";
    key = "$(key district-commander)"; },
  { id = "ctp-analyst";  name = "CT Policing Analyst"; agency = "ctpse"; clearance = "SC";
    roles = [ "approver" ]; key = "$(key ctp-analyst)"; },
  { id = "council-lead"; name = "Council Prevent Lead"; agency = "hcc"; clearance = "BPSS";
    attributes = [ "safeguarding" ]; key = "$(key council-lead)"; },
  { id = "uni-contact";  name = "University Prevent Contact"; agency = "uow"; clearance = "NONE";
    key = "$(key uni-contact)"; },
  { id = "auditor";      name = "Board Auditor"; agency = "hcc"; clearance = "SC";
    roles = [ "auditor" ]; key = "$(key auditor)"; }
);
groups = ( { id = "ppb"; members = [ "agency:hcc", "agency:ctpse", "user:police-lead", "user:uni-contact" ]; } );
POLICY
show "$ISAD" check --config isad.conf

step "isad starts (foreground under systemd; here in the background)"
"$ISAD" --config isad.conf 2> isad.log &
PID=$!
i=0
until grep -q "serving on" isad.log; do	# readiness: its own log line
	kill -0 "$PID" 2>/dev/null || { cat isad.log; fail "isad exited"; }
	i=$((i + 1)); [ $i -lt 300 ] || fail "isad not ready"
	sleep 0.1
done
ENDPOINT=$(sed -n 's/.*serving on \(tcp:[^;]*\);.*/\1/p' isad.log)
echo "isad is serving on $ENDPOINT"
for u in $USERS stranger; do
	cat > "users/$u/client.conf" <<CC
server = "$ENDPOINT";
server_key = "$SERVER_KEY";
key_file = "user.key";
timeout_ms = 5000;
CC
done

step "Board users authenticate with their own keys: isad says who they are"
for u in board-admin ctp-analyst council-lead; do
	show "$ISA" whoami --config "users/$u/client.conf" || fail "whoami $u"
done
show "$ISA" whoami --json --config users/uni-contact/client.conf || fail "whoami --json"

step "A key nobody enrolled is refused at the handshake (exit 5)"
set +e
show "$ISA" whoami --config users/stranger/client.conf
rc=$?
set -e
[ $rc -eq 5 ] || fail "stranger got exit $rc, not 5"
echo "(exit $rc)"
grep "refused handshake" isad.log | sed 's/^/isad log: /'

step "The administrator ingests the CTLP for counter-terrorism policing and disseminates it to the board"
printf 'Counter Terrorism Local Profile (demo text)\n' > ctlp.txt
show "$ISA" put ctlp.txt --title "CTLP 2026" --class OFFICIAL-SENSITIVE \
	--originator ctpse --to group:ppb --config users/board-admin/client.conf | tee put.out
DOC=$(tail -n 1 put.out)

step "A council lead (BPSS, on the board) lists and reads it: the marking comes first, on stderr"
show "$ISA" ls --config users/council-lead/client.conf
show "$ISA" get "$DOC" -o council-copy.txt --config users/council-lead/client.conf || fail "council get"

step "A university contact on the board without clearance is refused (exit 4)"
set +e
show "$ISA" get "$DOC" --config users/uni-contact/client.conf
rc=$?
set -e
[ $rc -eq 4 ] || fail "uni-contact got exit $rc, not 4"
echo "(exit $rc)"

step "The council lead's inbox told them it was there"
show "$ISA" inbox --config users/council-lead/client.conf || fail "inbox"

step "The police lead asks to share it with their district commander: the CT unit must decide"
show "$ISA" share "$DOC" --to user:district-commander --reason "district tasking" \
	--config users/police-lead/client.conf | tee share.out || fail "share"
REQ=$(tail -n 1 share.out)
set +e
show "$ISA" get "$DOC" -o commander-copy.txt --config users/district-commander/client.conf
rc=$?
set -e
[ $rc -eq 3 ] || fail "the commander saw it before approval (exit $rc)"
echo "(exit $rc: to the commander it does not exist yet)"

step "The CT unit sees the request in its inbox and approves it; the Chair is notified"
show "$ISA" requests --config users/ctp-analyst/client.conf || fail "requests"
show "$ISA" approve "$REQ" --config users/ctp-analyst/client.conf || fail "approve"
show "$ISA" get "$DOC" -o commander-copy.txt --config users/district-commander/client.conf || fail "commander get"
show "$ISA" inbox --config users/board-chair/client.conf || fail "chair inbox"
show "$ISA" inbox --config users/police-lead/client.conf || fail "requester inbox"

step "The CT unit publishes a sanitised OFFICIAL briefing, derived from the CTLP, to all"
printf 'Prevent briefing: sanitised summary (demo text)\n' > briefing.txt
show "$ISA" put briefing.txt --title "CTLP 2026: partner briefing" --class OFFICIAL \
	--derived-from "$DOC" --to all --config users/ctp-analyst/client.conf | tee brief.out || fail "derive"
BRIEF=$(tail -n 1 brief.out)
show "$ISA" get "$BRIEF" -o uni-copy.txt --config users/uni-contact/client.conf || fail "uni get briefing"
show "$ISA" info "$BRIEF" --config users/council-lead/client.conf || fail "info"

step "The auditor lists who accessed the CTLP, allowed or refused"
show "$ISA" audit --doc "$DOC" --config users/auditor/client.conf || fail "audit query"

step "The auditor keeps a signed checkpoint, exports the log, and verifies it offline with only the public key"
echo '$ isa audit checkpoint --config users/auditor/client.conf > kept.checkpoint'
"$ISA" audit checkpoint --config users/auditor/client.conf > kept.checkpoint || fail "checkpoint"
cat kept.checkpoint
show "$ISA" audit export -o audit.jsonl --config users/auditor/client.conf || fail "export"
cp data/audit.pub.pem audit.pub.pem	# handed to the auditor once
show "$ISA" audit verify audit.jsonl --key audit.pub.pem --since kept.checkpoint || fail "verify"

step "Someone edits a record in the export: verify names it (exit 6)"
sed '3s/"actor":"[^"]*"/"actor":"someone-else"/' audit.jsonl > edited.jsonl
set +e
show "$ISA" audit verify edited.jsonl --key audit.pub.pem
rc=$?
set -e
[ $rc -eq 6 ] || fail "an edited export verified (exit $rc)"
echo "(exit $rc)"

step "The board in a browser: each user runs isa ui with their own client.conf"
"$ISA" ui --no-browser --config users/council-lead/client.conf > ui.url 2> ui.log &
UIPID=$!
i=0
until [ -s ui.url ]; do	# readiness: the address it prints
	kill -0 "$UIPID" 2>/dev/null || { cat ui.log; fail "isa ui exited"; }
	i=$((i + 1)); [ $i -lt 300 ] || fail "isa ui printed no address"
	sleep 0.1
done
grep -q '^http://127\.0\.0\.1:[0-9]*/login?token=[0-9a-f]\{64\}$' ui.url ||
	fail "isa ui printed no loopback address"
echo "isa ui serves the council lead's board on loopback, with a one-time token: $(sed 's/token=.*/token=.../' ui.url)"
kill -TERM "$UIPID"
wait "$UIPID" || fail "isa ui did not stop cleanly"
if [ -t 0 ] && [ -t 1 ]; then
	cat <<EOF

To see the board's story in a browser while this demo runs, in another
terminal run (it opens your browser; each user has their own client.conf):

  $ISA ui --config $DIR/users/council-lead/client.conf
  $ISA ui --config $DIR/users/uni-contact/client.conf

EOF
	printf 'Press Enter here to stop isad and remove the demo... '
	read -r _ || true
else
	echo "To see the board's story in a browser, run make demo in a terminal:"
	echo "it waits here while you run: isa ui --config \$DEMO/users/council-lead/client.conf"
fi

step "The operator stops isad cleanly"
kill -TERM "$PID"
wait "$PID" || fail "isad did not exit 0"
PID=""
tail -n 1 isad.log | sed 's/^/isad log: /'
echo
echo "demo: OK"

if [ -t 0 ] && [ -t 1 ]; then
	printf "\nReplay the board's story in a browser? [y/N] "
	read -r answer || answer=""
	case $answer in
	[yY]*) "$HERE/browser.sh" "$ISAD" "$ISA" || exit $? ;;
	esac
else
	echo "To replay the board's story in a browser (each user in their own isa ui): make demo-browser"
fi
