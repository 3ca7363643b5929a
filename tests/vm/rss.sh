#!/usr/bin/env bash
# RSS on a real RSS NIC: virtio-net with RSS (QEMU TCG, 4 vCPUs, a 4-queue tap in a namespace)
# in one guest boot, the host namespace sending UDP over many flows into the tap (raw frames,
# no address on the tap, IPv6 off: nothing else reaches the guest).
#   setup          vnfctl nic setup eth0 --queues 4 --rss-key KEY --reta equal --flow-hash l4,
#                  from a different state (2 queues, another key, udp4 hashed on addresses):
#                  `vnfctl --json nic show` and `ethtool -x` / `ethtool -n ... udp4` show
#                  4 queues, KEY, the table i % 4 and the 4-tuple for tcp4/udp4/tcp6/udp6
#   badkey         a 39-byte key: an error naming both sizes, nothing changed (read back)
#   badqueues      --queues 99: an error naming the device's maximum, nothing changed
#   restore        vnfctl nic restore: `nic show` exactly as before the setup
#   spread         64 flows after a new setup (a flow predicted for queue q sends q + 1
#                  frames): QEMU's per-queue counters
#                  (ethtool -S rx_queue_N_packets) equal what `vnfctl rss --key KEY --queues 4`
#                  predicts flow by flow
#   nic.start      vnfdp run in nic mode, 4 workers, afpacket with fanout qm, echo,
#                  port.rss_setup require, profile default, on a NIC left with another key
#                  and table: it says it set queues, key, table and hashes and read them back
#   nic.programmed ethtool -x while it runs: the profile's key and the table i % 4
#   nic.affinity   128 flows x 2 frames: each flow (by its hash in workers[i].flows) was
#                  handled by worker `vnfdp rss --queues 4` predicts, all its frames there:
#                  QEMU's hash and ours agree, and the queue is the worker
#   nic.replies    every frame came back to the host, and the final statistics are conserved
# Env: O (build dir), VM_KEEP=DIR (keep console logs).  About 1-2 minutes.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/vm/lib.sh
. tests/vm/lib.sh
vm_require

VNFDP=$O/vnfdp
VNFCTL=$O/vnfctl
for b in "$VNFDP" "$VNFCTL"; do
	if [ ! -x "$b" ]; then
		fail rss.binaries "$b not built"
		exit 0
	fi
done
if ! VM_DIR=$(vm_image 2>"$VM_TMP/mkimage.err"); then
	fail rss.image "$(tail -5 "$VM_TMP/mkimage.err")"
	exit 0
fi

GUEST_MAC=02:00:00:00:00:10
HOST_MAC=02:00:00:00:00:01
SRC_IP=10.77.0.1
DST_IP=10.77.0.2
DPORT=9000
# Microsoft's verification key (not symmetric), given as an explicit key
KEY=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa
KEY0=$(printf '%02x' $(seq 1 40)) # the state before: another key
KEY0_COLON=$(printf '%02x:' $(seq 1 39))28
BAD_KEY=${KEY:0:78} # 39 bytes
B_FLOWS=64 B_SPORT=20000
C_FLOWS=128 C_PKTS=2 C_SPORT=30000
TAP=vr$VM_SUFFIX
t0=$EPOCHREALTIME

# predictions: "SPORT HASH QUEUE" per flow
predict() { # TOOL KEYARGS SPORT0 FLOWS
	local tool=$1 keyargs=$2 p0=$3 n=$4 i out
	for ((i = 0; i < n; i++)); do
		# shellcheck disable=SC2086
		out=$("$tool" rss $keyargs --queues 4 "$SRC_IP" "$DST_IP" $((p0 + i)) "$DPORT") || return 1
		echo "$((p0 + i)) $(echo "$out" | awk '{ print $2, $4 }')"
	done
}
if ! predict "$VNFCTL" "--key $KEY" "$B_SPORT" "$B_FLOWS" >"$VM_TMP/pred.b" ||
	! predict "$VNFDP" "--profile default" "$C_SPORT" "$C_FLOWS" >"$VM_TMP/pred.c"; then
	fail rss.predict "vnfctl rss / vnfdp rss failed"
	exit 0
fi
# spread: a flow predicted for queue q sends q + 1 frames, so the queues' totals differ and a
# queue that got another queue's flows shows it
awk '{ print $3 + 1 }' "$VM_TMP/pred.b" >"$VM_TMP/pkts.b"
B_TOTAL=$(awk '{ n += $1 } END { print n }' "$VM_TMP/pkts.b")

