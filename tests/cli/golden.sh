#!/usr/bin/env bash
# Golden tests of `vnfctl domain rewrite`: each directory tests/golden/domxml/CASE holds
#   in.xml      the domain XML the case starts from
#   steps       one rewrite per line: "attach ..." / "detach ..." / "show" (applied in order,
#               each to the previous step's output)
#   out.xml     the expected result of the last step, byte for byte
#   or rc + err the expected exit status and the stderr line (the steps stop at the first
#               failure, and the case also checks that the input file was not changed)
#   restores    (optional, empty) the result must equal in.xml canonically (xmllint --c14n)
# GOLDEN_UPDATE=1 rewrites out.xml / err from what vnfctl does now: review the diff.
# Env: O (build dir).  Prints "ok   golden.CASE" / "FAIL golden.CASE".
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
VNFCTL=$O/vnfctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$VNFCTL" ]; then
	echo "FAIL golden.binary ($VNFCTL not built)"
	exit 0
fi

for dir in tests/golden/domxml/*/; do
	name=$(basename "$dir")
	cur=$tmp/$name.0.xml
	cp "$dir/in.xml" "$cur"
	cp "$dir/in.xml" "$tmp/$name.orig"
	rc=0
	i=0
	while read -r -a step; do
		[ ${#step[@]} -eq 0 ] && continue
		i=$((i + 1))
		next=$tmp/$name.$i.xml
		"$VNFCTL" domain rewrite --in "$cur" "${step[@]}" >"$next" 2>"$tmp/$name.err"
		rc=$?
		[ "$rc" -eq 0 ] || break
		cur=$next
	done <"$dir/steps"
	# the error names the temporary file: show it as in.xml
	sed -i "s#$tmp/$name\.[0-9]*\.xml#in.xml#g" "$tmp/$name.err"
	if [ -n "${GOLDEN_UPDATE:-}" ]; then
		if [ -f "$dir/rc" ]; then
			echo "$rc" >"$dir/rc"
			cp "$tmp/$name.err" "$dir/err"
		else
			cp "$cur" "$dir/out.xml"
		fi
		echo "ok   golden.$name (updated)"
		continue
	fi
	problem=
	if [ -f "$dir/rc" ]; then
		if [ "$rc" != "$(cat "$dir/rc")" ]; then
			problem="exit $rc, want $(cat "$dir/rc"): $(cat "$tmp/$name.err")"
		elif ! cmp -s "$tmp/$name.err" "$dir/err"; then
			problem="stderr: $(cat "$tmp/$name.err") (want: $(cat "$dir/err"))"
		elif ! cmp -s "$tmp/$name.orig" "$dir/in.xml" || ! cmp -s "$tmp/$name.0.xml" "$dir/in.xml"; then
			problem="the input changed"
		fi
	elif [ "$rc" -ne 0 ]; then
		problem="step $i failed (exit $rc): $(cat "$tmp/$name.err")"
	elif ! cmp -s "$cur" "$dir/out.xml"; then
		problem=$(diff -u "$dir/out.xml" "$cur" | head -30)
	elif [ -f "$dir/restores" ] &&
		! cmp -s <(xmllint --c14n "$dir/in.xml") <(xmllint --c14n "$cur"); then
		problem="not canonically equal to in.xml: $(diff <(xmllint --c14n "$dir/in.xml") <(xmllint --c14n "$cur") | head -10)"
	fi
	if [ -z "$problem" ]; then
		echo "ok   golden.$name"
	else
		echo "FAIL golden.$name"
		printf '%s\n' "$problem" | sed 's/^/  /'
	fi
done
exit 0
