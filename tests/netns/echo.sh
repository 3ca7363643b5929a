#!/usr/bin/env bash
# vnfdp's echo app on a veth pair, end to end, per backend (afpacket, afxdp) and mode: sw with 1
# and 2 workers on a 1-queue veth, nic (run to completion) with 2 workers on a 2-queue veth.
# trafgen sends PACKETS UDP frames over FLOWS flows into vnfdp's interface; udp_count counts the
# echoed frames on the generator's side.  Per case:
#   start      vnfdp starts and answers on its statistics socket
#   sent       trafgen sent exactly PACKETS frames (20000, ~20 per flow)
#   conserved  vnfdp exits 0 on SIGTERM with final and conserved true (rx == tx + consumed +
#              drops_total)
#   accounted  sent == echoed + drops_total + rx_missed + kernel veth drops + counter's socket
#              drops, and no echoed frame has a bad checksum
#   echoed     frames came back, over every flow when none was lost
#   detached   (afxdp) no XDP program, libxdp pin or vnfdp XDP state file is left after exit
#   affinity   stats.flows: no flow hash under two workers, flows_untracked 0, each worker's
#              table covers the packets it handled, at least as many hashes as echoed flows;
#              with 2 workers both got flows (unless SPREAD=0)
# Cases: 64-byte and 1514-byte frames; AF_PACKET fanout hash and qm; AF_XDP native and skb.
# The "overload" cases send without pacing, so frames are lost on the way, and check that every
# loss is counted.  Env: O (build dir), NETNS_PACKETS, NETNS_ONLY (regex over case names).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

FLOWS=1024
SIZE=64
PACKETS=${NETNS_PACKETS:-20000}
OVERLOAD_PACKETS=100000 # unpaced: trafgen's TX ring, about 0.5 Mpps here
GAP=10us # trafgen sleeps after each frame: about 35 kpps here, which 2 cores absorb

# echo_case NAME MODE BACKEND WORKERS QUEUES PACED(1|0) [SIZE [PORT_JSON]]: PORT_JSON is added
# to the "port" object (e.g. ', "afxdp": {"attach": "skb"}').
echo_case() {
	local name=$1 mode=$2 backend=$3 workers=$4 queues=$5 paced=$6 size=${7:-$SIZE}
	local port_json=${8:-} t=$NS_TMP/$name sock pid upid rc sent n tg_args=(-q)
	local packets=$PACKETS spread=${SPREAD:-1}
	case "$name" in *${NETNS_ONLY:-}*) ;; *) return 0 ;; esac
	mkdir -p "$t"
	sock=$NS_TMP/$name.sock
	if ! ns_setup "$queues"; then
		fail "$name.setup" "cannot create namespaces and veth pair"
		ns_teardown
		return
	fi
	cat >"$t/dp.json" <<EOF
{"mode": "$mode", "port": {"backend": "$backend", "iface": "$IF_B"$port_json}, "workers": $workers,
 "app": {"name": "echo"}, "stats": {"socket": "$sock", "flows": 4096}}
EOF
	ns_trafgen_cfg "$t/tg.cfg" "$FLOWS" "$size"
	# -q: through the qdisc layer, so the kernel spreads the flows over the TX queues by their
	# hash (with its qdisc bypass it would pick the queue by CPU)
	if [ "$paced" = 1 ]; then tg_args+=(-t "$GAP"); else packets=$OVERLOAD_PACKETS; fi

	ns_bg gen "$UDP_COUNT" -i "$IF_A" -m "$MAGIC" -r "$t/ready" >"$t/count.json" \
		2>"$t/count.err"
	upid=$NS_LAST_PID
	ns_start_vnfdp "$name.start" "$t/dp.json" "$t/dp.out" "$t/dp.err" "$sock" "$t/ready" || return
	pid=$NS_DP_PID
	ok "$name.start"
	ns_counters "$t/k0.json"

	ns_trafgen "$t/sent" "$t/tg.cfg" "$packets" "${tg_args[@]}"
	rc=$?
	sent=$(cat "$t/sent")
	if [ "$rc" -eq 0 ] && [ "${sent:-0}" = "$packets" ]; then
		ok "$name.sent"
	else
		fail "$name.sent" "trafgen exit $rc, sent '${sent}' of $packets" \
			"$(tail -3 "$t/sent.log")"
	fi
	ns_wait_quiet "$sock" 10 || info "vnfdp did not settle within 10 s"
	ns_stop "$pid" 10
	rc=$?
	ns_finish_counter "$upid"
	ns_counters "$t/k1.json"

	if [ "$backend" = afxdp ]; then
		# a clean exit leaves no XDP program, libxdp pin or XDP state file behind
		n="$(ns_xdp_prog_ids)$(ns_our_pins)$(ns_state_files)"
		if [ -z "$n" ]; then ok "$name.detached"; else fail "$name.detached" "left: $n"; fi
	fi
	if [ "$rc" -eq 0 ] && [ "$(jget "$t/dp.out" 'j["final"] and j["conserved"] and j["in_flight"] == 0')" = True ]; then
		ok "$name.conserved"
	else
		fail "$name.conserved" "vnfdp exit $rc" "$(tail -c 600 "$t/dp.out")" \
			"$(tail -3 "$t/dp.err")"
		ns_teardown
		return
	fi

	# shellcheck disable=SC2016
	python3 - "$t" "${sent:-0}" "$paced" "$workers" "$FLOWS" "$spread" >"$t/verdict" 2>&1 <<'EOF'
