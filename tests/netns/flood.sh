#!/usr/bin/env bash
# An ARP flood against the dataplane's own address, per backend and mode (afpacket sw with 1
# worker; afxdp nic with 2 workers on a 2-queue veth), app udp-echo on port 7, addrs
# [$IP_DUT/24] and one static ARP entry for a gateway ($IP_GW at $MAC_GW).  arp_flood sends 10x
# the ARP table's capacity of requests for $IP_DUT, each from a sender MAC and IP not used
# before; every such request would create an entry.  The capacity is the default of
# arp_params_default (dataplane/arp.c), read from there.
#   flood      the dataplane received at least 10x capacity requests for us (arp.rx_request;
#              frames lost on the way are sent again from new senders, a few rounds at most)
#   bounded    arp.entries <= capacity in every reading taken while the flood ran and after it,
#              and entries == static_entries + learned - (evicted + expired + failed probes)
#   static     arp.static_entries is still 1
#   churn      the bound was hit and held by evicting: learned entries are unconfirmed (stale),
#              so each new sender takes the place of the oldest (arp.evicted > 0, no
#              table_full), and learned - evicted <= capacity
#   ping       `ping -c 3` from the kernel peer afterwards: 3 replies
#   counted    the dataplane's final statistics: conserved, entries still bounded, the static
#              entry still there
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

ARP_FLOOD=$O/tests/netns/arp_flood
IP_GW=10.99.0.254
MAC_GW=02:00:00:00:fe:01
CAPACITY=$(sed -n 's/^[[:space:]]*\.capacity = \([0-9][0-9]*\),.*/\1/p' dataplane/arp.c)

if [ ! -x "$ARP_FLOOD" ] || [ -z "$CAPACITY" ]; then
	fail flood.tools "arp_flood: $ARP_FLOOD" "capacity from dataplane/arp.c: '${CAPACITY}'"
	exit 0
fi
FLOOD=$((10 * CAPACITY))

# flood_stats SOCK FILE: one live statistics snapshot into FILE.
flood_stats() { ns_in_dut "$VNFDP" stats --socket "$1" >"$2" 2>&1; }

# flood_arp FILE EXPR: EXPR over j = the snapshot in FILE, with a = j["arp"].
flood_arp() { jget "$1" "(lambda a: $2)(j['arp'])" 2>/dev/null; }

# Run in $NS_DUT with VNFDP SOCK OUT: appends arp.entries to OUT every 20 ms until killed.
# shellcheck disable=SC2016 # expanded by bash -c
FLOOD_SAMPLER='while :; do
	"$0" stats --socket "$1" 2>/dev/null |
		python3 -c "import json,sys; print(json.load(sys.stdin)[\"arp\"][\"entries\"])" >>"$2"
	sleep 0.02
done'

