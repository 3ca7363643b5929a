#!/usr/bin/env bash
# Short libFuzzer run of every tests/fuzz/fuzz_*.c target (reliability.md §7.1 P1, tier A).
# Prints "ok   fuzz_smoke.<target>" or "FAIL fuzz_smoke.<target>" plus the log tail.
# Env: FUZZ_SMOKE_SECONDS (default 15).  O is ignored: fuzz targets always build in
# build/fuzz with their own flags, whatever sanitizer build the caller is testing.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SMOKE_SECONDS:-15}
fuzz_dir=build/fuzz
artifacts=$fuzz_dir/artifacts

targets=()
for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] && targets+=("$(basename "$src" .c)")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "FAIL fuzz_smoke.targets"
	echo "  no tests/fuzz/fuzz_*.c"
	exit 0
fi

fail_all() { # reason, log file (optional)
	for t in "${targets[@]}"; do
		echo "FAIL fuzz_smoke.$t"
	done
	echo "  $1"
	[ -n "${2:-}" ] && tail -20 "$2" | sed 's/^/  /'
}

if ! command -v clang >/dev/null 2>&1; then
	fail_all "clang not found (make deps installs clang and libclang-rt-14-dev)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SAN= on the command line: a sanitizer build in the environment must not rename the
# build directory.
if ! make --no-print-directory fuzz-build O=build SAN= >"$tmp/build.log" 2>&1; then
	fail_all "make fuzz-build failed" "$tmp/build.log"
	exit 0
fi

for t in "${targets[@]}"; do
	bin=$fuzz_dir/$t
	log=$tmp/$t.log
	corpus=$tmp/corpus-$t
	mkdir -p "$corpus" "$artifacts"
	cp tests/fuzz/seeds/* "$corpus"/ 2>/dev/null
	if [ "$t" = fuzz_domxml ]; then
		# domain XML to start from: the golden cases' inputs, behind the edit-picking byte
		for f in tests/golden/domxml/*/in.xml; do
			for b in '\010' '\001' '\002' '\162'; do
				{ printf "$b"; cat "$f"; } >"$corpus/$(basename "$(dirname "$f")")-${b#\\}"
			done
		done
	fi
	if [ "$t" = fuzz_vale_rss ]; then
		# the seed frames behind the byte that picks rings and the sending port
		for f in tests/fuzz/seeds/*; do
			for b in '\003' '\013' '\377'; do
				{ printf "$b"; cat "$f"; } >"$corpus/$(basename "$f")-${b#\\}"
			done
		done
	fi
	if [ "$t" = fuzz_plan ]; then
		# plans to start from: the golden plans, good and bad, and the demo
		cp tests/golden/plan/*.json templates/demo.json "$corpus"/
		for f in tests/golden/plan/bad/*.json; do cp "$f" "$corpus/bad-$(basename "$f")"; done
	fi
	# -artifact_prefix keeps crashers out of the work tree but where a developer finds them;
	# the outer timeout guards against a target that ignores -max_total_time (a hang).
	timeout $((secs + 60)) "$bin" -max_total_time="$secs" -max_len=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ "$rc" -eq 0 ] && grep -q '^Done ' "$log"; then
		echo "ok   fuzz_smoke.$t"
		echo "  ${execs:-?} execs, ${rate:-?}/s in ${secs}s"
	else
		echo "FAIL fuzz_smoke.$t"
		echo "  exit $rc after ${execs:-?} execs; crash inputs in $artifacts/"
		tail -30 "$log" | sed 's/^/  /'
	fi
done
exit 0
