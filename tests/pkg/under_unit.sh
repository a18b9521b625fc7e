#!/bin/sh
# under_unit.sh: run a command (isad) under the restrictions of
# etc/isad.service that can be applied by hand where systemd is not PID 1
# (so `systemd-run -p ...` cannot be used): its own mount, IPC and UTS
# namespaces with the file system read-only but for one writable directory
# (ProtectSystem=strict with StateDirectory), private /tmp and /var/tmp
# (PrivateTmp), /home, /root and /run/user hidden (ProtectHome), a /dev of
# pseudo-devices only (PrivateDevices), /proc/sys read-only
# (ProtectKernelTunables); then an unprivileged user with no capabilities,
# an empty bounding set and no_new_privs (User=, CapabilityBoundingSet=,
# NoNewPrivileges=), umask 077 (UMask=), no core files and 8 MiB of mlock
# (LimitCORE=0, LimitMEMLOCK=8M).  With UNDER_UNIT_SECCOMP (the path of
# tests/pkg/seccomp_exec, built where libseccomp is) and systemd-analyze,
# also the seccomp filters: SystemCallFilter=@system-service ~@privileged
# (expanded by systemd-analyze, as the unit says), RestrictAddressFamilies,
# MemoryDenyWriteExecute, LockPersonality, RestrictNamespaces,
# RestrictRealtime, SystemCallArchitectures=native.  Not applied:
# PrivateUsers, ProtectProc/ProcSubset (a new /proc needs a PID namespace),
# ProtectClock's device rule, RemoveIPC, KeyringMode.
#
# usage: UNDER_UNIT_RW=DIR UNDER_UNIT_USER=UID:GID [UNDER_UNIT_SECCOMP=PATH]
#        under_unit.sh COMMAND ARGS...
#        under_unit.sh --probe    exit 0 if it can run here, else 77 (reason
#                                 on stdout)
set -eu

if [ "${1:-}" = --probe ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "needs root (mount namespaces, setpriv --reuid)"; exit 77
	fi
	for t in unshare setpriv mount; do
		command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
	done
	unshare --mount --ipc --uts --propagation private true 2>/dev/null ||
	    { echo "unshare --mount --ipc --uts is refused here"; exit 77; }
	exit 0
fi

rw=${UNDER_UNIT_RW:?UNDER_UNIT_RW: the one writable directory}
user=${UNDER_UNIT_USER:?UNDER_UNIT_USER: UID:GID to run as}
uid=${user%%:*}
gid=${user#*:}

# The unit's SystemCallFilter as a list of system calls, one a line.
expand() {
	systemd-analyze syscall-filter "$1" | tail -n +2 | sed 's/^ *//' |
	    grep -v -e '^#' -e '^$' | while read -r x; do
		case $x in @*) expand "$x" ;; *) echo "$x" ;; esac
	done
}
seccomp=
if [ -n "${UNDER_UNIT_SECCOMP:-}" ]; then
	# Handed to seccomp_exec on fd 3: the file system it runs in is not
	# this one.
	list=$(mktemp)
	expand @system-service | sort -u > "$list.all"
	expand @privileged | sort -u > "$list.privileged"
	comm -23 "$list.all" "$list.privileged" > "$list"
	exec 3< "$list"
	rm -f "$list" "$list.all" "$list.privileged"
	seccomp="$UNDER_UNIT_SECCOMP 3 --"
fi

# The programs run from a copy beside the writable directory: the build
# tree may be under /tmp, /root or /home, which PrivateTmp and ProtectHome
# hide from the service (a clean clone in /tmp is, in CI).
bin=$(dirname "$rw")/unit-bin
mkdir -p "$bin"
cp "$1" "$bin/$(basename "$1")"
prog="$bin/$(basename "$1")"
shift
set -- "$prog" "$@"
if [ -n "$seccomp" ]; then
	cp "$UNDER_UNIT_SECCOMP" "$bin/seccomp_exec"
	seccomp="$bin/seccomp_exec 3 --"
fi
chmod -R a+rX "$bin"

exec unshare --mount --ipc --uts --propagation private -- sh -eu -c '
rw=$1 uid=$2 gid=$3
shift 3
# ProtectSystem=strict: every mount read-only (/proc and /sys included,
# hence ProtectKernelTunables= and ProtectControlGroups= too) ...
awk "{ print \$5 }" /proc/self/mountinfo | sort -u | while read -r m; do
	mount -o remount,bind,ro "$m" 2>/dev/null || true
done
# ... PrivateTmp ...
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
# ... PrivateDevices: null, zero, full, random, urandom, tty and a /dev/shm ...
mkdir /tmp/.hostdev
mount --rbind /dev /tmp/.hostdev
mount -t tmpfs -o mode=0755,nosuid,noexec tmpfs /dev
for d in null zero full random urandom tty; do
	touch /dev/$d
	mount --bind /tmp/.hostdev/$d /dev/$d
done
mkdir -m 1777 /dev/shm
umount -l /tmp/.hostdev
rmdir /tmp/.hostdev
# ... ProtectHome=yes ...
for d in /home /root /run/user; do
	[ -d $d ] && mount -t tmpfs -o mode=0000,ro,nosuid,nodev,noexec tmpfs $d
done
# ... and the state directory writable (StateDirectory=isad).
mount --bind "$rw" "$rw"
mount -o remount,bind,rw "$rw"
exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
    --inh-caps=-all --bounding-set=-all -- \
    sh -c "umask 077; ulimit -c 0; ulimit -l 8192; exec \"\$@\"" sh "$@"
' sh "$rw" "$uid" "$gid" $seccomp "$@"