import json, sys
t, sent, paced, workers, flows = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5])
spread = sys.argv[6] == "1"
def last_json(path):
    lines = [l for l in open(path).read().splitlines() if l.strip().startswith("{")]
    return json.loads(lines[-1])
dp, cnt = last_json(t + "/dp.out"), last_json(t + "/count.json")
k0, k1 = last_json(t + "/k0.json"), last_json(t + "/k1.json")
d = {s + "." + k: k1[s][k] - k0[s][k] for s in ("a", "b") for k in k0[s]}
# Reverse-path losses (vnfdp -> generator) are counted once, by the sending end (b.tx_dropped).
# Forward losses (generator -> vnfdp) count only unpaced: paced trafgen uses sendto(), which
# resends a frame the veth refused (ENOBUFS), so trafgen's count already excludes them.
kdrops = d["b.tx_dropped"] + (0 if paced else d["a.tx_dropped"])
echoed = cnt["received"]
total = echoed + dp["drops_total"] + dp["rx_missed"] + kdrops + cnt["socket_drops"]
res = {}
res["accounted"] = total == sent and cnt["bad_csum"] == 0
res["echoed"] = echoed > 0 and (cnt["flows"] == flows if echoed == sent else cnt["flows"] <= flows)
ws = dp["workers"]
seen, dup, untracked, uncovered = {}, [], 0, []
for w in ws:
    fl = w.get("flows")
    if fl is None:
        continue
    untracked += w.get("flows_untracked", 0)
    # every frame here is IPv4, so every packet a worker handled is in its table
    if sum(fl.values()) + w.get("flows_untracked", 0) != w.get("packets"):
        uncovered.append(w.get("id"))
    for h in fl:
        if h in seen:
            dup.append(h)
        seen[h] = w.get("id")
has_flows = all("flows" in w for w in ws)
res["affinity"] = (has_flows and not dup and untracked == 0 and not uncovered
                   and len(seen) >= cnt["flows"]
                   and (workers < 2 or not spread or all(len(w["flows"]) > 0 for w in ws)))
print(json.dumps(res))
print("sent %d = echoed %d + drops_total %d %s + rx_missed %d + veth drops %d + counter drops %d (= %d)"
      % (sent, echoed, dp["drops_total"], {k: v for k, v in dp["drops"].items() if v}, dp["rx_missed"],
         kdrops, cnt["socket_drops"], total))
print("vnfdp rx %d tx %d consumed %d; counter flows %d bad_csum %d other %d"
      % (dp["rx"], dp["tx"], dp["consumed"], cnt["flows"], cnt["bad_csum"], cnt["other"]))
print("veth deltas " + " ".join("%s %d" % kv for kv in sorted(d.items())))
print("workers: " + "; ".join("id %s packets %s flows %s untracked %s" % (w.get("id"), w.get("packets"),
      len(w["flows"]) if "flows" in w else "absent", w.get("flows_untracked", "absent")) for w in ws)
      + "; hashes under two workers: %d; workers whose table misses packets: %s" % (len(dup), uncovered))
EOF
	for n in accounted echoed affinity; do
		if [ "$(head -1 "$t/verdict" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$n'))" 2>/dev/null)" = True ]; then
			ok "$name.$n"
		else
			fail "$name.$n" "$(tail -n +2 "$t/verdict")"
		fi
	done
	[ -z "${NETNS_VERBOSE:-}" ] || [ "$(tail -n +2 "$t/verdict" | head -1 | grep -c .)" = 0 ] ||
		grep -q false "$t/verdict" || info "$(tail -n +2 "$t/verdict")"
	ns_teardown
	n=$(ns_leftovers)
	if [ -z "$n" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$n"; fi
}

for backend in afpacket afxdp; do
	echo_case "echo.sw.$backend.w1" sw "$backend" 1 1 1
	echo_case "echo.sw.$backend.w2" sw "$backend" 2 1 1
	echo_case "echo.sw.$backend.w2.1514B" sw "$backend" 2 1 1 1514
	echo_case "echo.nic.$backend.w2q2" nic "$backend" 2 2 1
	echo_case "echo.overload.$backend.w1" sw "$backend" 1 1 0
done
echo_case echo.nic.afpacket.w2q2.fanout_qm nic afpacket 2 2 1 "$SIZE" ', "afpacket": {"fanout": "qm"}'
# Generic (skb) XDP on veth sees every frame as queue 0 (veth records no RX queue on the skb),
# so worker 1 gets nothing: affinity holds, but spreading is not checked.
SPREAD=0 echo_case echo.nic.afxdp.w2q2.skb nic afxdp 2 2 1 "$SIZE" ', "afxdp": {"attach": "skb"}'
echo_case echo.overload.afxdp.w1.skb sw afxdp 1 1 0 "$SIZE" ', "afxdp": {"attach": "skb"}'
exit 0
