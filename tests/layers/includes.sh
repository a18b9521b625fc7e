#!/bin/sh
# includes.sh: daemon/'s arrows go only down (docs/architecture.md): serve -> docs -> ctx
# -> audit -> store, keys.  Fails, naming the line, on an #include of a
# daemon/ header from a folder at the same level or below it (store and keys
# are side by side: neither includes the other), and on common/, proto/,
# policy/ or client/ including daemon/ at all, and on anything but
# client/main.c including ui/.  With -g, prints the
# graph between folders instead: "from -> to (how many includes)".  Also
# fails on an include circle between modules (a module is a .c/.h pair
# named alike): "a ... b -> a" names where it closes.
# Usage: includes.sh [-g] SOURCE_DIR
set -eu
graph=0
if [ "${1:-}" = -g ]; then graph=1; shift; fi
cd "${1:?usage: includes.sh [-g] SOURCE_DIR}"
# Below daemon/: nothing includes it.
below=$(grep -ln '^[[:space:]]*#[[:space:]]*include[[:space:]]*"daemon/' \
    common/*.[ch] proto/*.[ch] policy/*.[ch] client/*.[ch] 2>/dev/null || true)
if [ -n "$below" ]; then
	echo "these include daemon/ headers from below it:" $below
	exit 1
fi
# ui/ is the top but for the isa binary's command table (client/main.c):
# nothing else includes it.
above=$(grep -ln '^[[:space:]]*#[[:space:]]*include[[:space:]]*"ui/' \
    common/*.[ch] proto/*.[ch] policy/*.[ch] verify/*.[ch] daemon/*/*.[ch] \
    client/*.[ch] 2>/dev/null | grep -v '^client/main\.c$' || true)
if [ -n "$above" ]; then
	echo "these include ui/ headers from below it:" $above
	exit 1
fi
# Each folder's level; an arrow must go to a lower one.
grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' daemon/*/*.[ch] |
awk -v graph="$graph" '
BEGIN { lv["serve"] = 4; lv["docs"] = 3; lv["ctx"] = 2; lv["audit"] = 1;
	lv["store"] = 0; lv["keys"] = 0; bad = 0
	# kek.h is the key holder'"'"'s private header: crypto.c and kek.c
	# share the DEK layout through it, one module in two files, inside
	# daemon/keys (and not exported from its library).
	known["daemon/keys/crypto ... daemon/keys/kek -> daemon/keys/crypto"] = 1
	known["daemon/keys/kek ... daemon/keys/crypto -> daemon/keys/kek"] = 1 }
{
	split($0, a, ":"); file = a[1]
	split(file, p, "/"); from = p[2]
	match($0, /"[^"]+"/); inc = substr($0, RSTART + 1, RLENGTH - 2)
	split(inc, q, "/")
	to = q[1] == "daemon" ? q[2] : q[1]
	if (q[1] == "daemon") {
		m = file; sub(/\.[ch]$/, "", m); t = inc; sub(/\.h$/, "", t)
		if (m != t && !((m, t) in seen)) {
			seen[m, t] = 1; adj[m, ++deg[m]] = t; mods[m] = 1
		}
	}
	if (q[1] == "daemon" && !(q[2] in lv)) {
		print file ": " inc ": not a known layer"; bad = 1; next }
	if (q[1] != "daemon" || from == to) {
		if (from != to) n["daemon/" from " -> " to]++
		next
	}
	n["daemon/" from " -> daemon/" to]++
	if (lv[to] >= lv[from]) {
		print file ": includes " inc ": daemon/" from " may not depend on daemon/" to
		bad = 1
	}
}
# Depth first: an edge back to a module on the path closes a circle.
function dfs(v, path,   i, w) {
	state[v] = 1
	for (i = 1; i <= deg[v]; i++) {
		w = adj[v, i]
		if (state[w] == 1)
			circle[w " ... " v " -> " w] = 1
		else if (!state[w])
			dfs(w, path " -> " w)
	}
	state[v] = 2
}
END {
	for (v in mods)
		if (!state[v])
			dfs(v, v)
	for (c in circle) {
		if (c in known)
			continue
		print "include circle: " c
		bad = 1
	}
	if (graph)
		for (e in n) printf "%s (%d)\n", e, n[e] | "sort"
	exit bad
}'
