#!/usr/bin/env bash
# End to end in a real VM under libvirt: vnfctl defines a TCG domain from the virtio template
# (tests/vm's Debian kernel and busybox initramfs, booted directly), its virtio-net on a test
# bridge that a generator namespace reaches over a veth; vnfctl deploys vnfdp through the guest
# agent, starts it in sw mode with 2 workers and the echo app on AF_PACKET, trafgen sends UDP
# frames over many flows, and:
#   e2e.boot        the domain starts and its guest agent answers
#   e2e.deploy      vnfctl deploy succeeds; the binary in the guest has the local sha256
#   e2e.start       vnfctl start: the dataplane answers on its statistics socket
#   e2e.sent        trafgen sent every frame
#   e2e.status      vnfctl --json status: per-thread counters add up to the totals, conserved
#   e2e.affinity    stats.flows: no flow hash under two workers, both workers got flows
#   e2e.accounted   sent == echoed + the dataplane's drops and misses + drops on the path
#                   (guest eth0, host tap and veth); nothing lost uncounted
#   e2e.stop        vnfctl stop: graceful; the log ends with final, conserved statistics
#   e2e.text        vnfctl status (text) shows a row per worker and the conservation line;
#                   --watch 0.5 --count 2 prints two tables
#   e2e.not_running deploy to a defined domain that is not running: clear error
#   e2e.no_channel  deploy to a running domain without an agent channel: clear error
#   e2e.rejected    a config the binary rejects: its message shown, nothing started, the
#                   installed config unchanged
# Everything (domains, bridge, namespace, veth, libvirtd if this test started it, temporary
# files) is removed on exit, also when a step fails.  Needs root, libvirtd, qemu-system-x86_64,
# trafgen.  Env: O (build dir), VM_E2E_PACKETS (default 4000).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/vm/libvirt.sh
. tests/vm/libvirt.sh
O=${O:-build}
VNFCTL=$(realpath -m "$O/vnfctl")
VNFDP=$(realpath -m "$O/vnfdp")
UDP_COUNT=$(realpath -m "$O/tests/netns/udp_count")
PACKETS=${VM_E2E_PACKETS:-4000}
FLOWS=256
MAGIC=VNFDPE2E
ID=$$
DOM=vnfctl-e2e-$ID
DOM2=vnfctl-e2e-nochan-$ID
BR=vnfbr$ID
NS=vnfe2e-gen-$ID
VA=vea$ID # host end, on the bridge
VB=veb$ID # generator end, in $NS
MAC_GEN=02:00:00:00:0e:01
URI=qemu:///system
tmp=