# flood_case NAME BACKEND MODE WORKERS
flood_case() {
	local name=$1 backend=$2 mode=$3 workers=$4 t=$NS_TMP/$1 sock pid rc n
	local sent=0 rounds=0 got base round spid max acct
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup "$workers"; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	ip -n "$NS_GEN" addr add "$IP_GEN/24" dev "$IF_A"
	cat >"$t/dp.json" <<EOF
{"mode": "$mode", "port": {"backend": "$backend", "iface": "$IF_B"}, "workers": $workers,
 "addrs": ["$IP_DUT/24"], "arp": [{"ip": "$IP_GW", "mac": "$MAC_GW"}],
 "app": {"name": "udp-echo", "port": 7}, "stats": {"socket": "$sock"}}
EOF
	ns_start_vnfdp "$name.start" "$t/dp.json" "$t/dp.out" "$t/dp.err" "$sock" || return
	pid=$NS_DP_PID
	ok "$name.start"

	flood_stats "$sock" "$t/before.json"
	base=$(flood_arp "$t/before.json" 'a.get("rx_request", 0)')
	# entries while the flood runs, sampled from inside $NS_DUT
	: >"$t/samples"
	ns_bg dut bash -c "$FLOOD_SAMPLER" "$VNFDP" "$sock" "$t/samples" 2>/dev/null
	spid=$NS_LAST_PID
	# 32 frames a millisecond, a 10x flood in about 0.4 s: bursts small enough for the 64
	# slots in which worker 1 hands ARP frames to worker 0 in nic mode (arp_queue_full)
	for round in 1 2 3 4 5; do
		n=$((FLOOD - ${got:-0}))
		[ "$n" -gt 0 ] || break
		rounds=$round
		ns_in_gen "$ARP_FLOOD" "$IF_A" "$IP_DUT" "$n" --first "$sent" --pace 32 \
			--sleep 1000 >"$t/flood.$round.out" 2>&1
		sent=$((sent + $(jget "$t/flood.$round.out" 'j["sent"]' 2>/dev/null || echo 0)))
		ns_wait_quiet "$sock"
		flood_stats "$sock" "$t/after.json"
		got=$(($(flood_arp "$t/after.json" 'a.get("rx_request", 0)' || echo 0) - ${base:-0}))
	done
	ns_stop "$spid"
	max=$(sort -n "$t/samples" | tail -1)
	info "flood: sent $sent in $rounds round(s), received $got; $(wc -l <"$t/samples") readings of entries while flooding, max ${max:-none}"
	info "arp after the flood: $(jget "$t/after.json" 'json.dumps(j["arp"])')"

	if [ "${got:-0}" -ge "$FLOOD" ]; then
		ok "$name.flood"
	else
		fail "$name.flood" "received $got of $FLOOD requests ($sent sent)" \
			"$(cat "$t"/flood.*.out)" \
			"$(jget "$t/after.json" 'json.dumps({k: j[k] for k in ("rx", "rx_missed", "drops_total", "drops")})')"
	fi
	# entries == what was added minus what was removed: nothing is lost from or left in the count
	acct='a["entries"] == a["static_entries"] + a.get("learned", 0) - a.get("evicted", 0) - a.get("expired", 0) - a.get("probe_failed", 0) - a.get("resolve_failed", 0)'
	if [ "$(flood_arp "$t/after.json" "a['entries'] <= $CAPACITY")" = True ] &&
		[ "${max:-0}" -le "$CAPACITY" ] && [ "$(flood_arp "$t/after.json" "$acct")" = True ]; then
		ok "$name.bounded"
	else
		fail "$name.bounded" "capacity $CAPACITY, max entries while flooding ${max:-none}" \
			"$(cat "$t/after.json")"
	fi
	if [ "$(flood_arp "$t/after.json" 'a["static_entries"]')" = 1 ]; then
		ok "$name.static"
	else
		fail "$name.static" "$(cat "$t/after.json")"
	fi
	if [ "$(flood_arp "$t/after.json" "a.get('evicted', 0) > 0 and a.get('table_full', 0) == 0 and a.get('learned', 0) - a.get('evicted', 0) <= $CAPACITY")" = True ]; then
		ok "$name.churn"
	else
		fail "$name.churn" "capacity $CAPACITY" "$(cat "$t/after.json")"
	fi

	n=$(ns_in_gen ping -n -c 3 -i 0.2 -W 2 "$IP_DUT" 2>&1 | tee "$t/ping.out" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	if [ "${n:-0}" = 3 ]; then ok "$name.ping"; else fail "$name.ping" "$(tail -3 "$t/ping.out")"; fi

	ns_stop "$pid" 10
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" "j['final'] and j['conserved'] and j['arp']['entries'] <= $CAPACITY and j['arp']['static_entries'] == 1")" = True ]; then
		ok "$name.counted"
	else
		fail "$name.counted" "vnfdp exit $rc" "$(tail -c 1200 "$t/dp.out")"
	fi
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

flood_case flood.afpacket.sw afpacket sw 1
flood_case flood.afxdp.nic afxdp nic 2
exit 0
