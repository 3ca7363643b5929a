#!/usr/bin/env bash
# Frames larger than the dataplane's 2048-byte buffers (a jumbo MTU on the link), per backend:
# they are skipped whole and counted in rx_missed, never truncated and passed on; the frames
# around them are echoed as usual.
#   counted   5 frames sent (100, 2600, 100, 2600, 100 bytes): rx 3, tx 3, rx_missed 2,
#             conserved
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

# oversize_case NAME BACKEND
oversize_case() {
	local name=$1 backend=$2 t=$NS_TMP/$1 sock pid rc n
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup 1; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	ip -n "$NS_GEN" link set "$IF_A" mtu 3000
	ip -n "$NS_DUT" link set "$IF_B" mtu 3000
	cat >"$t/dp.json" <<EOF
{"mode": "sw", "port": {"backend": "$backend", "iface": "$IF_B"}, "workers": 1,
 "app": {"name": "echo"}, "stats": {"socket": "$sock"}}
EOF
	ns_start_vnfdp "$name.start" "$t/dp.json" "$t/dp.out" "$t/dp.err" "$sock" || return
	pid=$NS_DP_PID
	ns_in_gen python3 - "$IF_A" "$MAC_B" "$MAC_FAKE" >"$t/send.out" 2>&1 <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
dst, src = (bytes.fromhex(m.replace(":", "")) for m in sys.argv[2:4])
for size in (100, 2600, 100, 2600, 100):
    pl = b"x" * (size - 42)
    udp = struct.pack("!HHHH", 1000, 9, 8 + len(pl), 0) + pl
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    s.send(dst + src + b"\x08\x00" + ip + udp)
PY
	for _ in $(seq 50); do # until all five reached the port, counted one way or the other
		n=$("$VNFDP" stats --socket "$sock" 2>/dev/null | python3 -c \
			'import json,sys; j=json.load(sys.stdin); print(j["rx"] + j["rx_missed"])' 2>/dev/null)
		[ "${n:-0}" -ge 5 ] && break
		sleep 0.1
	done
	ns_stop "$pid" 10
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" 'j["final"] and j["conserved"] and j["rx"] == 3 and j["tx"] == 3 and j["rx_missed"] == 2')" = True ]; then
		ok "$name.counted"
	else
		fail "$name.counted" "vnfdp exit $rc" "$(tail -c 300 "$t/dp.out")" "$(cat "$t/send.out")"
	fi
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

for backend in afpacket afxdp; do
	oversize_case "oversize.$backend" "$backend"
done
exit 0
