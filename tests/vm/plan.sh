#!/usr/bin/env bash
# vnfctl up | down against libvirt with one TCG VM (tests/vm's guest) whose dataplane runs the
# echo app in sw mode:
#   plan.dry_run      up --dry-run lists the steps with their commands and changes nothing
#   plan.bad          a plan with a bad field: the exact path of the field, exit 1, nothing made
#   plan.up           up: every step ok, the domain runs, the dataplane answers (status)
#   plan.status_plan  vnfctl status PLAN: one row for the VM (text and --json)
#   plan.twice        a second up: "nothing to change", every step already done
#   plan.down         down: the host as before up (domains, state files, deploy records)
#   plan.fail_N       a failure injected at step N (VNFCTL_TEST_FAIL_STEP): exit 1, the steps
#                     before it undone, the host as before
#   plan.real_fail    a real failure (the plan's bridge does not exist): the domain start fails,
#                     the domain up defined is deleted again
# "The host as before" compares: virsh list --all, the state directory's files, the bridge's
# ports.  Everything is removed on exit, also when a step fails.  Needs root, libvirtd, QEMU.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/vm/libvirt.sh
. tests/vm/libvirt.sh
O=${O:-build}
VNFCTL=$(realpath -m "$O/vnfctl")
VNFDP=$(realpath -m "$O/vnfdp")
ID=$$
DOM=vnfctl-plan-$ID
BR=vnfpl$ID
tmp=

ok() { echo "ok   plan.$1"; }
fail() {
	echo "FAIL plan.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}
v() { "$VNFCTL" --connect qemu:///system "$@"; }

cleanup() {
	virsh -q -c qemu:///system destroy "$DOM" >/dev/null 2>&1
	virsh -q -c qemu:///system undefine "$DOM" >/dev/null 2>&1
	ip link del "$BR" 2>/dev/null
	lv_stop
	[ -z "$tmp" ] || rm -rf "$tmp"
}

if [ "$(id -u)" != 0 ]; then
	echo "skip plan (needs root)"
	exit 0
fi
for t in virsh libvirtd qemu-system-x86_64 ip python3 cpio; do
	command -v "$t" >/dev/null 2>&1 || {
		fail tools "missing: $t"
		exit 0
	}
done
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tmp=$(mktemp -d /tmp/vnf-plan.XXXXXX)
export VNFCTL_STATE_DIR=$tmp/state
if ! lv_image "$tmp"; then
	fail image "$(tail -5 "$tmp/mkimage.err")"
	exit 0
fi
if ! lv_start "$tmp"; then
	fail libvirtd "no libvirtd answers on qemu:///system"
	exit 0
fi
ip link add "$BR" type bridge && ip link set "$BR" up || {
	fail net "cannot create bridge $BR"
	exit 0
}

plan() { # FILE BRIDGE [WORKERS]
	cat >"$1" <<EOF
{
  "\$schema": "https://vnfctl.dev/schema/plan-1.json",
  "name": "test$ID",
  "vms": [
    {"name": "$DOM", "template": "virtio", "accel": "tcg", "vcpus": 2, "memory_mib": 512,
     "disk": "none", "kernel": "$tmp/vmlinuz", "initrd": "$tmp/initrd.gz",
     "cmdline": "console=ttyS0 quiet panic=-1 vnf.up=eth0", "bridge": "$2",
     "binary": "$VNFDP",
     "dataplane": {"mode": "sw", "workers": ${3:-2}, "port": {"backend": "afpacket", "iface": "eth0"},
                   "app": {"name": "echo"}}}
  ]
}
EOF
}
# what "the host as before" means here
snapshot() {
	{
		virsh -q -c qemu:///system list --all --name | grep -v '^$' | sort
		echo "--"
		(cd "$tmp/state" 2>/dev/null && find . -type f | sort)
		echo "--"
		ls "/sys/class/net/$BR/brif" 2>/dev/null
	} >"$1"
}

plan "$tmp/plan.json" "$BR"
snapshot "$tmp/before"

# ---- dry run, bad plan ------------------------------------------------------------------------
out=$(v up --dry-run "$tmp/plan.json" 2>&1)
rc=$?
snapshot "$tmp/after"
if [ $rc = 0 ] && [ "$(grep -c 'would run: vnfctl ' <<<"$out")" = 4 ] &&
	grep -q "\[1/4\] domain new $DOM .*would run: vnfctl domain new $DOM --template virtio" <<<"$out" &&
	grep -q "\[3/4\] deploy $DOM .*--config $tmp/state/plan-test$ID/$DOM.dp.json --binary $VNFDP" <<<"$out" &&
	cmp -s "$tmp/before" "$tmp/after"; then
	ok dry_run
else
	fail dry_run "exit $rc" "$out" "$(diff "$tmp/before" "$tmp/after")"
fi
plan "$tmp/bad.json" "$BR" 0
out=$(v up "$tmp/bad.json" 2>&1)
rc=$?
snapshot "$tmp/after"
if [ $rc = 1 ] && [[ "$out" == *"vms[0].dataplane.workers: 0 is out of range"* ]] &&
	cmp -s "$tmp/before" "$tmp/after"; then
	ok bad
else
	fail bad "exit $rc" "$out"
fi

# ---- up, up again, down ---------------------------------------------------------------------
t0=$(date +%s)
out=$(v up "$tmp/plan.json" 2>&1)
rc=$?
if [ $rc = 0 ] && [ "$(grep -cE '^\[[0-9]/4\] .* ok \([0-9.]+ s\)$' <<<"$out")" = 4 ] &&
	v --json status "$DOM" --interval 0.5 >"$tmp/status.json" 2>&1 &&
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["conserved"] and len([t for t in j["threads"] if t["role"] == "worker"]) == 2 else 1)' "$tmp/status.json"; then
	ok "up ($(($(date +%s) - t0)) s)"
else
	fail up "exit $rc" "$out" "$(cat "$tmp/status.json" 2>/dev/null | head -c 400)"
fi
out=$(v status --interval 0.5 "$tmp/plan.json" 2>&1)
rc=$?
if [ $rc = 0 ] && grep -qE "^$DOM +[0-9]+ sw +2 .* yes$" <<<"$out" &&
	v --json status "$tmp/plan.json" | python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if len(j) == 1 and j[0]["conserved"] else 1)'; then
	ok status_plan
