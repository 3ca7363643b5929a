#!/usr/bin/env bash
# vnfdp run | check | stats | bench through the binary: exit codes, messages, JSON output,
# statistics socket, and clean shutdown on SIGTERM/SIGINT within 2 seconds.
# Env: O (build dir).  Prints "ok   name" / "FAIL name" per check.
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
VNFDP=$O/vnfdp
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ ! -x "$VNFDP" ]; then
	echo "FAIL vnfdp.binary ($VNFDP not built)"
	exit 0
fi

ok() { echo "ok   vnfdp.$1"; }
fail() {
	echo "FAIL vnfdp.$1"
	shift
	[ $# -eq 0 ] || printf '  %s\n' "$@"
}
check() { # NAME COMMAND...: passes when the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "failed: $*"; fi
}

# json FILE PYTHON-EXPR: evaluates EXPR with j = the JSON object in FILE (last line).
json() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
j = json.loads(lines[-1])
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

run_expect() { # NAME WANT_RC STDERR_REGEX -- ARGS...
	local name=$1 want_rc=$2 err_re=$3 rc
	shift 4
	"$VNFDP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -Eq -- "$err_re" "$tmp/err"; then
		ok "$name"
	else
		fail "$name" "exit $rc (want $want_rc)" "stderr: $(head -3 "$tmp/err")"
	fi
}

# ---- help and usage -------------------------------------------------------------------
"$VNFDP" --help >"$tmp/out" 2>&1
if [ $? -eq 0 ] && grep -q "run" "$tmp/out" && grep -q "bench" "$tmp/out" && grep -q "stats" "$tmp/out"; then
	ok help
else
	fail help
fi
for c in run check stats rss bench; do
	"$VNFDP" "$c" --help >"$tmp/out" 2>&1
	if [ $? -eq 0 ] && grep -q "usage: vnfdp $c" "$tmp/out"; then ok "help_$c"; else fail "help_$c"; fi
done
run_expect no_command 2 "usage" --
run_expect unknown_command 2 'vnfdp: frobnicate: unknown command \(accepted: run, check, stats, rss, bench\)' -- frobnicate
run_expect run_no_config 2 "expected one CONFIG.json" -- run

# ---- check --------------------------------------------------------------------------------
"$VNFDP" check templates/dp-minimal.json >"$tmp/check" 2>"$tmp/err"
if [ $? -eq 0 ] && python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
assert j["mode"]=="sw" and j["workers"]==2 and j["port"]["backend"]=="afpacket"
assert j["io_cores"]==1 and j["burst"]["rx"]==32 and j["app"]["name"]=="echo"' "$tmp/check" 2>/dev/null; then
	ok check_minimal_defaults
else
	fail check_minimal_defaults "$(cat "$tmp/err")"
fi
for t in templates/*.json; do
	check "check_template_$(basename "$t" .json)" "$VNFDP" check "$t" >/dev/null 2>&1
done
echo '{"mode": "sw", "port": {"backend": "mem", "iface": "m"}, "workers": 0}' >"$tmp/bad.json"
run_expect check_bad_range 1 'bad.json: workers: 0 is out of range \(accepted: 1\.\.64\)' -- check "$tmp/bad.json"
echo '{"mode": "sw", "port": {"backend": "dpdk", "iface": "m"}}' >"$tmp/bad2.json"
run_expect check_bad_backend 1 'port.backend: "dpdk" is not a backend \(accepted: mem, afpacket, afxdp, netmap\)' -- check "$tmp/bad2.json"
run_expect check_missing_file 1 "nope.json: No such file" -- check "$tmp/nope.json"

# ---- run: nothing starts on a bad config or an unavailable backend --------------------------
run_expect run_bad_config 1 'workers: 0 is out of range' -- run "$tmp/bad.json"
cat >"$tmp/afp.json" <<'EOF'
{"mode": "sw", "port": {"backend": "afpacket", "iface": "vnfnosuch0"}, "workers": 1, "app": {"name": "echo"}}
EOF
run_expect run_backend_no_iface 1 'vnfnosuch0: no such interface' -- run "$tmp/afp.json"

# ---- run: the mem generator ends the run by itself -------------------------------------------
for mode in sw nic; do
	cat >"$tmp/gen-$mode.json" <<EOF
{"mode": "$mode", "port": {"backend": "mem", "iface": "m", "mem": {"packets": 100000, "flows": 256}},
 "workers": 2, "app": {"name": "echo"}}
EOF
	timeout 30 "$VNFDP" run "$tmp/gen-$mode.json" >"$tmp/run.out" 2>"$tmp/run.err"
	rc=$?
	if [ $rc -eq 0 ] && json "$tmp/run.out" \
		'j["rx"]==100000 and j["rx"]==j["tx"]+j["consumed"]+j["drops_total"] and j["conserved"] and j["final"] and j["in_flight"]==0 and len(j["workers"])==2 and "worker_ring_full" in j["drops"]'; then
		ok "run_generator_ends_$mode"
	else
		fail "run_generator_ends_$mode" "exit $rc" "$(tail -c 400 "$tmp/run.out")" "$(cat "$tmp/run.err")"
	fi
done

# ---- run: statistics socket, then SIGTERM / SIGINT: drained, final JSON, within 2 s ----------
for sig in TERM INT; do
	sock=$tmp/vnfdp-$sig.sock
	cat >"$tmp/live.json" <<EOF
{"mode": "sw", "port": {"backend": "mem", "iface": "m", "mem": {"rate": 200000}},
 "workers": 2, "app": {"name": "echo"}, "stats": {"socket": "$sock"}}
EOF
	"$VNFDP" run "$tmp/live.json" >"$tmp/live.out" 2>"$tmp/live.err" &
	pid=$!
	pids+=("$pid")
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	sleep 0.3
	"$VNFDP" stats --socket "$sock" >"$tmp/stats.out" 2>"$tmp/stats.err"
	if [ $? -eq 0 ] && json "$tmp/stats.out" 'j["rx"]>0 and j["conserved"] and not j["final"] and j["in_flight"]>=0'; then
		ok "stats_socket_live_$sig"
	else
		fail "stats_socket_live_$sig" "$(cat "$tmp/stats.out" "$tmp/stats.err")"
	fi
	"$VNFDP" stats --socket "$sock" --pretty >"$tmp/pretty.out" 2>&1
	if [ $? -eq 0 ] && [ "$(wc -l <"$tmp/pretty.out")" -gt 5 ]; then ok "stats_pretty_$sig"; else fail "stats_pretty_$sig"; fi
	if [ "$sig" = TERM ]; then
		# A second run on the same socket is refused and leaves the first one's socket alone.
		"$VNFDP" run "$tmp/live.json" >/dev/null 2>"$tmp/second.err"
		rc=$?
		if [ $rc -eq 1 ] && grep -q "stats.socket: $sock: another vnfdp is serving statistics there" "$tmp/second.err" &&
			"$VNFDP" stats --socket "$sock" >/dev/null 2>&1; then
			ok "stats_socket_kept_for_live_run"
		else
			fail "stats_socket_kept_for_live_run" "exit $rc" "$(cat "$tmp/second.err")"
		fi
	fi
	start=$(date +%s%N)
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ $rc -eq 0 ] && [ $ms -lt 2000 ] && json "$tmp/live.out" \
		'j["final"] and j["conserved"] and j["in_flight"]==0 and j["rx"]>0 and j["drops"]["shutdown_timeout"]==0'; then
		ok "shutdown_on_SIG${sig}_${ms}ms"
	else
		fail "shutdown_on_SIG$sig" "exit $rc after ${ms} ms" "$(tail -c 400 "$tmp/live.out")" "$(cat "$tmp/live.err")"
	fi
	if [ ! -e "$sock" ]; then ok "socket_removed_$sig"; else fail "socket_removed_$sig"; fi
done
run_expect stats_no_daemon 1 "vnfdp stats: $tmp/none.sock: cannot read statistics" -- stats --socket "$tmp/none.sock"

# ---- bench -----------------------------------------------------------------------------------
for args in "--mode sw --workers 2" "--mode sw --io-cores 2 --workers 1" "--mode rtc --workers 2" "--mode sw --lossless"; do
	name=bench_json_$(echo "$args" | tr -d ' -')
	# shellcheck disable=SC2086
	"$VNFDP" bench $args --packets 200000 --no-pin --json >"$tmp/bench.out" 2>"$tmp/bench.err"
	rc=$?
	if [ $rc -eq 0 ] && json "$tmp/bench.out" \
		'j["packets"]==200000 and j["mpps"]>0 and j["cycles_per_packet"]>0 and j["conserved"] is True and isinstance(j["drops"],dict) and sum(w["packets"] for w in j["workers"])+j["drops_total"]==200000'; then
		ok "$name"
	else
		fail "$name" "exit $rc" "$(cat "$tmp/bench.out" "$tmp/bench.err")"
	fi
done
"$VNFDP" bench --packets 50000 --no-pin >"$tmp/bench.txt" 2>&1
if grep -q "Mpps" "$tmp/bench.txt" && grep -q "conservation held" "$tmp/bench.txt"; then ok bench_text; else fail bench_text "$(cat "$tmp/bench.txt")"; fi
run_expect bench_bad_mode 2 '--mode: "fast" is not a mode \(accepted: sw, rtc\)' -- bench --mode fast
run_expect bench_bad_workers 2 '--workers: "0" is not a number in 1\.\.64' -- bench --workers 0
run_expect bench_bad_option 2 "--frob: unknown option" -- bench --frob
exit 0