# --- the guest's part ------------------------------------------------------------------------
cat >"$VM_TMP/test.sh" <<EOF
# sections "=== NAME" that the host reads from the console
sec() { echo "=== \$1"; }
rxq() { ethtool -S eth0 | grep -E 'rx_queue_[0-9]+_packets'; }
rxsum() { ethtool -S eth0 | awk '/rx_queue_[0-9]+_packets/ { n += \$2 } END { print n + 0 }'; }

# a state unlike the one set: 2 queues, KEY0, table over 2, udp4 on addresses only
ethtool -L eth0 combined 2
ethtool -X eth0 hkey $KEY0_COLON equal 2
ethtool -N eth0 rx-flow-hash udp4 sd
sec show.before; vnfctl --json nic show eth0
sec setup; vnfctl nic setup eth0 --queues 4 --rss-key $KEY --reta equal --flow-hash l4 2>&1
echo "rc=\$?"
sec show.after; vnfctl --json nic show eth0
sec ethtool.x; ethtool -x eth0
sec ethtool.n; ethtool -n eth0 rx-flow-hash udp4
sec badkey; vnfctl nic setup eth0 --rss-key $BAD_KEY 2>&1; echo "rc=\$?"
sec show.badkey; vnfctl --json nic show eth0
sec badqueues; vnfctl nic setup eth0 --queues 99 2>&1; echo "rc=\$?"
sec show.badqueues; vnfctl --json nic show eth0
sec restore; vnfctl nic restore eth0 2>&1; echo "rc=\$?"
sec show.restored; vnfctl --json nic show eth0

# spread: set again, then count what QEMU puts on each queue
sec setup2; vnfctl nic setup eth0 --queues 4 --rss-key $KEY --reta equal --flow-hash l4 2>&1
echo "rc=\$?"
sec counters.before; rxq
base=\$(rxsum)
echo B-READY
i=0
while [ \$i -lt 300 ] && [ \$((\$(rxsum) - base)) -lt $B_TOTAL ]; do
	sleep 0.1
	i=\$((i + 1))
done
sleep 0.5
sec counters.after; rxq

# nic mode: vnfdp sets its own vNIC's RSS (the NIC is left with KEY and a table over 2)
ethtool -X eth0 hkey $KEY0_COLON equal 2
cat >/tmp/dp.json <<'JSON'
{"mode": "nic", "workers": 4,
 "port": {"backend": "afpacket", "iface": "eth0", "afpacket": {"fanout": "qm"},
          "rss_setup": "require"},
 "rss": {"profile": "default"}, "app": {"name": "echo"},
 "stats": {"socket": "/tmp/dp.sock", "flows": 1024}}
JSON
vnfdp run /tmp/dp.json >/tmp/dp.out 2>/tmp/dp.err &
pid=\$!
i=0
while [ \$i -lt 300 ] && ! grep -q 'mode nic' /tmp/dp.err && kill -0 \$pid 2>/dev/null; do
	sleep 0.1
	i=\$((i + 1))
done
sec dp.start; cat /tmp/dp.err
sec nic.ethtool.x; ethtool -x eth0
sec nic.show; vnfctl --json nic show eth0
echo C-READY
i=0
while [ \$i -lt 600 ] && kill -0 \$pid 2>/dev/null; do
	rx=\$(vnfdp stats --socket /tmp/dp.sock 2>/dev/null | grep -o '"rx":[0-9]*' | head -1 | cut -d: -f2)
	[ "\${rx:-0}" -ge $((C_FLOWS * C_PKTS)) ] && break
	sleep 0.1
	i=\$((i + 1))
done
sleep 1
kill -TERM \$pid
wait \$pid
rc=\$?
sec dp.out; cat /tmp/dp.out
sec dp.rc; echo "rc=\$rc"
sec dp.err; cat /tmp/dp.err
sec end
EOF

