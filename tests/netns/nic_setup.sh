#!/usr/bin/env bash
# vnfctl nic setup / restore on a 4-queue veth in a test namespace, checked with ethtool(8):
#   queues_offloads  --queues 2 --offloads off: ethtool -l shows 2, ethtool -k every
#                    segmentation, GRO and checksum offload off
#   dry_run          --dry-run --queues 1 changes nothing
#   rss_refused      --rss-profile ms: "cannot set the RSS key or table" (veth has no RSS) and
#                    nothing else changed (queues still 2)
#   too_many_queues  --queues 9: the error names the device's maximum, nothing changed
#   addr / bad_cidr  --addr 10.77.0.1/24 puts the address on and the link up; a bad CIDR is a
#                    usage error
#   restore          nic restore: ethtool -l and -k exactly as before the first setup, the
#                    address gone, and a second restore has nothing to do
# Env: O (build dir).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/netns/lib.sh
. tests/netns/lib.sh
ns_require
VNFCTL=$(realpath "$O/vnfctl")
if ! ns_setup 4; then
	fail nic_setup.setup "cannot create namespaces and veth pair"
	exit 0
fi
t=$NS_TMP/nic
mkdir -p "$t"
export VNFCTL_STATE_DIR=$t/state
v() { ns_in_gen "$VNFCTL" "$@"; }
ns_in_gen ethtool -l "$IF_A" >"$t/l0"
ns_in_gen ethtool -k "$IF_A" >"$t/k0"
now_rx() { ns_in_gen ethtool -l "$IF_A" | awk '/Current/ {c = 1} c && /^RX:/ {print $2}'; }

out=$(v nic setup "$IF_A" --queues 2 --offloads off 2>&1)
k=$(ns_in_gen ethtool -k "$IF_A" | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|rx-checksumming|tx-checksumming):' | grep -c ': on')
if [ "$out" = "$IF_A: set and read back" ] && [ "$(now_rx)" = 2 ] && [ "$k" = 0 ]; then
	ok nic_setup.queues_offloads
else
	fail nic_setup.queues_offloads "$out" "RX now $(now_rx), offloads still on: $k"
fi

v nic setup "$IF_A" --queues 1 --dry-run >"$t/dry" 2>&1
if [ "$(now_rx)" = 2 ] && grep -q '"combined":0' "$t/dry" && grep -q '"rx":1' "$t/dry"; then
	ok nic_setup.dry_run
else
	fail nic_setup.dry_run "RX now $(now_rx)" "$(head -5 "$t/dry")"
fi

out=$(v nic setup "$IF_A" --queues 3 --rss-profile ms 2>&1)
rc=$?
if [ "$rc" = 1 ] && [ "$out" = "vnfctl: $IF_A (driver veth) cannot set the RSS key or table: not supported by the driver" ] && [ "$(now_rx)" = 2 ]; then
	ok nic_setup.rss_refused
else
	fail nic_setup.rss_refused "exit $rc: $out" "RX now $(now_rx)"
fi

out=$(v nic setup "$IF_A" --queues 9 2>&1)
rc=$?
if [ "$rc" = 1 ] && [ "$out" = "vnfctl: $IF_A (driver veth): --queues 9: the device has at most 4 RX and 4 TX queues" ] && [ "$(now_rx)" = 2 ]; then
	ok nic_setup.too_many_queues
else
	fail nic_setup.too_many_queues "exit $rc: $out"
fi

out=$(v nic setup "$IF_A" --addr 10.77.0.1/24 2>&1)
a=$(ip -n "$NS_GEN" -br addr show "$IF_A")
up=$(ip -n "$NS_GEN" -o link show "$IF_A" | grep -c '[<,]UP[,>]')
if [ "$out" = "$IF_A: set and read back" ] && grep -q '10.77.0.1/24' <<<"$a" && [ "$up" = 1 ]; then
	ok nic_setup.addr
else
	fail nic_setup.addr "$out" "$a" "up: $up"
fi
out=$(v nic setup "$IF_A" --addr 10.77.0.1/33 2>&1)
rc=$?
if [ "$rc" = 2 ] && grep -q -- '--addr "10.77.0.1/33": not an IPv4 address with prefix length' <<<"$out"; then
	ok nic_setup.bad_cidr
else
	fail nic_setup.bad_cidr "exit $rc: $out"
fi

# a misspelt profile or a bad key is a usage error before the device is asked (a veth has no
# RSS: the driver's refusal must not hide the typo)
out=$(v nic setup "$IF_A" --rss-profile defualt 2>&1)
rc=$?
if [ "$rc" = 2 ] && grep -q -- '--rss-profile "defualt": unknown (default, ms, mtcp)' <<<"$out"; then
	ok nic_setup.bad_profile
else
	fail nic_setup.bad_profile "exit $rc: $out"
fi
out=$(v nic setup "$IF_A" --rss-key 6d5z 2>&1)
rc=$?
if [ "$rc" = 2 ] && grep -q -- '--rss-key "6d5z": not hex bytes' <<<"$out"; then
	ok nic_setup.bad_key
else
	fail nic_setup.bad_key "exit $rc: $out"
fi

out=$(v nic restore "$IF_A" 2>&1)
again=$(v nic restore "$IF_A" 2>&1)
ns_in_gen ethtool -l "$IF_A" >"$t/l1"
ns_in_gen ethtool -k "$IF_A" >"$t/k1"
a=$(ip -n "$NS_GEN" -br addr show "$IF_A")
if [ "$out" = "$IF_A: original settings restored" ] && cmp -s "$t/l0" "$t/l1" && cmp -s "$t/k0" "$t/k1" &&
	[ "$again" = "$IF_A: nothing to restore" ] && ! grep -q 10.77.0.1 <<<"$a"; then
	ok nic_setup.restore
else
	fail nic_setup.restore "$out / $again" "$(diff "$t/l0" "$t/l1"; diff "$t/k0" "$t/k1")"
fi
ns_teardown
exit 0
