#!/usr/bin/env bash
# The vnfio API's example program (docs/examples/vnfio_echo.c) against the Linux kernel, per
# backend and mode (sw: 2 workers fed by the RX thread; nic: 2 workers on a 2-queue veth): the program
# drives the queues from its own threads and builds every reply in a fresh buffer; the
# dataplane answers ARP and ping and resolves the client's MAC for each reply.
#   ping       `ping -c 3` to the dataplane's address: 3 replies (the dataplane's own ICMP)
#   udp_echo   a kernel UDP socket sends 20 datagrams from 8 source ports to port 7 and gets
#              each payload back, with a valid UDP checksum (the kernel drops bad ones)
#   counted    the program's final statistics: conserved, one generated packet per echo
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require
EXAMPLE=$O/examples/vnfio_echo
if [ ! -x "$EXAMPLE" ]; then
	fail vnfio.tools "missing: $EXAMPLE"
	exit 0
fi

vnfio_case() {
	local name=$1 backend=$2 mode=$3 workers=$4 t=$NS_TMP/$1 pid rc n i q=1
	mkdir -p "$t"
	[ "$mode" = sw ] || q=$workers # sw mode reads one queue and spreads it itself
	if ! ns_setup "$q"; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	ip -n "$NS_GEN" addr add "$IP_GEN/24" dev "$IF_A"
	ns_in_gen ethtool -K "$IF_A" tx off >/dev/null
	cat >"$t/dp.json" <<EOF
{"mode": "$mode", "port": {"backend": "$backend", "iface": "$IF_B"}, "workers": $workers,
 "addrs": ["$IP_DUT/24"]}
EOF
	ns_bg dut "$EXAMPLE" "$t/dp.json" 7 >"$t/dp.out" 2>"$t/dp.err"
	pid=$NS_LAST_PID
	for ((i = 0; i < 200; i++)); do
		grep -q 'queues, UDP port 7' "$t/dp.err" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -q 'queues, UDP port 7' "$t/dp.err"; then
		fail "$name.start" "$(tail -3 "$t/dp.err")"
		ns_teardown
		return
	fi
	ok "$name.start"

	n=$(ns_in_gen ping -n -c 3 -i 0.2 -W 2 "$IP_DUT" 2>&1 | tee "$t/ping.out" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	if [ "${n:-0}" = 3 ]; then ok "$name.ping"; else fail "$name.ping" "$(tail -3 "$t/ping.out")"; fi

	# several source ports: flows spread over the queues
	ns_in_gen python3 tests/netns/udp_echo_client.py "$IP_DUT" 7 --sockets 8 >"$t/udp.out" 2>&1
	if grep -q '^echoed 20$' "$t/udp.out"; then
		ok "$name.udp_echo"
	else
		fail "$name.udp_echo" "$(tail -3 "$t/udp.out")"
	fi
	ns_stop "$pid" 10
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" 'j["final"] and j["conserved"] and j["generated"] == 20 and j["tx"] >= 23 and j["drops_total"] == 0')" = True ]; then
		ok "$name.counted"
	else
		fail "$name.counted" "exit $rc" "$(tail -c 600 "$t/dp.out")" "$(tail -3 "$t/dp.err")"
	fi
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

for backend in afpacket afxdp; do
	vnfio_case "vnfio.$backend.sw" "$backend" sw 2
	vnfio_case "vnfio.$backend.nic" "$backend" nic 2
done
exit 0