# --- the host's sender: raw UDP frames over flows, optionally counting the replies -------------
cat >"$VM_TMP/send.py" <<'EOF'
import json, select, socket, struct, sys, time
iface, smac, dmac, sip, dip, dport, sport0, flows, pkts, gap, out, wait = sys.argv[1:13]
dport, sport0, flows = int(dport), int(sport0), int(flows)
# frames per flow: N for every flow, or @FILE with one count per flow
counts = ([int(x) for x in open(pkts[1:])] if pkts.startswith("@") else [int(pkts)] * flows)
gap, wait = float(gap), float(wait)

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def frame(sport, seq):
    payload = b"vnf-rss %5d %3d " % (sport, seq) + b"\0" * 14
    s, d = socket.inet_aton(sip), socket.inet_aton(dip)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(s + d + struct.pack("!BBH", 0, 17, len(udp)) + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), seq, 0x4000, 64, 17, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    mac = lambda m: bytes.fromhex(m.replace(":", ""))
    return mac(dmac) + mac(smac) + b"\x08\x00" + ip + udp

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((iface, 0))
got = {}
def drain(until):
    while True:
        left = until - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            return
        f = s.recv(2048)
        if len(f) < 42 or f[23] != 17 or f[26:30] != socket.inet_aton(dip):
            continue
        ihl = (f[14] & 15) * 4
        sp, dp = struct.unpack("!HH", f[14 + ihl:18 + ihl])
        if sp == dport:
            got[dp] = got.get(dp, 0) + 1

sent = 0
for k in range(max(counts)):
    for i in range(flows):
        if k < counts[i]:
            s.send(frame(sport0 + i, k))
            sent += 1
            drain(time.monotonic() + gap)
end = time.monotonic() + wait
while time.monotonic() < end and sum(got.values()) < sent:
    drain(min(end, time.monotonic() + 0.2))
if out != "-":
    json.dump({"sent": sent, "replies": {str(k): v for k, v in got.items()}}, open(out, "w"))
EOF

# sect NAME: the lines of the guest's section NAME
LOG=
sect() { tr -d '\r' <"$LOG" | awk -v n="=== $1" '$0 == n { p = 1; next } /^=== / { p = 0 } p'; }

vm_overlay "$VM_TMP/rss.cpio.gz" "$VNFDP:/usr/local/bin/vnfdp" "$VNFCTL:/usr/local/bin/vnfctl" \
	"$VM_TMP/test.sh:/test.sh"
if ! vm_netns; then
	fail rss.netns "cannot create a network namespace"
	exit 0
fi
ip netns exec "$VM_NS" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
VM_SMP=4 vm_boot rss -o "$VM_TMP/rss.cpio.gz" -n "$VM_NS" -t "$TAP" -q 4 -c 4 -m "$GUEST_MAC" \
	-k vnf.up=eth0
LOG=$(vm_log rss)

send() { # SPORT0 FLOWS PKTS OUT WAIT
	ip netns exec "$VM_NS" python3 "$VM_TMP/send.py" "$TAP" "$HOST_MAC" "$GUEST_MAC" "$SRC_IP" \
		"$DST_IP" "$DPORT" "$1" "$2" "$3" 0.004 "$4" "$5"
}
if vm_wait_log rss '^B-READY' 120; then
	send "$B_SPORT" "$B_FLOWS" "@$VM_TMP/pkts.b" - 0
fi
if vm_wait_log rss '^C-READY' 120; then
	send "$C_SPORT" "$C_FLOWS" "$C_PKTS" "$VM_TMP/replies.json" 20
fi
vm_wait_exit rss 120
rc=$?
if ! grep -aq '^=== end' "$LOG"; then
	fail rss.guest "the guest test did not finish (rc $rc)" "$(tr -d '\r' <"$LOG" | tail -25)" \
		"$(tail -3 "$(vm_err rss)")"
	exit 0
fi

