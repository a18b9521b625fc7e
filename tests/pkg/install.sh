#!/bin/sh
# tests/pkg/install.sh SOURCE_DIR: the first install as README's Install and
# docs/operations.md tell it, on this machine, from the .debs `make deb`
# built (SOURCE_DIR/build/deb): apt installs both packages, isad init runs as
# the isad user, two users are enrolled (isa keygen, isad client-config),
# isad serves from the installed paths as the isad user, one user puts a
# document to the other, who reads it back.  Then everything is purged: the
# packages, /etc/isa, /var/lib/isad and the isad user.  Root only, on a
# machine where no isa is installed; exit 77 (skipped) otherwise.
# systemd is not run here (the build machines have none as PID 1): isad is
# started by hand as the unit would start it.
set -eu
SRC=$(realpath "$1")
ISAD_DEB=$(ls "$SRC"/build/deb/isad_*.deb 2>/dev/null | head -n 1 || true)
ISA_DEB=$(ls "$SRC"/build/deb/isa_*.deb 2>/dev/null | head -n 1 || true)
skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root"
[ -n "$ISAD_DEB" ] && [ -n "$ISA_DEB" ] || skip "no .debs: run make deb"
command -v apt-get >/dev/null || skip "no apt-get"
if dpkg-query -W -f='${Status}' isad 2>/dev/null | grep -q installed ||
    [ -e /etc/isa ] || [ -e /var/lib/isad ] || getent passwd isad >/dev/null; then
	skip "isa is already installed here"
fi

T=$(mktemp -d /tmp/isa-install-XXXXXX)
chmod 755 "$T"
PID=""
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq isad isa >/dev/null 2>&1 || true
	rm -rf /etc/isa /var/lib/isad "$T"
	getent passwd isad >/dev/null && userdel isad || true
	getent group isad >/dev/null && groupdel isad || true
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; [ -f "$T/isad.log" ] && tail -20 "$T/isad.log"; exit 1; }

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$ISAD_DEB" "$ISA_DEB" \
    >"$T/apt.log" 2>&1 || { tail -20 "$T/apt.log"; fail "apt-get install"; }
getent passwd isad >/dev/null || fail "no isad user"
[ "$(stat -c '%a %U' /var/lib/isad)" = "700 isad" ] || fail "/var/lib/isad: $(stat -c '%a %U' /var/lib/isad)"
[ -d /etc/isa ] || fail "no /etc/isa"
[ -x /usr/bin/isad ] && [ -x /usr/bin/isa ] || fail "binaries not installed"

# Two users make their keys; their public keys go into policy.conf.
for u in alice bob; do
	isa keygen --out "$T/$u" > "$T/$u.pub" || fail "keygen $u"
done
# A port nothing listens on (/proc/net/tcp lists them in hex).
while :; do
	PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	hex=$(printf '%04X' "$PORT")
	grep -q ":$hex 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
done
cd /etc/isa
install -m 0640 -g isad /usr/share/doc/isad/examples/isad.conf .
sed -i "s|^listen .*|listen   = \"tcp://127.0.0.1:$PORT\";|" isad.conf
cat > policy.conf <<POLICY
minimum_clearance = { official = "NONE"; official_sensitive = "BPSS"; secret = "SC"; };
agencies = ( { id = "hcc"; name = "Hampshire County Council"; },
             { id = "police"; name = "Hampshire Constabulary"; } );
users = (
  { id = "alice"; name = "Alice"; agency = "hcc"; clearance = "BPSS";
    key = "$(tail -n 1 "$T/alice.pub")"; },
  { id = "bob"; name = "Bob"; agency = "police"; clearance = "BPSS";
    key = "$(tail -n 1 "$T/bob.pub")"; }
);
POLICY
chown root:isad policy.conf
chmod 0640 policy.conf
runuser -u isad -- isad init --config /etc/isa/isad.conf >"$T/init.log" 2>&1 ||
    { cat "$T/init.log"; fail "isad init"; }
runuser -u isad -- isad check --config /etc/isa/isad.conf >"$T/check.log" 2>&1 ||
    { cat "$T/check.log"; fail "isad check"; }

# Serve as the unit does: /usr/bin/isad, as isad, from /etc/isa (setpriv
# execs it, so that $! is isad itself and gets the TERM).
setpriv --reuid=isad --regid=isad --init-groups /usr/bin/isad \
    --config /etc/isa/isad.conf >"$T/isad.log" 2>&1 &
PID=$!
i=0
until grep -q 'serving on' "$T/isad.log"; do
	kill -0 "$PID" 2>/dev/null || fail "isad exited"
	i=$((i + 1))
	[ "$i" -lt 300 ] || fail "isad did not start"
	sleep 0.1
done

# Each user gets the client.conf isad writes for them, beside their key.
for u in alice bob; do
	rm -f "$T/$u/client.conf"
	runuser -u isad -- isad client-config "$u" --config /etc/isa/isad.conf \
	    > "$T/$u/client.conf" || fail "client-config $u"
	isa whoami --config "$T/$u/client.conf" > "$T/$u.whoami" || fail "whoami $u"
	grep -q "$u" "$T/$u.whoami" || fail "whoami $u: $(cat "$T/$u.whoami")"
done
head -c 100000 /dev/urandom > "$T/doc"
ID=$(isa put "$T/doc" --title "Installed" --class OFFICIAL --to user:bob \
    --config "$T/alice/client.conf" 2>/dev/null | tail -n 1) || fail "put"
isa get "$ID" -o "$T/got" --config "$T/bob/client.conf" 2>/dev/null || fail "get"
cmp -s "$T/doc" "$T/got" || fail "bytes differ"
kill -TERM "$PID"
wait "$PID" || fail "isad did not stop cleanly"
PID=""
echo "ok: installed, initialised as isad, two users enrolled, put and get"
