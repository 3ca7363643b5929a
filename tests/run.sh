#!/usr/bin/env bash
# Runs every test: unit binaries, CLI tests, the fuzz smoke run, the network-namespace tests.
# Ends with "N passed, N failed".
# Env: O (build dir), SAN (sanitizers in use), TESTS (only these unit binaries), CI.
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
passed=0
failed=0
failures=()

count_unit() { # binary
	local bin=$1 name out rc res
	name=$(basename "$bin")
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(ok|FAIL) |^  ' || true
	res=$(printf '%s\n' "$out" | awk '/^RESULT /{p=$2; f=$3} END{print p+0, f+0}')
	set -- $res
	passed=$((passed + $1))
	failed=$((failed + $2))
	if [ "$rc" -ne 0 ] && [ "$2" -eq 0 ]; then
		# crashed or sanitizer report without a failing CHECK
		printf '%s\n' "$out" | tail -30
		failed=$((failed + 1))
		failures+=("$name (exit $rc)")
	elif [ "$2" -ne 0 ]; then
		failures+=("$name")
	fi
}

for bin in "$O"/tests/test_*; do
	[ -x "$bin" ] || continue
	if [ -n "${TESTS:-}" ]; then
		case " $TESTS " in *" $(basename "$bin") "*) ;; *) continue ;; esac
	fi
	echo "== $(basename "$bin")"
	count_unit "$bin"
done

# CLI, fuzz-smoke and network-namespace tests are scripts that print "ok   name" / "FAIL name"
# lines (the netns ones print "skip netns (needs root)" without root).  A script that hangs is
# stopped (SIGTERM: its trap removes what it made) and fails.
count_script() { # script [timeout seconds, default 300]
	local t=$1 tmo=${2:-300} out p f
	echo "== $t"
	out=$(O="$O" SAN="${SAN:-}" timeout -k 10 "$tmo" bash "$t" 2>&1 ||
		[ $? -ne 124 ] || echo "FAIL $t (timed out after $tmo s)")
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$t")
}

if [ -z "${TESTS:-}" ]; then
	for t in tests/cli/*.sh tests/netns/*.sh tests/vm/*.sh; do
		case "$t" in
		*/lib.sh | tests/vm/libvirt.sh | tests/vm/mkimage.sh | tests/vm/overlay.sh | tests/vm/init.sh) continue ;;
		tests/vm/*) [ -f "$t" ] && count_script "$t" 900 ;; # QEMU TCG guests
		*) [ -f "$t" ] && count_script "$t" ;;
		esac
	done
fi

if [ ${#failures[@]} -ne 0 ]; then
	echo "failing: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