else
	fail status_plan "exit $rc" "$out"
fi
out=$(v up "$tmp/plan.json" 2>&1)
rc=$?
if [ $rc = 0 ] && [ "$(grep -c 'already done$' <<<"$out")" = 4 ] && grep -q '^up: nothing to change' <<<"$out"; then
	ok twice
else
	fail twice "exit $rc" "$out"
fi
out=$(v down "$tmp/plan.json" 2>&1)
rc=$?
snapshot "$tmp/after"
if [ $rc = 0 ] && grep -q '^down: 3 steps undone' <<<"$out" && cmp -s "$tmp/before" "$tmp/after"; then
	ok down
else
	fail down "exit $rc" "$out" "$(diff "$tmp/before" "$tmp/after")"
fi

# ---- a failure at each step: rolled back ----------------------------------------------------
for n in 1 2 3 4; do
	out=$(VNFCTL_TEST_FAIL_STEP=$n v up "$tmp/plan.json" 2>&1)
	rc=$?
	snapshot "$tmp/after"
	if [ $rc = 1 ] && grep -q "^\[$n/4\] .* FAILED" <<<"$out" &&
		[ "$(grep -c '^up: undo .* ok' <<<"$out")" = $((n > 3 ? 2 : n - 1)) ] &&
		cmp -s "$tmp/before" "$tmp/after"; then
		ok "fail_$n"
	else
		fail "fail_$n" "exit $rc" "$out" "$(diff "$tmp/before" "$tmp/after")"
	fi
done

# ---- a real failure: the bridge does not exist ----------------------------------------------
plan "$tmp/nobr.json" "vnfnobr$ID"
out=$(v up "$tmp/nobr.json" 2>&1)
rc=$?
snapshot "$tmp/after"
if [ $rc = 1 ] && grep -q '^\[2/4\] domain start .* FAILED' <<<"$out" &&
	grep -q "^up: undo domain new $DOM .* ok" <<<"$out" && cmp -s "$tmp/before" "$tmp/after"; then
	ok real_fail
else
	fail real_fail "exit $rc" "$out" "$(diff "$tmp/before" "$tmp/after")"
fi
