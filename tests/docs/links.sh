#!/bin/sh
# links.sh: the README, docs/ and the man pages point only inside the
# repository: every relative Markdown link names a file that exists, and
# nothing cites a design file the repository does not hold.
# Usage: links.sh SOURCE_DIR
set -u
cd "$1" || exit 1
fail=0
files="README.md $(ls docs/*.md) client/isa.1 daemon/isad.8 daemon/isad.conf.5 policy/policy.conf.5 etc/isad.conf etc/policy.conf etc/client.conf"
if grep -n -e 'DESIGN' -e '\.\./shared' $files >&2; then
	echo "the lines above cite a file outside the repository" >&2
	fail=1
fi
for f in README.md docs/*.md; do
	dir=$(dirname "$f")
	for target in $(grep -oE '\]\([^)#]+' "$f" | sed 's/^](//' |
	    grep -vE '^[a-z]+:'); do
		[ -e "$dir/$target" ] ||
		    { echo "$f: link to $target: no such file" >&2; fail=1; }
	done
done
# The long sections the README gave up live in docs/, one subject each.
for doc in design cli operations security architecture benchmarks testing status; do
	grep -q "(docs/$doc.md)" README.md ||
	    { echo "README.md: no link to docs/$doc.md" >&2; fail=1; }
done
exit $fail
