#!/usr/bin/env bash
# vnfctl nic show against ethtool(8) on a veth with 2 queues in a test namespace: the channel
# counts and every offload agree, what veth lacks (rings, RSS, flow hash) says "not supported
# by the driver", and an unknown interface is a clear error.
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require
VNFCTL=$O/vnfctl

if ! ns_setup 2; then
	fail nic_show.setup "cannot create namespaces and veth pair"
	exit 0
fi
t=$NS_TMP/nic
mkdir -p "$t"
ns_in_gen ethtool -K "$IF_A" gro on tso off >/dev/null 2>&1
if ! ns_in_gen "$VNFCTL" --json nic show "$IF_A" >"$t/show.json" 2>"$t/err"; then
	fail nic_show.run "$(cat "$t/err")"
	exit 0
fi
ns_in_gen ethtool -l "$IF_A" >"$t/l.txt" 2>&1
ns_in_gen ethtool -k "$IF_A" >"$t/k.txt" 2>&1
out=$(python3 - "$t/show.json" "$t/l.txt" "$t/k.txt" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
l = open(sys.argv[2]).read().split("Current hardware settings:")
k = dict(line.strip().split(":", 1) for line in open(sys.argv[3]) if ":" in line and not line.startswith("Features"))
k = {a.strip(): b.split()[0] for a, b in k.items()}
bad = []
def num(block, key):
    for line in block.splitlines():
        if line.startswith(key + ":"):
            v = line.split(":", 1)[1].strip()
            return 0 if v == "n/a" else int(v)
    return None
ch = j["channels"]
for key, ours, theirs in (("RX", ch["max_rx"], num(l[0], "RX")), ("TX", ch["max_tx"], num(l[0], "TX")),
                          ("RX now", ch["rx"], num(l[1], "RX")), ("TX now", ch["tx"], num(l[1], "TX"))):
    if ours != theirs:
        bad.append("channels %s: ours %s, ethtool %s" % (key, ours, theirs))
names = {"tso": ["tcp-segmentation-offload", "tx-tcp-segmentation"], "gso": ["generic-segmentation-offload"],
         "gro": ["generic-receive-offload"], "lro": ["large-receive-offload"], "rx-checksum": ["rx-checksumming"],
         "tx-checksum": ["tx-checksumming"]}
for ours, theirs in names.items():
    t = next((k[n] for n in theirs if n in k), None)
    if t is None or j["offloads"][ours] != (t == "on"):
        bad.append("offload %s: ours %s, ethtool %s" % (ours, j["offloads"][ours], t))
if j["offloads"]["gro"] is not True or j["offloads"]["tso"] is not False:
    bad.append("gro on / tso off not seen")
for key in ("rings", "rss"):
    if j[key] != "not supported by the driver":
        bad.append("%s: %r" % (key, j[key]))
if j["driver"] != "veth":
    bad.append("driver %r" % j["driver"])
print("\n".join(bad) if bad else "same")
PY
)
if [ "$out" = same ]; then ok nic_show.agrees_with_ethtool; else fail nic_show.agrees_with_ethtool "$out"; fi
ns_in_gen "$VNFCTL" nic show nosuch0 >"$t/out" 2>"$t/err"
rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$t/err")" = "vnfctl: nosuch0: no such interface" ]; then
	ok nic_show.unknown_interface
else
	fail nic_show.unknown_interface "exit $rc: $(cat "$t/err")"
fi
ns_teardown
exit 0