# --- setup, badkey, badqueues, restore ----------------------------------------------------------
sect show.before >"$VM_TMP/show.before"
sect show.after >"$VM_TMP/show.after"
sect show.badkey >"$VM_TMP/show.badkey"
sect show.badqueues >"$VM_TMP/show.badqueues"
sect show.restored >"$VM_TMP/show.restored"
res=$(python3 - "$VM_TMP" "$KEY" <<'EOF'
import json, sys
d, key = sys.argv[1], sys.argv[2]
l4 = ["src-ip", "dst-ip", "src-port", "dst-port"]
def show(n):
    return json.loads(open("%s/show.%s" % (d, n)).read().strip())
a, b = show("after"), show("before")
bad = []
if a["channels"]["combined"] != 4: bad.append("combined %s" % a["channels"]["combined"])
if a["rss"]["key"] != key: bad.append("key %s" % a["rss"]["key"])
if a["rss"]["indir"] != [i % 4 for i in range(len(a["rss"]["indir"]))] or not a["rss"]["indir"]:
    bad.append("table %s" % a["rss"]["indir"])
for f in ("tcp4", "udp4", "tcp6", "udp6"):
    if a["flow_hash"][f] != l4: bad.append("%s %s" % (f, a["flow_hash"][f]))
before_ok = (b["channels"]["combined"] == 2 and b["rss"]["key"] == bytes(range(1, 41)).hex()
             and b["flow_hash"]["udp4"] == ["src-ip", "dst-ip"])
print("setup", "ok" if not bad else "; ".join(bad))
print("before", "ok" if before_ok else json.dumps(b))
print("badkey", "ok" if show("badkey") == a else "changed")
print("badqueues", "ok" if show("badqueues") == a else "changed")
print("restored", "ok" if show("restored") == b else json.dumps(show("restored")))
print("indir", len(a["rss"]["indir"]))
EOF
)
r() { printf '%s\n' "$res" | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }'; }
# ethtool(8)'s view: the key as colon hex, the table rows "N: q q q ...", the udp4 fields
ekey=$(sect ethtool.x | awk '/^RSS hash key:/ { getline; print }' | tr -d ':')
etab=$(sect ethtool.x | awk '/^ *[0-9]+: / { for (i = 2; i <= NF; i++) printf "%s ", $i }')
want_tab=$(for ((i = 0; i < $(r indir); i++)); do printf '%s ' $((i % 4)); done)
efields=$(sect ethtool.n | grep -cE '^(IP SA|IP DA|L4 bytes 0 & 1 \[TCP/UDP src port\]|L4 bytes 2 & 3 \[TCP/UDP dst port\])$')
if sect setup | grep -q '^rc=0$' && sect setup | grep -q '^eth0: set and read back$' &&
	[ "$(r setup)" = ok ] && [ "$(r before)" = ok ] && [ "$ekey" = "$KEY" ] &&
	[ "$etab" = "$want_tab" ] && [ "$efields" = 4 ]; then
	ok rss.setup
else
	fail rss.setup "nic show: $(r setup); state before: $(r before)" \
		"ethtool -x key: $ekey" "ethtool -x table: $etab" "ethtool -n udp4: $efields of 4 fields" \
		"$(sect setup)" "$(sect ethtool.x)" "$(sect ethtool.n)"
fi
out=$(sect badkey)
if printf '%s\n' "$out" | grep -q '^rc=1$' &&
	printf '%s\n' "$out" | grep -q "the RSS key is 39 bytes, the device's is 40" &&
	[ "$(r badkey)" = ok ]; then
	ok rss.badkey
	info "badkey: $(printf '%s\n' "$out" | head -1)"
else
	fail rss.badkey "after: $(r badkey)" "$out"
fi
out=$(sect badqueues)
if printf '%s\n' "$out" | grep -q '^rc=1$' &&
	printf '%s\n' "$out" | grep -q -- '--queues 99: the device has at most 4' &&
	[ "$(r badqueues)" = ok ]; then
	ok rss.badqueues
	info "badqueues: $(printf '%s\n' "$out" | head -1)"
else
	fail rss.badqueues "after: $(r badqueues)" "$out"
fi
if sect restore | grep -q '^rc=0$' && [ "$(r restored)" = ok ]; then
	ok rss.restore
else
	fail rss.restore "$(sect restore)" "show after restore: $(r restored)" \
		"show before: $(cat "$VM_TMP/show.before")"
fi

# --- spread: per-queue counters against the prediction ---------------------------------------------
counts() { sect "$1" | awk '{ sub(/.*rx_queue_/, ""); sub(/_packets:/, ""); printf "%s ", $2 }'; }
before=($(counts counters.before))
after=($(counts counters.after))
observed=()
for q in 0 1 2 3; do observed+=($((${after[$q]:-0} - ${before[$q]:-0}))); done
predicted=($(awk '{ n[$3] += $3 + 1 } END { for (q = 0; q < 4; q++) printf "%d ", n[q] }' \
	"$VM_TMP/pred.b"))
if sect setup2 | grep -q '^rc=0$' && [ "${observed[*]}" = "${predicted[*]}" ]; then
	ok rss.spread
	info "spread: $B_FLOWS flows, q + 1 frames each, per queue predicted ${predicted[*]}, observed ${observed[*]}"
