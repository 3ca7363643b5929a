#!/usr/bin/env bash
# vnfctl doctor, each check's ok and failing path, on inputs the test makes: a fake emulator
# (a script printing a version and a device list), temporary qemu.conf files, a stand-in
# /dev/netmap, a directory that is not a bpffs, libvirt's test driver and an unreachable URI.
# Prints "ok   doctor.NAME" / "FAIL doctor.NAME".  Env: O (build dir).
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
VNFCTL=$O/vnfctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   doctor.$1"; }
fail() {
	echo "FAIL doctor.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}
if [ ! -x "$VNFCTL" ]; then
	fail binary "$VNFCTL not built"
	exit 0
fi

# fake emulator: FAKE_VERSION and FAKE_PTNET choose what it prints
cat >"$tmp/qemu" <<'SH'
#!/bin/sh
case "$1" in
-version) echo "QEMU emulator version ${FAKE_VERSION:-7.2.0}"; echo "Copyright (c) 2003-2022" ;;
-device)
	echo 'Network devices:'
	echo 'name "e1000", bus PCI, desc "Intel Gigabit Ethernet"'
	[ -z "${FAKE_PTNET:-}" ] || echo 'name "ptnet-pci", bus PCI, desc "netmap ptnet"'
	echo 'name "virtio-net-pci", bus PCI' ;;
*) exit 1 ;;
esac
SH
chmod +x "$tmp/qemu"
printf 'cgroup_device_acl = [\n    "/dev/null", "/dev/full", "/dev/zero",\n    "/dev/netmap",\n    "/dev/kvm"\n]\n' >"$tmp/good.conf"
printf '#cgroup_device_acl = [\n#    "/dev/null", "/dev/netmap"\n#]\n' >"$tmp/commented.conf"
printf 'cgroup_device_acl = [ "/dev/null", "/dev/kvm" ]\n' >"$tmp/lacking.conf"
touch "$tmp/netmap"

# doctor [ENV=... ...] -- ARGS: runs vnfctl --json doctor, output in $tmp/out.json, exit in rc
doctor() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env VNFCTL_KVM_DEV="$tmp/no-kvm" "${envs[@]}" "$VNFCTL" --connect test:///default --json \
		doctor --emulator "$tmp/qemu" --qemu-conf "$tmp/good.conf" "$@" >"$tmp/out.json" \
		2>"$tmp/err"
	rc=$?
}
# status CHECK: that check's status in the last run ("" when absent)
status() {
	python3 -c 'import json,sys
for c in json.load(open(sys.argv[1])):
    if c["check"] == sys.argv[2]: print(c["status"]); break' "$tmp/out.json" "$1" 2>/dev/null
}
expect() { # NAME CHECK STATUS [EXIT]
	local s
	s=$(status "$2")
	if [ "$s" = "$3" ] && { [ -z "${4:-}" ] || [ "$rc" = "$4" ]; }; then ok "$1"; else
		fail "$1" "$2: '$s', want '$3'; exit $rc" "$(cat "$tmp/err")" "$(head -c 600 "$tmp/out.json")"
	fi
}

doctor FAKE_PTNET=1 FAKE_VERSION=7.2.0 VNFCTL_NETMAP_DEV="$tmp/netmap" VNFCTL_BPFFS=/sys/fs/bpf --
expect libvirt.ok libvirt ok 0
expect emulator.version_ok emulator.version ok
expect emulator.ptnet_ok emulator.ptnet ok
expect netmap.ok netmap ok
expect qemu_conf.ok qemu.conf.netmap ok
if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if all(set(c) == {"check","status","finding","fix"} for c in j) else 1)' "$tmp/out.json"; then
	ok json.fields
else
	fail json.fields "$(cat "$tmp/out.json")"
fi
doctor VNFCTL_NETMAP_DEV="$tmp/missing" VNFCTL_BPFFS="$tmp" -- --qemu-conf "$tmp/commented.conf"
expect emulator.ptnet_missing emulator.ptnet warning 0
expect netmap.missing netmap warning
expect qemu_conf.commented qemu.conf.netmap warning
expect afxdp.not_bpffs afxdp.bpffs warning
expect kvm.missing kvm warning
doctor -- --qemu-conf "$tmp/lacking.conf"
expect qemu_conf.lacking qemu.conf.netmap warning
doctor -- --qemu-conf "$tmp/none.conf"
expect qemu_conf.unreadable qemu.conf warning
doctor FAKE_VERSION=3.0.94 FAKE_PTNET=1 --
expect emulator.too_old emulator.version error 1
doctor -- --emulator "$tmp/does-not-exist"
expect emulator.missing emulator error 1
# libvirt's test driver has a domain "test" without a guest agent channel
doctor -- --domain test
expect agent.no_channel agent.test error 1
doctor -- --domain no-such-domain
expect agent.unknown agent.no-such-domain error 1
doctor -- --iface lo
expect nic.lo nic.lo warning 0
doctor -- --iface nosuchif0
expect nic.unknown nic.nosuchif0 error 1
# an unreachable libvirt: an error with the fix, exit 1
VNFCTL_KVM_DEV="$tmp/no-kvm" "$VNFCTL" --connect "qemu+unix:///system?socket=$tmp/nosock" --json doctor \
	--emulator "$tmp/qemu" --qemu-conf "$tmp/good.conf" >"$tmp/out.json" 2>/dev/null
rc=$?
expect libvirt.unreachable libvirt error 1
# text output: one line per check, fixes indented, a summary
out=$(VNFCTL_KVM_DEV="$tmp/no-kvm" "$VNFCTL" --connect test:///default doctor --emulator "$tmp/qemu" \
	--qemu-conf "$tmp/lacking.conf" 2>&1)
if grep -qE '^warning +qemu.conf.netmap +.*lacks /dev/netmap' <<<"$out" &&
	grep -qE '^ +fix: add "/dev/netmap" to cgroup_device_acl' <<<"$out" &&
	grep -qE '^doctor: 0 errors, [0-9]+ warnings$' <<<"$out"; then
	ok text
else
	fail text "$out"
fi
out=$("$VNFCTL" doctor --bogus 2>&1)
rc=$?
if [ $rc = 2 ] && [[ "$out" == *'"--bogus"'* ]]; then ok usage; else fail usage "exit $rc: $out"; fi
if "$VNFCTL" doctor --help | grep -q '^usage: vnfctl doctor'; then ok help; else fail help; fi
