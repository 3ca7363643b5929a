#!/usr/bin/env bash
# SIGKILL in mid-run (AF_XDP): vnfdp is killed with -9 while trafgen sends, so it detaches
# nothing.  Before the kill:
#   busy        a second vnfdp on the same interface exits 1 with "in use by another vnfdp"
#   busy_keeps_socket  and the first one still answers on its statistics socket
# After it:
#   killed      the kill left what a crash leaves (shown: XDP program, state file)
#   restart     the next start on the same interface works (it takes over the leftover state)
#   conserved   that run echoes, exits 0 on SIGTERM with final and conserved true
#   accounted   sent == echoed + drops_total + rx_missed + veth drops + counter drops
#   no_xdp      after it exits no XDP program is attached to the interface
#   no_pins     no libxdp pin of the interface is left under /sys/fs/bpf/xdp
#   no_state    no vnfdp XDP state file of the interface is left under /run/vnfdp
#   no_sockets  no process and no packet socket is left in the namespace (XDP sockets are listed
#               too when the kernel has XDP_SOCKETS_DIAG)
# once in sw mode (1 queue) and once in nic mode (2 queues, 2 workers).  Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

FLOWS=1024
PACKETS=20000

# kill_case NAME MODE WORKERS QUEUES
kill_case() {
	local name=$1 mode=$2 workers=$3 queues=$4 t=$NS_TMP/$1 sock pid upid tpid rc sent n i
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup "$queues"; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	cat >"$t/dp.json" <<EOF
{"mode": "$mode", "port": {"backend": "afxdp", "iface": "$IF_B"}, "workers": $workers,
 "app": {"name": "echo"}, "stats": {"socket": "$sock"}}
EOF
	ns_trafgen_cfg "$t/tg.cfg" "$FLOWS" 64

	# 1. start, send, kill -9 once frames flow
	ns_start_vnfdp "$name.first_start" "$t/dp.json" "$t/dp1.out" "$t/dp1.err" "$sock" || return
	pid=$NS_DP_PID
	# a second dataplane on the same interface is refused while the first one lives
	ns_in_dut "$VNFDP" run "$t/dp.json" >"$t/busy.out" 2>"$t/busy.err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "in use by another vnfdp (pid" "$t/busy.err" &&
		kill -0 "$pid" 2>/dev/null; then
		ok "$name.busy"
	else
		fail "$name.busy" "second vnfdp: exit $rc" "$(tail -3 "$t/busy.err")"
	fi
	if ns_in_dut "$VNFDP" stats --socket "$sock" >/dev/null 2>"$t/busy.stats"; then
		ok "$name.busy_keeps_socket"
	else
		fail "$name.busy_keeps_socket" "the refused second vnfdp took the first one's" \
			"statistics socket: $(cat "$t/busy.stats")"
	fi
	ns_bg gen trafgen -o "$IF_A" -i "$t/tg.cfg" -n $((PACKETS * 5)) -P 1 -q -t 10us \
		>/dev/null 2>&1
	tpid=$NS_LAST_PID
	# kill once frames flow (or trafgen is done: then it is at least a kill after traffic);
	# read from the interface, since the statistics socket may be gone (see busy_keeps_socket)
	for ((i = 0; i < 100; i++)); do
		n=$(ns_counters /dev/stdout | python3 -c \
			'import json,sys; print(json.load(sys.stdin)["b"]["rx_packets"])' 2>/dev/null)
		[ "${n:-0}" -gt 1000 ] || ! kill -0 "$tpid" 2>/dev/null && break
		sleep 0.1
	done
	info "killing vnfdp after ${n:-?} frames reached its interface"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	ns_stop "$tpid" # its sending child too (process group)
	n=$(ns_xdp_prog_ids)
	if [ -n "$n" ]; then
		ok "$name.killed"
		info "left by the kill: XDP program $n; pins: $(ns_our_pins | tr '\n' ' ')" \
			"state files: $(ns_state_files | tr '\n' ' ')"
	else
		# not a failure of the dataplane, but then the test did not test the takeover
		fail "$name.killed" "no XDP program left attached after kill -9"
	fi
	rm -f "$sock" # a killed run cannot remove its socket

	# 2. the next run starts, echoes and accounts for everything
	ns_bg gen "$UDP_COUNT" -i "$IF_A" -m "$MAGIC" -r "$t/ready" >"$t/count.json" 2>"$t/count.err"
	upid=$NS_LAST_PID
	ns_start_vnfdp "$name.restart" "$t/dp.json" "$t/dp2.out" "$t/dp2.err" "$sock" "$t/ready" || return
	pid=$NS_DP_PID
	ok "$name.restart"
	ns_counters "$t/k0.json"
	ns_trafgen "$t/sent" "$t/tg.cfg" "$PACKETS" -q -t 10us
	sent=$(cat "$t/sent")
	ns_wait_quiet "$sock" 10 || info "vnfdp did not settle within 10 s"
	ns_stop "$pid" 10
	rc=$?
	ns_finish_counter "$upid"
	ns_counters "$t/k1.json"
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp2.out" 'j["final"] and j["conserved"] and j["rx"] > 0')" = True ]; then
		ok "$name.conserved"
	else
		fail "$name.conserved" "vnfdp exit $rc" "$(tail -c 600 "$t/dp2.out")" "$(tail -3 "$t/dp2.err")"
	fi
	python3 - "$t" "${sent:-0}" >"$t/verdict" 2>&1 <<'EOF'
import json, sys
t, sent = sys.argv[1], int(sys.argv[2])
def last_json(path):
    return json.loads([l for l in open(path).read().splitlines() if l.startswith("{")][-1])
dp, c = last_json(t + "/dp2.out"), last_json(t + "/count.json")
k0, k1 = last_json(t + "/k0.json"), last_json(t + "/k1.json")
kd = k1["b"]["tx_dropped"] - k0["b"]["tx_dropped"] # paced: forward losses are resent
total = c["received"] + dp["drops_total"] + dp["rx_missed"] + kd + c["socket_drops"]
print(total == sent and c["received"] > 0 and c["bad_csum"] == 0)
print("sent %d = echoed %d + drops_total %d + rx_missed %d + veth drops %d + counter drops %d"
      % (sent, c["received"], dp["drops_total"], dp["rx_missed"], kd, c["socket_drops"]))
EOF
	if [ "$(head -1 "$t/verdict")" = True ]; then
		ok "$name.accounted"
	else
		fail "$name.accounted" "$(tail -n +2 "$t/verdict")"
	fi

	# 3. nothing of either run is left
	n=$(ns_xdp_prog_ids)
	if [ -z "$n" ]; then ok "$name.no_xdp"; else fail "$name.no_xdp" "XDP program(s) $n attached"; fi
	n=$(ns_our_pins)
	if [ -z "$n" ]; then ok "$name.no_pins"; else fail "$name.no_pins" "$n"; fi
	n=$(ns_state_files)
	if [ -z "$n" ]; then ok "$name.no_state"; else fail "$name.no_state" "$n"; fi
	n=$(ip netns pids "$NS_DUT")
	n+=$(ip netns exec "$NS_DUT" ss -H -a -0 2>/dev/null)
	n+=$(ip netns exec "$NS_DUT" ss -H -a --xdp 2>/dev/null)
	if [ -z "$n" ]; then ok "$name.no_sockets"; else fail "$name.no_sockets" "$n"; fi
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

kill_case kill.afxdp.sw sw 1 1
kill_case kill.afxdp.nic nic 2 2
exit 0
