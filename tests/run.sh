#!/usr/bin/env bash
# Runs every test: unit binaries, CLI tests, the fuzz smoke run.  Ends with "N passed, N failed".
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

# CLI and fuzz-smoke tests are scripts that print "ok   name" / "FAIL name" lines.
if [ -z "${TESTS:-}" ]; then
	for t in tests/cli/*.sh; do
		[ -f "$t" ] || continue
		echo "== $t"
		out=$(O="$O" SAN="${SAN:-}" bash "$t" 2>&1)
		printf '%s\n' "$out"
		p=$(printf '%s\n' "$out" | grep -c '^ok ')
		f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
		passed=$((passed + p))
		failed=$((failed + f))
		[ "$f" -eq 0 ] || failures+=("$t")
	done
fi

if [ ${#failures[@]} -ne 0 ]; then
	echo "failing: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