ok() { echo "ok   e2e.$1"; }
fail() {
	echo "FAIL e2e.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}
v() { "$VNFCTL" --connect "$URI" "$@"; }
vs() { virsh -q -c "$URI" "$@"; }

cleanup() {
	local d
	for d in "$DOM" "$DOM2"; do
		vs destroy "$d" >/dev/null 2>&1
		vs undefine "$d" >/dev/null 2>&1
	done
	[ -z "${UPID:-}" ] || kill "$UPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip link del "$VA" 2>/dev/null
	ip link del "$BR" 2>/dev/null
	lv_stop
	[ -z "$tmp" ] || rm -rf "$tmp"
}

if [ "$(id -u)" != 0 ]; then
	echo "skip e2e (needs root)"
	exit 0
fi
missing=()
for t in virsh libvirtd qemu-system-x86_64 trafgen ip python3 cpio; do
	command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
for f in "$VNFCTL" "$VNFDP" "$UDP_COUNT"; do [ -x "$f" ] || missing+=("$f"); done
if [ ${#missing[@]} -ne 0 ]; then
	fail tools "missing: ${missing[*]}"
	exit 0
fi
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tmp=$(mktemp -d /tmp/vnf-e2e.XXXXXX)
export VNFCTL_STATE_DIR=$tmp/state

# ---- the guest image, libvirtd, the network ------------------------------------------------
if ! lv_image "$tmp"; then
	fail image "tests/vm/mkimage.sh failed" "$(tail -5 "$tmp/mkimage.err")"
	exit 0
fi
if ! lv_start "$tmp"; then
	fail libvirtd "no libvirtd answers on $URI"
	exit 0
fi

ip link add "$BR" type bridge && ip link set "$BR" up &&
	ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip link add "$VA" type veth peer name "$VB" &&
	ip link set "$VB" netns "$NS" && ip link set "$VA" master "$BR" up &&
	ip -n "$NS" link set "$VB" address "$MAC_GEN" up &&
	ip -n "$NS" addr add 10.99.0.1/24 dev "$VB"
if [ $? -ne 0 ]; then
	fail net "cannot create the bridge, namespace and veth"
	exit 0
fi
# the bridge forwards at once (no STP learning delay)
echo 0 >"/sys/class/net/$BR/bridge/forward_delay" 2>/dev/null

# ---- a domain from the project's template --------------------------------------------------
new_args=(--template virtio --accel tcg --disk none --bridge "$BR" --memory 512 --vcpus 3
	--kernel "$tmp/vmlinuz" --initrd "$tmp/initrd.gz"
	--cmdline "console=ttyS0 quiet panic=-1 vnf.up=eth0")
if ! v domain new "$DOM" "${new_args[@]}" >"$tmp/new.out" 2>&1 ||
	! vs start "$DOM" >"$tmp/start.out" 2>&1; then
	fail boot "$(cat "$tmp/new.out" "$tmp/start.out")"
	exit 0
fi
t0=$(date +%s.%N)
up=
for _ in $(seq 240); do
	if vs qemu-agent-command "$DOM" '{"execute":"guest-ping"}' --timeout 2 >/dev/null 2>&1; then
		up=1
		break
	fi
	sleep 0.5
done
if [ -z "$up" ]; then
	fail boot "the guest agent did not answer within 120 s" \
		"$(vs dumpxml "$DOM" 2>&1 | grep -c channel) channel(s)"
	exit 0
fi
ok "boot ($(python3 -c "import time; print('%.1f' % (time.time() - $t0))") s to the agent)"
MAC_VM=$(v --json domain show "$DOM" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mac"])' 2>/dev/null)

# ---- deploy, start ---------------------------------------------------------------------------
cat >"$tmp/dp.json" <<EOF
{"mode": "sw", "workers": 2, "port": {"backend": "afpacket", "iface": "eth0"},
 "app": {"name": "echo"}, "stats": {"flows": 4096}}
EOF
if v deploy "$DOM" --config "$tmp/dp.json" --binary "$VNFDP" >"$tmp/deploy.out" 2>&1; then
	want=$(sha256sum "$VNFDP" | cut -c1-64)
	got=$(vs qemu-agent-command "$DOM" \
		'{"execute":"guest-exec","arguments":{"path":"sha256sum","arg":["/usr/local/bin/vnfdp"],"capture-output":true}}' 2>&1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])' 2>/dev/null)
	sleep 1
	got=$(vs qemu-agent-command "$DOM" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":${got:-0}}}" 2>&1 |
		python3 -c 'import json,sys,base64; print(base64.b64decode(json.load(sys.stdin)["return"]["out-data"]).decode()[:64])' 2>/dev/null)
	if [ "$got" = "$want" ]; then ok deploy; else fail deploy "guest sha256 '$got', local $want"; fi
else
	fail deploy "$(cat "$tmp/deploy.out")"
	exit 0
fi
if v start "$DOM" --wait 60 >"$tmp/start.out" 2>&1; then
	ok start
else
	fail start "$(cat "$tmp/start.out")" "$(v logs "$DOM" 2>&1 | tail -5)"
	exit 0
fi

# ---- traffic ---------------------------------------------------------------------------------
fill=$((64 - 14 - 20 - 8 - ${#MAGIC}))
cat >"$tmp/tg.cfg" <<EOF
{
  eth(sa=$MAC_GEN, da=$MAC_VM),
  ipv4(sa=10.99.0.1, da=10.99.0.2, ttl=64, df),
  udp(sp=dinc(10000, $((10000 + FLOWS - 1))), dp=9000),
  "$MAGIC",
  fill(0x00, $fill)
}
EOF
tap=$(vs domiflist "$DOM" | awk 'NF >= 5 {print $1; exit}')
link_stats() { # NETNS|- IFACE: rx_packets rx_dropped tx_packets tx_dropped
	local n=()
	[ "$1" = - ] || n=(-n "$1")
	ip "${n[@]}" -s -j link show "$2" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]["stats64"]
print(s["rx"]["packets"], s["rx"]["dropped"], s["tx"]["packets"], s["tx"]["dropped"])'
}
guest_drops() { # rx_dropped of the guest's eth0
	local pid
	pid=$(vs qemu-agent-command "$DOM" \
		'{"execute":"guest-exec","arguments":{"path":"cat","arg":["/sys/class/net/eth0/statistics/rx_dropped"],"capture-output":true}}' 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])' 2>/dev/null)
	sleep 0.5
	vs qemu-agent-command "$DOM" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":${pid:-0}}}" 2>/dev/null |
		python3 -c 'import json,sys,base64; print(int(base64.b64decode(json.load(sys.stdin)["return"]["out-data"])))' 2>/dev/null || echo 0
}
read -r tap0 _ _ taptxd0 < <(link_stats - "$tap")
g0=$(guest_drops)
ip netns exec "$NS" "$UDP_COUNT" -i "$VB" -m "$MAGIC" -r "$tmp/ready" >"$tmp/count.json" 2>"$tmp/count.err" &
UPID=$!
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
ip netns exec "$NS" timeout 120 trafgen -o "$VB" -i "$tmp/tg.cfg" -n "$PACKETS" -P 1 -q -t 500us \
	>"$tmp/tg.log" 2>&1 </dev/null
sent=$(tr -d '\r' <"$tmp/tg.log" | awk '/packets outgoing/ {print $1}')
if [ "${sent:-0}" = "$PACKETS" ]; then ok sent; else fail sent "sent '$sent' of $PACKETS" "$(tail -3 "$tmp/tg.log")"; fi
# settle: the guest (emulated) drains its queues
prev=
for _ in $(seq 60); do
	cur=$(v --json status "$DOM" --interval 0.5 2>/dev/null | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["total"]["rx"], j["in_flight"])' 2>/dev/null)
	[ -n "$cur" ] && [ "$cur" = "$prev" ] && [ "${cur#* }" = 0 ] && break
	prev=$cur
	sleep 0.5
done
v --json status "$DOM" --interval 1 >"$tmp/status.json" 2>"$tmp/status.err"
v status "$DOM" --interval 0.5 >"$tmp/status.txt" 2>&1
v status "$DOM" --interval 0.5 --watch 0.5 --count 2 >"$tmp/watch.txt" 2>&1
kill -USR1 "$UPID" 2>/dev/null
for _ in $(seq 100); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.05; done
kill "$UPID" 2>/dev/null
wait "$UPID" 2>/dev/null
UPID=
read -r _ _ _ taptxd1 < <(link_stats - "$tap")
read -r _ varxd _ vatxd < <(link_stats - "$VA")
g1=$(guest_drops)

python3 - "$tmp" "${sent:-0}" "$((taptxd1 - taptxd0))" "$((g1 - g0))" "$varxd" "$vatxd" >"$tmp/verdict" 2>&1 <<'EOF'
import json, sys
t, sent, tapd, guestd, varxd, vatxd = sys.argv[1], *map(int, sys.argv[2:])
st = json.load(open(t + "/status.json"))
cnt = [json.loads(l) for l in open(t + "/count.json") if l.strip().startswith("{")][-1]
s = st["stats"]
ws = [x for x in st["threads"] if x["role"] == "worker"]
io = [x for x in st["threads"] if x["role"] != "worker"]
res = {}
# per-thread counters add up: I/O threads received what the totals say; the workers handled
# what was received less what was dropped before them and what is in flight
res["status"] = (st["conserved"] and sum(x["rx"] for x in io) == st["total"]["rx"]
                 and sum(x["tx"] for x in io) == st["total"]["tx"]
                 and sum(x["rx"] for x in ws) + sum(x["drops"] for x in io) + st["in_flight"] >= st["total"]["rx"] - s["consumed"] - s["drops_total"]
                 and sum(x["rx"] for x in ws) <= st["total"]["rx"] and len(ws) == 2)
seen, dup = {}, []
for w in s["workers"]:
    for h in w.get("flows", {}):
        if h in seen: dup.append(h)
        seen[h] = w["id"]
res["affinity"] = (not dup and all(w.get("flows") for w in s["workers"])
                   and sum(w.get("flows_untracked", 0) for w in s["workers"]) == 0
                   and len(seen) >= cnt["flows"])
echoed = cnt["received"]
path = tapd + guestd + varxd + vatxd + cnt["socket_drops"]
total = echoed + s["drops_total"] + s["rx_missed"] + path
res["accounted"] = total == sent and echoed > 0 and cnt["bad_csum"] == 0
print(json.dumps(res))
print("sent %d = echoed %d + drops_total %d %s + rx_missed %d + path drops %d (tap %d, guest eth0 %d, veth %d/%d, counter %d) = %d"
      % (sent, echoed, s["drops_total"], {k: v for k, v in s["drops"].items() if v}, s["rx_missed"], path, tapd, guestd, varxd, vatxd, cnt["socket_drops"], total))
print("flows echoed %d, hashes seen %d, under two workers %d" % (cnt["flows"], len(seen), len(dup)))
print("threads: " + "; ".join("%s %s rx %d tx %d drops %d" % (x["role"], x.get("id", ""), x["rx"], x["tx"], x["drops"]) for x in st["threads"]))
print("total rx %d tx %d in_flight %d conserved %s" % (st["total"]["rx"], st["total"]["tx"], st["in_flight"], st["conserved"]))
EOF
for n in status affinity accounted; do
	if [ "$(head -1 "$tmp/verdict" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$n'))" 2>/dev/null)" = True ]; then
		ok "$n"
	else
		fail "$n" "$(tail -n +2 "$tmp/verdict")" "$(cat "$tmp/status.err")"
	fi
done
if grep -q '^worker 1 ' "$tmp/status.txt" && grep -q '^conservation: .*: ok$' "$tmp/status.txt" &&
	[ "$(grep -c '^conservation: .*: ok$' "$tmp/watch.txt")" = 2 ]; then
	ok text
else
	fail text "$(cat "$tmp/status.txt")"
fi

# ---- stop ------------------------------------------------------------------------------------
if v stop "$DOM" >"$tmp/stop.out" 2>&1 && grep -q 'stopped' "$tmp/stop.out" &&
	v logs "$DOM" --lines 3 | grep '^{' | tail -1 |
	python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if j["final"] and j["conserved"] and j["in_flight"] == 0 else 1)'; then
	ok stop
else
	fail stop "$(cat "$tmp/stop.out")" "$(v logs "$DOM" --lines 3 2>&1 | cut -c1-300)"
fi

# ---- bad input -------------------------------------------------------------------------------
# a config the binary rejects: its own message, nothing started, the installed config kept
echo '{"mode": "sw", "workers": 0, "port": {"backend": "afpacket", "iface": "eth0"}}' >"$tmp/bad.json"
v deploy "$DOM" --config "$tmp/bad.json" --binary "$VNFDP" >"$tmp/bad.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q 'rejects the config: .*workers' "$tmp/bad.out" &&
	! v status "$DOM" >/dev/null 2>&1 && v start "$DOM" --wait 60 >/dev/null 2>&1 &&
	v --json status "$DOM" | python3 -c 'import json,sys; sys.exit(0 if len([t for t in json.load(sys.stdin)["threads"] if t["role"] == "worker"]) == 2 else 1)'; then
	ok rejected
else
	fail rejected "exit $rc" "$(cat "$tmp/bad.out")"
fi
v stop "$DOM" >/dev/null 2>&1

# a domain that is not running
v domain new "$DOM2" "${new_args[@]}" >/dev/null 2>&1
out=$(v deploy "$DOM2" --config "$tmp/dp.json" --binary "$VNFDP" 2>&1)
rc=$?
if [ $rc = 1 ] && [[ "$out" == *"not running"* ]]; then ok not_running; else fail not_running "exit $rc: $out"; fi
# a running domain without the agent channel: the same definition with the channel removed
vs dumpxml --inactive "$DOM2" | python3 -c '
import re, sys
print(re.sub(r"<channel type=.unix.>.*?</channel>", "", sys.stdin.read(), flags=re.S))' >"$tmp/nochan.xml"
if vs define "$tmp/nochan.xml" >/dev/null 2>&1 && vs start "$DOM2" >/dev/null 2>&1; then
	out=$(v deploy "$DOM2" --config "$tmp/dp.json" --binary "$VNFDP" --timeout 5 2>&1)
	rc=$?
	if [ $rc = 1 ] && [[ "$out" == *"agent"* ]] && [[ "$out" == *"not configured"* || "$out" == *"not connected"* ]]; then
		ok no_channel
	else
		fail no_channel "exit $rc: $out"
	fi
else
	fail no_channel "cannot define or start the domain without a channel"
fi