else
	fail rss.spread "per queue predicted ${predicted[*]}, observed ${observed[*]}" \
		"$(sect setup2)" "$(sect counters.before)" "$(sect counters.after)"
fi

# --- nic mode end to end ------------------------------------------------------------------------
start=$(sect dp.start)
if printf '%s\n' "$start" | grep -q 'eth0: RSS for 4 workers (read back): queues \(set\|kept\), key set, table set (128 entries), 4-tuple hash tcp4 \(set\|kept\) udp4 \(set\|kept\) tcp6 \(set\|kept\) udp6 \(set\|kept\)$' &&
	printf '%s\n' "$start" | grep -q 'mode nic, 4 workers, app echo' &&
	! printf '%s\n' "$start" | grep -q warning; then
	ok rss.nic.start
	info "nic: $(printf '%s\n' "$start" | grep 'RSS for')"
else
	fail rss.nic.start "$start"
fi
pkey=$(printf '6d5a%.0s' $(seq 20))
nkey=$(sect nic.ethtool.x | awk '/^RSS hash key:/ { getline; print }' | tr -d ':')
ntab=$(sect nic.ethtool.x | awk '/^ *[0-9]+: / { for (i = 2; i <= NF; i++) printf "%s ", $i }')
if [ "$nkey" = "$pkey" ] && [ "$ntab" = "$want_tab" ]; then
	ok rss.nic.programmed
else
	fail rss.nic.programmed "key $nkey (want $pkey)" "table $ntab" "$(sect nic.ethtool.x)"
fi
sect dp.out | grep '^{' | tail -1 >"$VM_TMP/final.json"
res=$(python3 - "$VM_TMP" "$C_PKTS" "$C_FLOWS" <<'EOF'
import json, sys
d, pkts, flows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pred = {}
for line in open(d + "/pred.c"):
    sport, h, q = line.split()
    pred[int(h, 16)] = (int(sport), int(q))
try:
    s = json.load(open(d + "/final.json"))
except Exception as e:
    print("affinity", "no final statistics: %s" % e); print("replies", "-"); sys.exit()
wrong, missing, per_worker, seen = [], [], [0, 0, 0, 0], {}
for w in s["workers"]:
    for h, n in w.get("flows", {}).items():
        h = int(h, 16)
        if h not in pred:
            wrong.append("unknown flow hash 0x%08x on worker %d (%d frames)" % (h, w["id"], n))
            continue
        sport, q = pred[h]
        seen[h] = seen.get(h, 0) + n
        if q != w["id"]:
            wrong.append("flow %d (0x%08x): worker %d, predicted %d" % (sport, h, w["id"], q))
        else:
            per_worker[w["id"]] += 1
for h, (sport, q) in pred.items():
    if seen.get(h, 0) != pkts:
        missing.append("flow %d: %d of %d frames" % (sport, seen.get(h, 0), pkts))
pw = [sum(1 for (sp, q) in pred.values() if q == i) for i in range(4)]
print("affinity", "ok" if not wrong and not missing else "; ".join((wrong + missing)[:8]))
print("flows", " ".join(map(str, pw)), "/", " ".join(map(str, per_worker)))
r = json.load(open(d + "/replies.json"))
short = [p for p in range(30000, 30000 + flows) if r["replies"].get(str(p), 0) != pkts]
ok = (not short and s["conserved"] and s["final"] and s["rx"] == flows * pkts
      and s["tx"] == flows * pkts)
print("replies", "ok" if ok else "sent %d, flows short of replies: %s; rx %d tx %d conserved %s"
      % (r["sent"], short[:8], s["rx"], s["tx"], s["conserved"]))
EOF
)
if [ "$(r affinity)" = ok ]; then
	ok rss.nic.affinity
	info "nic: $C_FLOWS flows x $C_PKTS frames, flows per worker predicted / handled: $(r flows)"
else
	fail rss.nic.affinity "$(r affinity)" "$(sect dp.err | tail -5)"
fi
if [ "$(r replies)" = ok ] && sect dp.rc | grep -q '^rc=0$'; then
	ok rss.nic.replies
else
	fail rss.nic.replies "$(r replies)" "vnfdp exit: $(sect dp.rc)" "$(sect dp.out | cut -c1-600)"
fi
info "rss: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
