#!/usr/bin/env bash
# The Linux kernel as the peer of the dataplane's own address, per backend and mode (sw with 1
# worker; nic with 2 workers on a 2-queue veth, where ARP frames that land on worker 1 are
# handed to worker 0), app udp-echo on port 7, addrs [$IP_DUT/24].  Nothing is configured on the
# kernel side but its own address: it finds the dataplane's MAC through the dataplane's ARP.
#   arping     `arping -c 3` from the generator: 3 replies, from $MAC_B
#   ping       `ping -c 5`: 5 replies
#   udp_echo   a kernel UDP socket sends 20 datagrams to $IP_DUT:7 and gets each payload back
#              from $IP_DUT:7; a datagram to port 8 gets no answer
#   counted    the dataplane's final statistics: conserved, ARP requests answered, nothing
#              unanswered, the port-8 datagram an app_drop
# TX checksum offload is off on the generator's veth (see below).
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

# local_case NAME BACKEND MODE WORKERS
local_case() {
	local name=$1 backend=$2 mode=$3 workers=$4 t=$NS_TMP/$1 sock pid rc n
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup "$workers"; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	ip -n "$NS_GEN" addr add "$IP_GEN/24" dev "$IF_A"
	# veth offloads the UDP checksum: the frames the dataplane sees would carry only the
	# pseudo-header sum, and the kernel would drop their echo as corrupt (as on any vNIC with
	# checksum offload: `vnfctl nic setup --offloads off` is for this)
	ns_in_gen ethtool -K "$IF_A" tx off >/dev/null
	cat >"$t/dp.json" <<EOF
{"mode": "$mode", "port": {"backend": "$backend", "iface": "$IF_B"}, "workers": $workers,
 "addrs": ["$IP_DUT/24"], "app": {"name": "udp-echo", "port": 7}, "stats": {"socket": "$sock"}}
EOF
	ns_start_vnfdp "$name.start" "$t/dp.json" "$t/dp.out" "$t/dp.err" "$sock" || return
	pid=$NS_DP_PID
	ok "$name.start"

	ns_in_gen arping -c 3 -w 5 -I "$IF_A" "$IP_DUT" >"$t/arping.out" 2>&1
	n=$(grep -ic "from $IP_DUT ($MAC_B)\|from $IP_DUT $MAC_B\|reply from $IP_DUT \[$MAC_B\]" "$t/arping.out")
	if [ "${n:-0}" -ge 3 ]; then ok "$name.arping"; else fail "$name.arping" "$(tail -4 "$t/arping.out")"; fi

	n=$(ns_in_gen ping -n -c 5 -i 0.2 -W 2 "$IP_DUT" 2>&1 | tee "$t/ping.out" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	if [ "${n:-0}" = 5 ]; then ok "$name.ping"; else fail "$name.ping" "$(tail -3 "$t/ping.out")"; fi

	ns_in_gen python3 tests/netns/udp_echo_client.py "$IP_DUT" 7 --silent-port 8 >"$t/udp.out" 2>&1
	if grep -q '^echoed 20$' "$t/udp.out" && ! grep -q 'answered on port 8' "$t/udp.out"; then
		ok "$name.udp_echo"
	else
		fail "$name.udp_echo" "$(tail -3 "$t/udp.out")"
	fi
	ns_stop "$pid" 10
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" 'j["final"] and j["conserved"] and j["drops"]["icmp_unanswered"] == 0 and j["drops"]["app_drop"] >= 1 and j["tx"] >= 28 and j["arp"]["rx_request"] >= 4')" = True ]; then
		ok "$name.counted"
	else
		fail "$name.counted" "vnfdp exit $rc" "$(tail -c 600 "$t/dp.out")"
	fi
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

for backend in afpacket afxdp; do
	local_case "local.$backend.sw" "$backend" sw 1
	local_case "local.$backend.nic" "$backend" nic 2
done
exit 0
