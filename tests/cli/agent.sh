#!/usr/bin/env bash
# vnfctl deploy/start/stop/status/logs against a real qemu-ga on a unix socket
# (`qemu-ga -m unix-listen`): the "guest" is this host, its paths under a temp dir.
#  - usage errors (exit 2, the bad value named), --help of the five commands, --dry-run;
#  - deploy -> start -> status (text, --json: threads add up to the totals, conserved) -> logs
#    -> stop; sha256 of the installed binary, config mode 0644, no *.vnfctl-new left;
#  - a config the binary rejects, a disabled guest-exec, an unreachable socket, start when
#    running, stop when stopped;
#  - faults in qemu-ga's replies (tests/cli/qga_proxy.py): one run per kind at fixed places,
#    then random faults over alternating binaries A and B.  After every run either vnfctl
#    exited 0 and A/B just deployed is installed, or it exited 1 with a message and the
#    previous one still is: never a third state, never a partial file.
# Env: O (build dir); AGENT_RANDOM_RUNS (default 200); AGENT_KEEP=1 keeps the temp dir.
# Prints "ok   agent.NAME" / "FAIL agent.NAME"; "skip agent ..." without root or qemu-ga.
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
V=$PWD/$O/vnfctl
DP=$PWD/$O/vnfdp
PROXY=$PWD/tests/cli/qga_proxy.py
RUNS=${AGENT_RANDOM_RUNS:-200}
TMO=0.4 # --timeout of the fault runs: each timeout costs this much

