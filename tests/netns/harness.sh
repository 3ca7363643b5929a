#!/usr/bin/env bash
# The test harness itself, without vnfdp: the kernel reflects every frame that enters the
# dataplane's interface (tc mirred, ingress back to egress), and udp_count counts them on the
# generator's side.  Checks that trafgen -n sends exactly that many frames with one process
# (paced: sendto() per frame; unpaced: its TX ring), that udp_count counts every reflected frame
# and flow with valid checksums, that every frame is either counted or shows up in a drop counter,
# and that the teardown leaves nothing behind.  Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require

FLOWS=1024

# harness_case NAME PACKETS PACED(1|0)
harness_case() {
	local name=$1 packets=$2 paced=$3 t=$NS_TMP/$1 upid rc sent args=(-q)
	mkdir -p "$t"
	[ "$paced" = 1 ] && args+=(-t 10us)
	if ! ns_setup 1 ||
		! ip netns exec "$NS_DUT" tc qdisc add dev "$IF_B" clsact ||
		! ip netns exec "$NS_DUT" tc filter add dev "$IF_B" ingress u32 match u32 0 0 \
			action mirred egress redirect dev "$IF_B"; then
		fail "$name.setup" "cannot create namespaces, veth pair and reflector"
		ns_teardown
		return
	fi
	ns_trafgen_cfg "$t/tg.cfg" "$FLOWS" 64
	ns_bg gen "$UDP_COUNT" -i "$IF_A" -m "$MAGIC" -r "$t/ready" >"$t/count.json" \
		2>"$t/count.err"
	upid=$NS_LAST_PID
	if ! ns_wait_file "$t/ready"; then
		fail "$name.counter_start" "$(cat "$t/count.err")"
		ns_teardown
		return
	fi
	ns_counters "$t/k0.json"
	ns_trafgen "$t/sent" "$t/tg.cfg" "$packets" "${args[@]}"
	rc=$?
	sent=$(cat "$t/sent")
	if [ "$rc" -eq 0 ] && [ "${sent:-0}" = "$packets" ]; then
		ok "$name.trafgen_count"
	else
		fail "$name.trafgen_count" "exit $rc, sent '$sent' of $packets" "$(tail -3 "$t/sent.log")"
	fi
	ns_finish_counter "$upid"
	ns_counters "$t/k1.json"
	python3 - "$t" "${sent:-0}" "$paced" "$FLOWS" >"$t/verdict" 2>&1 <<'EOF'
import json, sys
t, sent, paced, flows = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4])
load = lambda p: json.loads(open(t + p).read().splitlines()[-1])
c, k0, k1 = load("/count.json"), load("/k0.json"), load("/k1.json")
d = {s + "." + k: k1[s][k] - k0[s][k] for s in ("a", "b") for k in k0[s]}
# the reflector's losses are counted by the sending end (b.tx_dropped); forward losses only
# when trafgen does not resend them (its TX ring, unpaced)
kd = d["b.tx_dropped"] + (0 if paced else d["a.tx_dropped"])
good = c["received"] + kd + c["socket_drops"] == sent and c["bad_csum"] == 0 and c["other"] == 0
good = good and (c["flows"] == flows if c["received"] == sent else c["flows"] <= flows)
print(good)
print("sent %d = counted %d + veth drops %d + counter drops %d; flows %d bad_csum %d other %d"
      % (sent, c["received"], kd, c["socket_drops"], c["flows"], c["bad_csum"], c["other"]))
print("veth deltas " + " ".join("%s %d" % kv for kv in sorted(d.items())))
EOF
	if [ "$(head -1 "$t/verdict")" = True ]; then
		ok "$name.accounted"
	else
		fail "$name.accounted" "$(tail -n +2 "$t/verdict")"
	fi
	[ -z "${NETNS_VERBOSE:-}" ] || [ "$(head -1 "$t/verdict")" = True ] || info "$(tail -n +2 "$t/verdict")"
	ns_teardown
	rc=$(ns_leftovers)
	if [ -z "$rc" ]; then ok "$name.cleanup"; else fail "$name.cleanup" "$rc"; fi
}

harness_case harness.paced 20000 1
harness_case harness.unpaced 100000 0
exit 0
