#!/usr/bin/env bash
# Stopping vnfdp (echo, nic mode, 2 workers on a 2-queue veth) while frames still arrive, per
# backend, and losing the interface under a running vnfdp:
#   under_load.stopped    SIGTERM in mid-traffic: exit 0 with final and conserved true and
#                         nothing in flight (frames arriving after it closed its sockets are
#                         not its to count, so there is no end-to-end sum here)
#   under_load.detached   (afxdp) no XDP program or vnfdp XDP state file left
#   link_gone.survives    the veth pair is deleted under it: it keeps running
#   link_gone.stopped     and then stops on SIGTERM with exit 0, final and conserved
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

# stop_case NAME BACKEND WHAT(under_load|link_gone)
stop_case() {
	local name=$1 backend=$2 what=$3 t=$NS_TMP/$1 sock pid tpid rc n i
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup 2; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	cat >"$t/dp.json" <<EOF
{"mode": "nic", "port": {"backend": "$backend", "iface": "$IF_B"}, "workers": 2,
 "app": {"name": "echo"}, "stats": {"socket": "$sock"}}
EOF
	ns_trafgen_cfg "$t/tg.cfg" 1024 64
	ns_start_vnfdp "$name.start" "$t/dp.json" "$t/dp.out" "$t/dp.err" "$sock" || return
	pid=$NS_DP_PID
	ns_bg gen trafgen -o "$IF_A" -i "$t/tg.cfg" -n 200000 -P 1 -q -t 10us >/dev/null 2>&1
	tpid=$NS_LAST_PID
	for ((i = 0; i < 100; i++)); do # until frames flow
		n=$(ns_counters /dev/stdout | python3 -c \
			'import json,sys; print(json.load(sys.stdin)["b"]["rx_packets"])' 2>/dev/null)
		[ "${n:-0}" -gt 1000 ] && break
		sleep 0.1
	done
	if [ "$what" = link_gone ]; then
		ip -n "$NS_GEN" link del "$IF_A"
		sleep 0.5
		if kill -0 "$pid" 2>/dev/null; then
			ok "$name.survives"
		else
			fail "$name.survives" "vnfdp exited when its interface went away" \
				"$(tail -3 "$t/dp.err")"
		fi
	fi
	ns_stop "$pid" 10
	rc=$?
	ns_stop "$tpid"
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" 'j["final"] and j["conserved"] and j["in_flight"] == 0 and j["rx"] > 0')" = True ]; then
		ok "$name.stopped"
	else
		fail "$name.stopped" "vnfdp exit $rc" "$(tail -c 600 "$t/dp.out")" \
			"$(tail -3 "$t/dp.err")"
	fi
	if [ "$backend" = afxdp ] && [ "$what" = under_load ]; then
		n="$(ns_xdp_prog_ids)$(ns_state_files)"
		if [ -z "$n" ]; then ok "$name.detached"; else fail "$name.detached" "left: $n"; fi
	fi
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

for backend in afpacket afxdp; do
	stop_case "stop.$backend.under_load" "$backend" under_load
	stop_case "stop.$backend.link_gone" "$backend" link_gone
done
exit 0