ok() { echo "ok   agent.$1"; }
fail() { # NAME [DETAIL...]
	echo "FAIL agent.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}

for b in "$V" "$DP"; do
	if [ ! -x "$b" ]; then
		fail binary "$b not built"
		exit 0
	fi
done

tmp=$(mktemp -d /tmp/vnfctl-agent.XXXXXX)
export VNFCTL_STATE_DIR=$tmp/state
# qemu-ga, proxies and lanes we started and did not stop yet: one file per pid (the lanes are
# subshells, so an array would not reach the cleanup)
mkdir "$tmp/pids"
track() { : >"$tmp/pids/$1"; }

# Every vnfdp started from a binary under $tmp (the guest's dataplanes), by its executable.
guest_procs() {
	local p e
	for p in /proc/[0-9]*; do
		e=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$e" in "$tmp"/*) echo "${p#/proc/}" ;; esac
	done
}

cleanup() {
	local p
	for p in $(ls "$tmp/pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	for p in $(guest_procs); do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${AGENT_KEEP:-}" ]; then echo "  kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_socket() { # PATH: up to 5 s
	local i
	for i in $(seq 50); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ga_start NAME [qemu-ga options]: qemu-ga on $tmp/NAME.sock; its pid in GA_PID.
ga_start() {
	local name=$1
	shift
	mkdir -p "$tmp/$name-state"
	qemu-ga -m unix-listen -p "$tmp/$name.sock" -t "$tmp/$name-state" -l "$tmp/$name.log" \
		-f "$tmp/$name.pid" "$@" &
	GA_PID=$!
	track "$GA_PID"
	wait_socket "$tmp/$name.sock"
}

# proxy_start NAME UPSTREAM [proxy options]: the proxy on $tmp/NAME.sock, faults logged to
# $tmp/NAME.faults; its pid in PX_PID.
proxy_start() {
	local name=$1 up=$2
	shift 2
	rm -f "$tmp/$name.sock" "$tmp/$name.faults"
	python3 "$PROXY" --listen "$tmp/$name.sock" --upstream "$up" --log "$tmp/$name.faults" "$@" &
	PX_PID=$!
	track "$PX_PID"
	wait_socket "$tmp/$name.sock"
}

stop_pid() {
	kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	rm -f "$tmp/pids/$1"
}

# vc ARGS...: runs vnfctl; RC, and the output in $tmp/out, $tmp/err.
vc() {
	"$V" "$@" >"$tmp/out" 2>"$tmp/err"
	RC=$?
}

# expect NAME WANT_RC STDOUT_REGEX STDERR_REGEX -- ARGS...
expect() {
	local name=$1 want=$2 out_re=$3 err_re=$4
	shift 5
	vc "$@"
	if [ "$RC" = "$want" ] && { [ -z "$out_re" ] || grep -Eq -- "$out_re" "$tmp/out"; } &&
		{ [ -z "$err_re" ] || grep -Eq -- "$err_re" "$tmp/err"; }; then
		ok "$name"
	else
		fail "$name" "vnfctl $* -> exit $RC (want $want)" "$(head -c 1500 "$tmp/out" "$tmp/err")"
	fi
}

sha() { # FILE: its sha256, or "none"
	if [ -e "$1" ]; then sha256sum "$1" | cut -c1-64; else echo none; fi
}

# ---- usage, help, dry run: no agent needed ------------------------------------------------

for c in deploy start stop status logs; do
	expect "help_$c" 0 "^usage: vnfctl $c DOMAIN" '' -- "$c" --help
done
expect usage_no_domain 2 '' 'exactly one DOMAIN is required' -- start --agent-socket "$tmp/x.sock"
expect usage_two_domains 2 '' 'exactly one DOMAIN is required' -- stop a b
expect usage_no_config 2 '' '--config FILE is required' -- deploy h1 --agent-socket "$tmp/x.sock"
expect usage_timeout_zero 2 '' '--timeout "0": not a number of seconds' -- status h1 --timeout 0
expect usage_timeout_word 2 '' '--timeout "soon": not a number of seconds' -- logs h1 --timeout soon
expect usage_timeout_negative 2 '' '--timeout "-1": not a number of seconds' -- deploy h1 --config x --timeout -1
expect usage_bad_path 2 '' '--path "bin/vnfdp": must be an absolute guest path' -- start h1 --path bin/vnfdp
expect usage_bad_lines 2 '' '--lines "0": not a number in 1..100000' -- logs h1 --lines 0
expect usage_unknown_option 2 '' 'unknown option or missing value: "--frob"' -- stop h1 --frob

if [ "$(id -u)" != 0 ]; then
	echo "skip agent (needs root)"
	exit 0
fi
for t in qemu-ga python3 sha256sum; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "skip agent (no $t: make deps installs qemu-guest-agent)"
		exit 0
	fi
done

# Binaries A and B (B = A + a tail, still a valid ELF), configs A and B (both valid).
cp "$DP" "$tmp/vnfdp-A"
cp "$DP" "$tmp/vnfdp-B"
printf 'vnfctl agent test: binary B\n' >>"$tmp/vnfdp-B"
cfg() { # WORKERS FLOWS
	printf '{ "mode": "sw", "workers": %s, "port": { "backend": "mem", "iface": "m", "mem": ' "$1"
	printf '{ "packets": 0, "flows": %s, "rate": 100000 } }, "app": { "name": "echo" } }\n' "$2"
}
cfg 1 16 >"$tmp/cfg-A.json"
cfg 1 32 >"$tmp/cfg-B.json"
cfg 0 16 >"$tmp/cfg-bad.json"
SHA_A=$(sha "$tmp/vnfdp-A")
SHA_B=$(sha "$tmp/vnfdp-B")

# guest DIR: the guest-side options of a deployment whose files live under DIR
guest() { echo "--path $1/bin/vnfdp --config-path $1/etc/dp.json --run-dir $1/run"; }

g=$tmp/g1
expect dry_run 0 "^would install $tmp/vnfdp-A \\([0-9]+ bytes, sha256 $SHA_A\\) as $g/bin/vnfdp" '' -- \
	deploy h1 --agent-socket "$tmp/none.sock" --binary "$tmp/vnfdp-A" --config "$tmp/cfg-A.json" $(guest "$g") --dry-run
if [ ! -e "$g" ] && [ ! -e "$VNFCTL_STATE_DIR/h1.json" ]; then ok dry_run_touches_nothing; else
	fail dry_run_touches_nothing "$(find "$g" "$VNFCTL_STATE_DIR" 2>&1)"; fi
expect unreachable_socket 1 '' "^vnfctl: h1: $tmp/none.sock: cannot connect to the guest agent socket: No such file or directory" -- \
	deploy h1 --agent-socket "$tmp/none.sock" --binary "$tmp/vnfdp-A" --config "$tmp/cfg-A.json" $(guest "$g")

# ---- the whole life cycle on a plain qemu-ga ----------------------------------------------

t0=$SECONDS
if ! ga_start ga; then
	fail qemu_ga "qemu-ga did not create its socket" "$(cat "$tmp/ga.log" 2>/dev/null)"
	exit 0
fi
A=(--agent-socket "$tmp/ga.sock")
expect deploy 0 "^h1: installed $g/bin/vnfdp \\(sha256 ${SHA_A:0:16}" 'deploy h1: installing' -- \
	deploy h1 "${A[@]}" --binary "$tmp/vnfdp-A" --config "$tmp/cfg-A.json" $(guest "$g")
if [ "$(sha "$g/bin/vnfdp")" = "$SHA_A" ]; then ok deploy_sha256; else
	fail deploy_sha256 "installed $(sha "$g/bin/vnfdp"), sent $SHA_A"; fi
if [ "$(stat -c %a "$g/etc/dp.json" 2>&1)" = 644 ] && [ "$(stat -c %a "$g/bin/vnfdp" 2>&1)" = 755 ]; then
	ok deploy_modes
else
	fail deploy_modes "config $(stat -c %a "$g/etc/dp.json" 2>&1), binary $(stat -c %a "$g/bin/vnfdp" 2>&1)"
fi
left=$(find "$g" -name '*.vnfctl-new')
if [ -z "$left" ]; then ok deploy_no_leftovers; else fail deploy_no_leftovers "$left"; fi
if grep -q "\"socket\":\"$g/run/vnfdp.sock\"" "$VNFCTL_STATE_DIR/h1.json" 2>/dev/null &&
	grep -q "\"sha256\":\"$SHA_A\"" "$VNFCTL_STATE_DIR/h1.json"; then ok deploy_record; else
	fail deploy_record "$(cat "$VNFCTL_STATE_DIR/h1.json" 2>&1)"; fi
# the config as installed: the original plus the stats socket vnfctl added
if python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.exit(not (c["stats"]["socket"]==sys.argv[2] and c["port"]["mem"]["flows"]==16))' \
	"$g/etc/dp.json" "$g/run/vnfdp.sock" 2>/dev/null; then ok deploy_config; else
	fail deploy_config "$(cat "$g/etc/dp.json" 2>&1)"; fi

expect status_not_running 1 '' '^vnfctl: h1: status: no dataplane runs' -- status h1 "${A[@]}" --interval 0.1
expect logs_never_started 1 '' "^vnfctl: h1: logs: $g/run/vnfdp.log does not exist in the guest" -- logs h1 "${A[@]}"
expect start 0 "^h1: dataplane running \\(pid [0-9]+\\), statistics on $g/run/vnfdp.sock" '' -- start h1 "${A[@]}"
dp_pid=$(cat "$g/run/vnfdp.pid" 2>/dev/null)
if [ -n "$dp_pid" ] && [ "$(readlink "/proc/$dp_pid/exe")" = "$g/bin/vnfdp" ]; then ok start_process; else
	fail start_process "pid file: ${dp_pid:-none}; guest processes: $(guest_procs | tr '\n' ' ')"; fi
expect start_running 1 '' "^vnfctl: h1: start: the dataplane runs already \\(pid $dp_pid\\)" -- start h1 "${A[@]}"

expect status_text 0 '^conservation: rx [0-9]+ = tx [0-9]+ .*: ok$' '' -- status h1 "${A[@]}" --interval 0.3
if grep -Eq "^h1: vnfdp pid $dp_pid, mode sw, up " "$tmp/out" && grep -Eq '^worker 0 ' "$tmp/out" &&
	grep -Eq '^total +[0-9]+ +[0-9]+ ' "$tmp/out" &&
	awk '$1=="total" && $2>0 {t=1} END {exit !t}' "$tmp/out"; then ok status_text_table; else
	fail status_text_table "$(cat "$tmp/out")"; fi

vc --json status h1 "${A[@]}" --interval 0.3
# the io threads' rx/tx add up to the totals; the workers handled no more than came in;
# rx = tx + consumed + drops + in flight; rates from the uptime change are near the set rate
if [ "$RC" = 0 ] && python3 - "$tmp/out" "$dp_pid" >"$tmp/why" 2>&1 <<'EOF'; then ok status_json; else
import json, sys
v = json.load(open(sys.argv[1]))
s, t = v["stats"], v["total"]
io = [x for x in v["threads"] if x["role"] != "worker"]
wk = [x for x in v["threads"] if x["role"] == "worker"]
def need(cond, what):
    if not cond:
        print("not true:", what, json.dumps(v)[:800])
        sys.exit(1)
need(v["pid"] == int(sys.argv[2]) and v["mode"] == "sw", "pid and mode")
need(len(io) == 1 and len(wk) == 1, "one io thread and one worker")
need(t["rx"] == sum(x["rx"] for x in io) == s["rx"] > 0, "io rx adds up to total rx")
need(t["tx"] == sum(x["tx"] for x in io) == s["tx"], "io tx adds up to total tx")
need(sum(x["rx"] for x in wk) <= t["rx"], "workers handled at most rx")
need(t["drops"] == s["drops_total"] == sum(x["drops"] for x in v["threads"]), "drops add up")
need(s["rx"] == s["tx"] + s["consumed"] + s["drops_total"] + s["in_flight"], "rx conserved")
need(v["conserved"] is True and v["in_flight"] == s["in_flight"], "conserved true")
need(0.05 < t["rx_mpps"] < 0.15 and 0.05 < wk[0]["rx_mpps"] < 0.15, "rate near 0.1 Mpps")
EOF
	fail status_json "exit $RC" "$(cat "$tmp/why" "$tmp/err")"
fi

expect logs_running 0 '^vnfdp run: m: mem, 1 queue; mode sw, 1 worker, app echo' '' -- logs h1 "${A[@]}"
expect stop 0 "^h1: dataplane \\(pid $dp_pid\\) stopped" '' -- stop h1 "${A[@]}"
if [ -z "$(guest_procs)" ] && [ ! -e "$g/run/vnfdp.pid" ]; then ok stop_process_gone; else
	fail stop_process_gone "still: $(guest_procs | tr '\n' ' ')"; fi
expect stop_not_running 1 '' '^vnfctl: h1: stop: no dataplane runs$' -- stop h1 "${A[@]}"
expect logs_final_stats 0 '"final":true' '' -- logs h1 "${A[@]}" --lines 3

# a config the new binary rejects: nothing of the deployment changes, nothing starts
before="$(sha "$g/bin/vnfdp") $(sha "$g/etc/dp.json") $(sha "$VNFCTL_STATE_DIR/h1.json")"
expect reject_config 1 '' '^vnfctl: h1: deploy failed: the dataplane rejects the config: .*workers: 0 is out of range \(accepted: 1\.\.64\)' -- \
	deploy h1 "${A[@]}" --binary "$tmp/vnfdp-B" --config "$tmp/cfg-bad.json" $(guest "$g")
after="$(sha "$g/bin/vnfdp") $(sha "$g/etc/dp.json") $(sha "$VNFCTL_STATE_DIR/h1.json")"
left=$(find "$g" -name '*.vnfctl-new')
if [ "$before" = "$after" ] && [ -z "$left" ] && [ -z "$(guest_procs)" ] && [ ! -e "$g/run/vnfdp.pid" ]; then
	ok reject_config_unchanged
else
	fail reject_config_unchanged "before $before" "after  $after" "left: $left" "procs: $(guest_procs | tr '\n' ' ')"
fi
stop_pid "$GA_PID"

# guest-exec disabled in the guest: a clear message, nothing deployed
ga_start ga-noexec -b guest-exec,guest-exec-status
expect disabled_exec 1 '' 'guest-exec is disabled or unknown in the guest' -- \
	deploy h2 --agent-socket "$tmp/ga-noexec.sock" --binary "$tmp/vnfdp-A" --config "$tmp/cfg-A.json" $(guest "$tmp/g2")
expect disabled_exec_status 1 '' 'guest-exec is disabled or unknown in the guest' -- \
	status h1 --agent-socket "$tmp/ga-noexec.sock"
stop_pid "$GA_PID"
echo "  life cycle and errors: $((SECONDS - t0)) s"

# ---- faults in the agent's replies ----------------------------------------------------------

# One deployment per lane: its own qemu-ga (it serves one client at a time), guest dir and
# domain.  fault_run LANE N PROXY-OPTIONS... deploys A (N even) or B (N odd) through a fresh
# proxy and classifies the outcome into $tmp/lane-LANE.tally: ok | clean | corrupt, and
# "unknown" when vnfctl said it could not tell whether the install happened (exit 1).
fault_run() {
	local lane=$1 n=$2 gd=$tmp/lane$1 side want_bin want_cfg have out rc cls left
	shift 2
	if [ $((n % 2)) = 0 ]; then side=A; else side=B; fi
	want_bin=$(eval echo "\$SHA_$side")
	want_cfg=${CFG_SHA[$side]}
	proxy_start "px$lane" "$tmp/ga$lane.sock" "$@" || { echo "corrupt $n proxy did not start" >>"$tmp/lane-$lane.tally"; return; }
	"$V" deploy "f$lane" --agent-socket "$tmp/px$lane.sock" --timeout "$TMO" --binary "$tmp/vnfdp-$side" \
		--config "$tmp/cfg-$side.json" $(guest "$gd") >"$tmp/lane$lane.out" 2>"$tmp/lane$lane.err"
	rc=$?
	stop_pid "$PX_PID"
	FAULTS_SEEN=$(wc -l <"$tmp/px$lane.faults" 2>/dev/null || echo 0)
	have="$(sha "$gd/bin/vnfdp") $(sha "$gd/etc/dp.json")"
	left=$(find "$gd" -name '*.vnfctl-new')
	if [ "$rc" = 0 ] && [ "$have" = "$want_bin $want_cfg" ] && [ -z "$left" ]; then
		cls=ok
		LANE_HAVE[$lane]=$have
	elif [ "$rc" = 1 ] && [ "$have" = "${LANE_HAVE[$lane]}" ] && grep -q '^vnfctl: ' "$tmp/lane$lane.err"; then
		cls=clean
	elif [ "$rc" = 1 ] && grep -q 'outcome is unknown' "$tmp/lane$lane.err" &&
		{ [ "$have" = "${LANE_HAVE[$lane]}" ] || [ "$have" = "$want_bin $want_cfg" ]; }; then
		cls=unknown
		LANE_HAVE[$lane]=$have
	else
		cls=corrupt
	fi
	{
		echo "$cls $n $side rc=$rc faults=$FAULTS_SEEN"
		if [ "$cls" != ok ] && [ "$cls" != clean ]; then
			echo "  installed $have"
			echo "  expected  $want_bin $want_cfg (or before: ${LANE_HAVE[$lane]})"
			echo "  left: $left"
			sed 's/^/  vnfctl: /' "$tmp/lane$lane.err" | tail -8
			sed 's/^/  proxy: /' "$tmp/px$lane.faults"
		fi
	} >>"$tmp/lane-$lane.tally"
	[ "$cls" = corrupt ] && LANE_HAVE[$lane]=$have
}

declare -A CFG_SHA LANE_HAVE
lane_init() { # LANE: its qemu-ga, then A and B deployed cleanly to learn the configs' sha
	local lane=$1 side
	ga_start "ga$lane" || return 1
	for side in B A; do
		"$V" deploy "f$lane" --agent-socket "$tmp/ga$lane.sock" --binary "$tmp/vnfdp-$side" \
			--config "$tmp/cfg-$side.json" $(guest "$tmp/lane$lane") >/dev/null 2>&1 || return 1
		CFG_SHA[$side]=$(sha "$tmp/lane$lane/etc/dp.json")
	done
	LANE_HAVE[$lane]="$SHA_A ${CFG_SHA[A]}"
}

t0=$SECONDS
if ! lane_init 0; then
	fail fault_setup "clean deploys through qemu-ga failed"
	exit 0
fi
# One run per kind at fixed places.  A deploy's replies: sync (the 0xFF's parse error, then
# the sync), guest-exec #1 (mkdir), file open, writes, close, guest-exec #2 (sha256 of the
# binary), open/write/close of the config, guest-exec #3 (its sha256), #4 (the binary checks
# the config), #5 (the renames); each guest-exec is followed by guest-exec-status polls.
# name, proxy fault spec, outcome wanted: ok (vnfctl recovers: a stale reply is skipped by its
# id; after the agent failed during the renames, vnfctl asks the guest what is installed) or
# clean (exit 1, nothing changed).
n=1
while read -r name spec want; do
	: >"$tmp/lane-0.tally"
	fault_run 0 $n --fault "$spec"
	n=$((n + 1))
	read -r cls _ <"$tmp/lane-0.tally"
	if [ "$FAULTS_SEEN" -lt 1 ]; then
		fail "fault.$name" "the proxy injected nothing ($spec)" "$(cat "$tmp/lane-0.tally")"
	elif [ "$cls" = corrupt ] || { [ "$want" != either ] && [ "$cls" != "$want" ]; }; then
		fail "fault.$name" "$spec: $cls, want $want" "$(cat "$tmp/lane-0.tally")"
	else
		ok "fault.$name ($spec: $cls)"
	fi
done <<'EOF'
delay_short_write delay:150@guest-file-write#3 ok
delay_long_write delay:1500@guest-file-write#3 clean
drop_write drop@guest-file-write#7 clean
truncate_sha_status truncate@guest-exec-status#4 clean
truncate_sync truncate@guest-sync-delimited#1 clean
stale_write stale@guest-file-write#9 ok
stale_sha_status stale@guest-exec-status#5 ok
garbage_before_close garbage:before@guest-file-close#1 clean
garbage_instead_open garbage:instead@guest-file-open#2 clean
close_check close@guest-exec#4 clean
drop_rename drop@guest-exec#5 ok
close_rename close@guest-exec#5 ok
delay_rename delay:1500@guest-exec#5 ok
garbage_rename_status garbage:instead@guest-exec-status#9 ok
EOF
echo "  fixed faults: $((SECONDS - t0)) s"

# Random faults: two lanes in parallel (2 cores), a seed per run, A and B alternating.
t0=$SECONDS
random_lane() { # LANE FIRST COUNT
	local lane=$1 i
	: >"$tmp/lane-$lane.tally"
	[ "$lane" = 0 ] || lane_init "$lane" || { echo "corrupt 0 lane $lane setup failed" >"$tmp/lane-$lane.tally"; return; }
	for ((i = $2; i < $2 + $3; i++)); do
		fault_run "$lane" "$i" --random "$i" --rate 0.025 --max-delay 800
	done
}
half=$((RUNS / 2))
random_lane 0 1000 "$half" &
l0=$!
track "$l0"
random_lane 1 $((1000 + half)) $((RUNS - half)) &
l1=$!
track "$l1"
wait "$l0" "$l1"
rm -f "$tmp/pids/$l0" "$tmp/pids/$l1"
cat "$tmp/lane-0.tally" "$tmp/lane-1.tally" >"$tmp/random.tally"
n_ok=$(grep -c '^ok ' "$tmp/random.tally")
n_clean=$(grep -c '^clean ' "$tmp/random.tally")
n_unknown=$(grep -c '^unknown ' "$tmp/random.tally")
n_bad=$(grep -c '^corrupt ' "$tmp/random.tally")
n_faulted=$(grep -c ' faults=[1-9]' "$tmp/random.tally")
n_recovered=$(grep -c '^ok .* faults=[1-9]' "$tmp/random.tally")
tally="$((n_ok + n_clean + n_unknown + n_bad)) runs, $n_faulted with faults: $n_ok succeeded ($n_recovered despite faults), $n_clean failed cleanly, $n_unknown unknown, $n_bad corrupt; $((SECONDS - t0)) s"
if [ "$n_bad" = 0 ] && [ "$((n_ok + n_clean + n_unknown))" = "$RUNS" ] && [ "$n_ok" -gt 0 ] && [ "$n_clean" -gt 0 ]; then
	ok "fault.random_zero_corrupt ($tally)"
else
	fail "fault.random_zero_corrupt ($tally)" "$(grep -A40 '^corrupt ' "$tmp/random.tally" | head -80)"
fi
[ "$n_unknown" = 0 ] || grep -A20 '^unknown ' "$tmp/random.tally" | head -40 | sed 's/^/  /'
exit 0
