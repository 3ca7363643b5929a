#!/usr/bin/env bash
# make demo: the whole toolkit on one machine, no netmap and no KVM needed.
#   1. a test bridge and a "client" network namespace on it (the demo's own network)
#   2. vnfctl up templates/demo.json: a VM under QEMU (KVM when /dev/kvm exists, TCG
#      otherwise) booted from the test guest image, its virtio vNIC on the bridge, the dataplane
#      deployed through the guest agent and started in sw mode with 2 workers and the echo app
#   3. UDP traffic over 256 flows from the namespace, with the live per-core table
#      (vnfctl status --watch) showing how the workers share the flows
#   4. vnfctl down templates/demo.json, and a check that nothing is left behind
# It also runs in the test suite (tests/run.sh): the lines "ok   demo.STEP" / "FAIL demo.STEP"
# are its verdicts.  Needs root.  Env: O (build dir), DEMO_PACKETS (default 6000).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/vm/libvirt.sh
. tests/vm/libvirt.sh
O=${O:-build}
VNFCTL=$(realpath -m "$O/vnfctl")
UDP_COUNT=$(realpath -m "$O/tests/netns/udp_count")
PACKETS=${DEMO_PACKETS:-6000}
PLAN=templates/demo.json
DOM=vnfdemo
BR=vnfdemo0
NS=vnfdemo-client
VA=vnfdemo-a
VB=vnfdemo-b
MAC_GEN=02:00:00:00:0d:01
IMG=/var/lib/vnfctl/demo-image
MAGIC=VNFDEMO1
tmp=
up_done=

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { echo "ok   demo.$1"; }
failed=0
fail() {
	failed=1
	echo "FAIL demo.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}

cleanup() {
	[ -z "${UPID:-}" ] || kill "$UPID" 2>/dev/null
	[ -z "$up_done" ] || "$VNFCTL" down "$tmp/plan.json" >/dev/null 2>&1
	virsh -q -c qemu:///system destroy "$DOM" >/dev/null 2>&1
	virsh -q -c qemu:///system undefine "$DOM" >/dev/null 2>&1
	ip netns del "$NS" 2>/dev/null
	ip link del "$VA" 2>/dev/null
	ip link del "$BR" 2>/dev/null
	rm -rf "$IMG"
	lv_stop
	[ -z "$tmp" ] || rm -rf "$tmp"
}

if [ "$(id -u)" != 0 ]; then
	echo "skip demo (needs root: libvirt, network namespaces)"
	exit 0
fi
for t in virsh libvirtd qemu-system-x86_64 trafgen ip python3 cpio; do
	command -v "$t" >/dev/null 2>&1 || {
		fail tools "missing: $t (make deps installs it)"
		exit 1
	}
done
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tmp=$(mktemp -d /tmp/vnf-demo.XXXXXX)

say "the guest image (Debian's kernel, busybox, qemu-ga; cached in ~/.cache/vnfctl/vm)"
if ! lv_image "$tmp"; then
	fail image "$(tail -5 "$tmp/mkimage.err")"
	exit 1
fi
mkdir -p "$IMG" && chmod 755 "$IMG" && cp "$tmp/vmlinuz" "$tmp/initrd.gz" "$IMG/" &&
	chmod 644 "$IMG"/*
if ! lv_start "$tmp"; then
	fail libvirtd "no libvirtd answers on qemu:///system"
	exit 1
fi
# the plan as shipped runs under TCG; where KVM works, the same plan with accel kvm.  /dev/kvm
# alone is not enough: nested KVM on some hosts cannot set the host CPU's MSRs and QEMU aborts
# at its first reset, so QEMU is tried (paused, 3 s) with the CPU model the template uses.
kvm_works() {
	[ -c /dev/kvm ] || return 1
	timeout 3 qemu-system-x86_64 -accel kvm -cpu host -M pc -display none -S -monitor none \
		-nodefaults >/dev/null 2>&1
	[ $? = 124 ]
}
if kvm_works; then
	sed 's/"accel": "tcg"/"accel": "kvm"/' "$PLAN" >"$tmp/plan.json"
	echo "KVM is available: the VM runs with KVM"
else
	cp "$PLAN" "$tmp/plan.json"
	echo "no usable KVM: the VM runs under QEMU's emulation (TCG), slowly but for real"
fi

say "the demo network: bridge $BR, client namespace $NS (10.99.0.1)"
ip link add "$BR" type bridge && ip link set "$BR" up &&
	echo 0 >"/sys/class/net/$BR/bridge/forward_delay" &&
	ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip link add "$VA" type veth peer name "$VB" && ip link set "$VB" netns "$NS" &&
	ip link set "$VA" master "$BR" up && ip -n "$NS" link set "$VB" address "$MAC_GEN" up &&
	ip -n "$NS" addr add 10.99.0.1/24 dev "$VB" || {
	fail network "cannot create the bridge and namespace"
	exit 1
}

say "vnfctl up $PLAN"
up_done=1
if "$VNFCTL" up "$tmp/plan.json"; then
	ok up
else
	fail up
	exit 1
fi

say "traffic: $PACKETS UDP frames over 256 flows from $NS; the live per-core table"
mac=$("$VNFCTL" --json domain show "$DOM" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mac"])')
cat >"$tmp/tg.cfg" <<EOF
{ eth(sa=$MAC_GEN, da=$mac), ipv4(sa=10.99.0.1, da=10.99.0.2, ttl=64, df),
  udp(sp=dinc(20000, 20255), dp=7), "$MAGIC", fill(0x00, 10) }
EOF
ip netns exec "$NS" "$UDP_COUNT" -i "$VB" -m "$MAGIC" -r "$tmp/ready" >"$tmp/count.json" 2>/dev/null &
UPID=$!
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.05; done
ip netns exec "$NS" trafgen -o "$VB" -i "$tmp/tg.cfg" -n "$PACKETS" -P 1 -q -t 1ms \
	>"$tmp/tg.log" 2>&1 </dev/null &
TPID=$!
"$VNFCTL" status "$DOM" --interval 1 --watch 1.5 --count 4
wait "$TPID"
sleep 2
kill -USR1 "$UPID" 2>/dev/null
for _ in $(seq 100); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.05; done
UPID=
say "every VM of the plan: vnfctl status $PLAN"
"$VNFCTL" status "$tmp/plan.json"
echoed=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")][-1]["received"])' "$tmp/count.json" 2>/dev/null)
sent=$(tr -d '\r' <"$tmp/tg.log" | awk '/packets outgoing/ {print $1}')
echo "the client sent ${sent:-?} frames and got ${echoed:-?} back"
if [ -n "$echoed" ] && [ "$echoed" -gt 0 ] && [ "${sent:-0}" = "$PACKETS" ]; then
	ok traffic
else
	fail traffic "sent '${sent}' echoed '${echoed}'"
fi

say "vnfctl down $PLAN"
if "$VNFCTL" down "$tmp/plan.json"; then
	up_done=
	ok down
else
	fail down
fi
left=$(virsh -q -c qemu:///system list --all --name | grep -x "$DOM")
[ -d "/var/lib/vnfctl/plan-demo" ] && left="$left /var/lib/vnfctl/plan-demo"
[ -e "/var/lib/vnfctl/deploy/$DOM.json" ] && left="$left deploy record"
if [ -z "$left" ]; then ok clean; else fail clean "left behind: $left"; fi
echo
echo "demo finished: the bridge, namespace and image copy go now; nothing else is left."
exit $failed
