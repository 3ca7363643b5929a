#!/usr/bin/env bash
# The router app between two Linux kernels on different subnets, with nothing configured on
# the dataplane but its two addresses: it learns both kernels' MACs through its own ARP.
#
#   $NS_H1 (10.98.1.2/24, via .1) --\
#                                    br0 in $NS_GEN -- $IF_A ==veth== $IF_B: vnfdp router
#   $NS_H2 (10.98.2.2/24, via .1) --/                                 addrs 10.98.1.1/24,
#                                                                           10.98.2.1/24
# Checks, per backend and mode (sw 1 worker; nic 2 workers on a 2-queue veth):
#   ping_12 / ping_21   ping from each side to the other: 5 replies (ICMP forwarded both ways)
#   udp                 a UDP client in H1 sends 20 datagrams to a UDP echo server in H2 and
#                       gets every one back (forwarded both ways, TTL 64 - 1 at the server)
#   ttl_exceeded        `ping -t 1` through the router: "Time to live exceeded" from 10.98.1.1
#   unreachable         ping to a subnet without a route: "Destination Net Unreachable"
#   counted             final statistics: conserved, both hosts' MACs from ARP (one learned
#                       from its request for the router, the other resolved; no static
#                       entries), no packet left waiting for a MAC, no ICMP error withheld
#   cleanup             nothing left behind
# TX checksum offload is off on the hosts' veths: the router forwards frames as they are, and
# a partial checksum would reach the other kernel as a bad one.
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

NS_H1=vnfdp-h1-$NS_SUFFIX
NS_H2=vnfdp-h2-$NS_SUFFIX
R1=10.98.1.1
R2=10.98.2.1
H1=10.98.1.2
H2=10.98.2.2

hosts_teardown() {
	local n p
	for n in "$NS_H1" "$NS_H2"; do
		[ -e "/run/netns/$n" ] || continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
}
trap 'hosts_teardown; ns_cleanup' EXIT

# hosts_setup: the bridge in $NS_GEN with $IF_A and one veth per host namespace.
hosts_setup() {
	local i n addr gw
	ip -n "$NS_GEN" link add br0 type bridge || return 1
	ip -n "$NS_GEN" link set "$IF_A" master br0 || return 1
	ip -n "$NS_GEN" link set br0 up || return 1
	for i in 1 2; do
		n=vnfdp-h$i-$NS_SUFFIX
		addr=10.98.$i.2/24
		gw=10.98.$i.1
		ip netns add "$n" || return 1
		ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
		ip -n "$n" link set lo up || return 1
		ip -n "$NS_GEN" link add "vh$i$NS_SUFFIX" type veth peer name eth0 netns "$n" ||
			return 1
		ip -n "$NS_GEN" link set "vh$i$NS_SUFFIX" master br0 up || return 1
		ip -n "$n" addr add "$addr" dev eth0 || return 1
		ip -n "$n" link set eth0 up || return 1
		ip -n "$n" route add default via "$gw" || return 1
		ip netns exec "$n" ethtool -K eth0 tx off >/dev/null || return 1
	done
}

in_h() { # 1|2 CMD...
	local n=vnfdp-h$1-$NS_SUFFIX
	shift
	ip netns exec "$n" "$@"
}

router_case() {
	local name=$1 backend=$2 mode=$3 workers=$4 t=$NS_TMP/$1 sock pid rc n srv
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup "$workers" || ! hosts_setup; then
		fail "$name.setup" "cannot create namespaces, bridge and veths"
		hosts_teardown
		ns_teardown
		return
	fi
	cat >"$t/dp.json" <<EOF
{"mode": "$mode", "port": {"backend": "$backend", "iface": "$IF_B"}, "workers": $workers,
 "addrs": ["$R1/24", "$R2/24"], "app": {"name": "router"}, "stats": {"socket": "$sock"}}
EOF
	if ! ns_start_vnfdp "$name.start" "$t/dp.json" "$t/dp.out" "$t/dp.err" "$sock"; then
		hosts_teardown
		return
	fi
	pid=$NS_DP_PID
	ok "$name.start"

	n=$(in_h 1 ping -n -c 5 -i 0.2 -W 2 "$H2" 2>&1 | tee "$t/ping12.out" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	if [ "${n:-0}" = 5 ]; then ok "$name.ping_12"; else fail "$name.ping_12" "$(tail -3 "$t/ping12.out")"; fi
	n=$(in_h 2 ping -n -c 5 -i 0.2 -W 2 "$H1" 2>&1 | tee "$t/ping21.out" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	if [ "${n:-0}" = 5 ]; then ok "$name.ping_21"; else fail "$name.ping_21" "$(tail -3 "$t/ping21.out")"; fi

	# a UDP echo server in H2 that also reports the TTL its datagrams arrived with
	in_h 2 python3 - >"$t/srv.out" 2>&1 <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
IP_RECVTTL, IP_TTL = 12, 2  # <linux/in.h>; not in every Python's socket module
s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
s.bind(("0.0.0.0", 9999))
s.settimeout(10)
ttls = set()
try:
    for _ in range(20):
        data, anc, _, peer = s.recvmsg(2048, socket.CMSG_SPACE(4))
        for lvl, typ, val in anc:
            if lvl == socket.IPPROTO_IP and typ == IP_TTL:
                ttls.add(int.from_bytes(val[:4], "little"))
        s.sendto(data, peer)
except socket.timeout:
    pass
print("ttls", sorted(ttls))
PY
	srv=$!
	sleep 0.3
	in_h 1 python3 tests/netns/udp_echo_client.py "$H2" 9999 >"$t/udp.out" 2>&1
	wait "$srv"
	if grep -q '^echoed 20$' "$t/udp.out" && grep -q '^ttls \[63\]$' "$t/srv.out"; then
		ok "$name.udp"
	else
		fail "$name.udp" "$(tail -2 "$t/udp.out")" "$(tail -2 "$t/srv.out")"
	fi

	in_h 1 ping -n -c 1 -t 1 -W 2 "$H2" >"$t/ttl.out" 2>&1
	if grep -q "From $R1 .*Time to live exceeded" "$t/ttl.out"; then
		ok "$name.ttl_exceeded"
	else
		fail "$name.ttl_exceeded" "$(tail -3 "$t/ttl.out")"
	fi
	in_h 1 ping -n -c 1 -W 2 10.77.0.1 >"$t/unreach.out" 2>&1
	if grep -q "From $R1 .*Destination Net Unreachable" "$t/unreach.out"; then
		ok "$name.unreachable"
	else
		fail "$name.unreachable" "$(tail -3 "$t/unreach.out")"
	fi

	ns_stop "$pid" 10
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" 'j["final"] and j["conserved"] and j["arp"]["static_entries"] == 0 and j["arp"].get("learned", 0) + j["arp"].get("resolved", 0) >= 2 and j["drops"]["arp_unresolved"] == 0 and j["drops"]["router_no_route"] == 0 and j["drops"]["router_ttl_expired"] == 0 and j["tx"] >= 2 * 10 + 2 * 20 + 2')" = True ]; then
		ok "$name.counted"
	else
		fail "$name.counted" "vnfdp exit $rc" "$(tail -c 900 "$t/dp.out")"
	fi
	hosts_teardown
	ns_teardown
	n=$(ns_leftovers)
	for i in "$NS_H1" "$NS_H2"; do
		ip netns list 2>/dev/null | grep -qw "$i" && n="$n namespace $i"
	done
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

for backend in afpacket afxdp; do
	router_case "router.$backend.sw" "$backend" sw 1
	router_case "router.$backend.nic" "$backend" nic 2
done
exit 0
