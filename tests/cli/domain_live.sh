#!/usr/bin/env bash
# vnfctl domain attach | detach | show | restore against real libvirt drivers:
#   embed.*     the QEMU driver embedded in vnfctl's own process (qemu:///embed?root=TMP, no
#               daemon): define a domain, attach ptnet (domxml-to-native shows -device ptnet-pci
#               and -netdev netmap), attach again (unchanged), virtio and hostdev, --dry-run
#               (a diff, nothing changed), show --json, detach --all (the definition as before,
#               canonically), restore, and bad input (unknown domain, malformed MAC, a port
#               over netmap's limit, an id that clashes): each a clear error and the domain
#               unchanged; domain new from the templates (options applied, MACs of its own,
#               a taken name refused, --port for the ptnet template)
#   daemon.*    the same core steps against a libvirtd this test starts when none runs
#               (qemu:///system), and a concurrent edit between read and define (made by a
#               test hook) that must abort with nothing defined
# Everything it defines is undefined, the daemon it started is stopped, also on failure.
# Env: O (build dir).  Prints "ok   domain_live.NAME" / "FAIL domain_live.NAME".
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
VNFCTL=$(realpath -m "$O/vnfctl")
tmp=$(mktemp -d /tmp/vnfctl-live.XXXXXX)
DOM=vnfctl-test-$$
# shellcheck source=tests/vm/libvirt.sh
. tests/vm/libvirt.sh
cleanup() {
	if [ -n "$LV_STARTED_DAEMON" ] || lv_alive libvirtd; then
		virsh -c qemu:///system undefine "$DOM" >/dev/null 2>&1
	fi
	lv_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
export VNFCTL_STATE_DIR=$tmp/state

ok() { echo "ok   domain_live.$1"; }
fail() {
	echo "FAIL domain_live.$1"
	shift
	printf '%s\n' "$@" | sed 's/^/  /'
}
check() { # NAME CONDITION-CMD... (detail from $detail)
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "${detail:-}"; fi
	detail=
}

for t in virsh xmllint; do
	if ! command -v "$t" >/dev/null; then
		fail tools "missing: $t"
		exit 0
	fi
done
if [ ! -x "$VNFCTL" ]; then
	fail binary "$VNFCTL not built"
	exit 0
fi

cat >"$tmp/dom.xml" <<EOF
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='KiB'>131072</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <graphics type='vnc' port='-1' autoport='yes' passwd='s3cretpw'/>
  </devices>
</domain>
EOF

canon() { xmllint --c14n - 2>/dev/null; }

# run_core PREFIX URI: the steps both drivers go through
run_core() {
	local p=$1 uri=$2 before after out rc
	v() { "$VNFCTL" --connect "$uri" "$@"; }
	vs() { virsh -c "$uri" "$@"; }
	if ! vs define "$tmp/dom.xml" >"$tmp/define.out" 2>&1; then
		fail "$p.define" "$(cat "$tmp/define.out")"
		return
	fi
	ok "$p.define"
	before=$(vs dumpxml --inactive "$DOM")

	out=$(v domain attach "$DOM" --vnic ptnet --port vale0:vm1 --id net0 2>&1)
	rc=$?
	detail="exit $rc: $out"
	check "$p.attach_ptnet" test "$rc" = 0
	out=$(vs domxml-to-native qemu-argv --domain "$DOM" 2>&1)
	detail=$(printf '%s' "$out" | tail -c 400)
	check "$p.qemu_argv" grep -q -- "-device ptnet-pci,mac=52:54:00:[0-9a-f:]*,netdev=net0 -netdev netmap,ifname=vale0:vm1,passthrough=on,id=net0" <<<"$out"
	out=$(v domain attach "$DOM" --vnic ptnet --port vale0:vm1 --id net0 2>&1)
	detail=$out
	check "$p.attach_again_unchanged" test "$out" = "$DOM: unchanged"

	# the definition is edited with its secrets (a VNC password stays), never shown with them
	detail=$(vs dumpxml --inactive --security-info "$DOM" | grep graphics)
	check "$p.secrets_kept" grep -q "passwd='s3cretpw'" <<<"$detail"
	after=$(vs dumpxml --inactive "$DOM")
	out=$(v domain attach "$DOM" --vnic virtio --network default --queues 2 --dry-run 2>&1)
	detail=$out
	check "$p.dry_run_diff" grep -q '^+ *<source network="default"/>' <<<"$out"
	check "$p.dry_run_hides_secrets" eval '! grep -q s3cret <<<"$out"'
	detail="the definition changed"
	check "$p.dry_run_changes_nothing" test "$after" = "$(vs dumpxml --inactive "$DOM")"

	out=$(v domain attach "$DOM" --vnic virtio --network default --queues 2 --id net1 2>&1)
	detail=$out
	check "$p.attach_virtio" test $? = 0
	out=$(v domain attach "$DOM" --vnic hostdev --pci 0000:03:10.1 --id vf0 2>&1)
	detail=$out
	check "$p.attach_hostdev" test $? = 0
	out=$(v --json domain show "$DOM" 2>&1)
	detail=$out
	check "$p.show_json" python3 -c '
import json, sys
v = json.loads(sys.argv[1])
assert [x["id"] for x in v] == ["net0", "net1", "vf0"], v
assert v[0]["kind"] == "ptnet" and v[0]["port"] == "vale0:vm1"
assert v[1]["kind"] == "virtio" and v[1]["network"] == "default" and v[1]["queues"] == 2
assert v[2]["kind"] == "hostdev" and v[2]["pci"] == "0000:03:10.1"' "$out"

	# bad input: a clear error, the domain unchanged
	after=$(vs dumpxml --inactive "$DOM")
	bad() { # NAME WANT-REGEX ARGS...
		local name=$1 want=$2 o r
		shift 2
		o=$(v domain "$@" 2>&1)
		r=$?
		detail="exit $r: $o"
		check "$p.bad_$name" eval '[ "$r" = 1 ] && grep -Eq -- "$want" <<<"$o" && [ "$after" = "$(vs dumpxml --inactive "$DOM")" ]'
	}
	bad unknown_domain "^vnfctl: nosuch-$$: no such domain$" attach "nosuch-$$" --vnic ptnet --port vale0:x
	bad mac "MAC \"52:54:zz:00:00:01\": not six hex pairs" attach "$DOM" --vnic ptnet --port vale0:x --mac 52:54:zz:00:00:01
	bad port_length "netmap allows at most 63" attach "$DOM" --vnic ptnet --port "vale0:$(printf 'x%.0s' $(seq 70))"
	bad id_clash "id \"net1\": already a vNIC of this domain with another endpoint" attach "$DOM" --vnic ptnet --port vale0:other --id net1
	bad unknown_vnic "no vNIC \"net9\" from vnfctl" detach "$DOM" --id net9

	out=$(v domain detach "$DOM" --all 2>&1)
	detail=$out
	check "$p.detach_all" test $? = 0
	detail=$(diff <(canon <<<"$before") <(vs dumpxml --inactive "$DOM" | canon) | head -20)
	check "$p.detach_restores_definition" test -z "$detail"
	v domain attach "$DOM" --vnic ptnet --port vale0:vm2 --id net5 >/dev/null 2>&1
	out=$(v domain restore "$DOM" --dry-run 2>&1)
	detail=$out
	check "$p.restore_dry_run" eval 'grep -q "^-.*vale0:vm2" <<<"$out" && ! grep -q s3cret <<<"$out"'
	out=$(v domain restore "$DOM" 2>&1)
	detail=$out
	check "$p.restore" grep -Eq "^$DOM: (unchanged|restored)" <<<"$out"
	detail=$(diff <(canon <<<"$before") <(vs dumpxml --inactive "$DOM" | canon) | head -20)
	check "$p.restore_gives_original" test -z "$detail"
	detail=$(vs dumpxml --inactive --security-info "$DOM" | grep graphics)
	check "$p.restore_keeps_secrets" grep -q "passwd='s3cretpw'" <<<"$detail"
	vs undefine "$DOM" >/dev/null 2>&1
}

# ---- embedded driver ----------------------------------------------------------------
EMBED="qemu:///embed?root=$tmp/embed"
run_core embed "$EMBED"

# domain new from the templates
NEW=vnfctl-new-$$
out=$("$VNFCTL" --connect "$EMBED" domain new "$NEW" --template virtio --memory 256 --vcpus 2 \
	--disk "$tmp/disk.qcow2" 2>&1)
detail=$out
check embed.new_from_template test "$out" = "$NEW: defined from $(realpath -m templates/domain-virtio.xml)"
out=$("$VNFCTL" --connect "$EMBED" --json domain show "$NEW" 2>&1)
tmac=$(sed -n 's/.*<mac address="\([^"]*\)".*/\1/p' templates/domain-virtio.xml)
detail="$out (template MAC $tmac)"
check embed.new_has_own_mac python3 -c '
import json, sys
v = json.loads(sys.argv[1])
assert len(v) == 1 and v[0]["id"] == "vnf0" and v[0]["bridge"] == "br0" and v[0]["queues"] == 4, v
assert v[0]["mac"] != sys.argv[2] and v[0]["mac"].startswith("52:54:00:"), v' "$out" "$tmac"
x=$(virsh -c "$EMBED" dumpxml --inactive "$NEW" 2>&1)
detail=$x
check embed.new_options_applied eval 'grep -q "<memory unit=.KiB.>262144</memory>" <<<"$x" && grep -q "<vcpu placement=.static.>2</vcpu>" <<<"$x" && grep -q "$tmp/disk.qcow2" <<<"$x"'
out=$("$VNFCTL" --connect "$EMBED" domain new "$NEW" --template virtio 2>&1)
rc=$?
detail="exit $rc: $out"
check embed.new_name_taken eval '[ "$rc" = 1 ] && [ "$out" = "vnfctl: $NEW: new: a domain with this name exists already" ]'
out=$("$VNFCTL" domain new vnf9 --template ptnet-vale --port vale1:vnf9 --dry-run 2>&1)
detail=$out
check embed.new_ptnet_port grep -q 'value="netmap,ifname=vale1:vnf9,passthrough=on,id=vnf0"' <<<"$out"
out=$("$VNFCTL" domain new vnf9 --template virtio --port vale1:vnf9 --dry-run 2>&1)
rc=$?
detail="exit $rc: $out"
check embed.new_port_needs_ptnet eval '[ "$rc" = 1 ] && grep -q "the template has 0 ptnet vNICs" <<<"$out"'
virsh -c "$EMBED" undefine "$NEW" >/dev/null 2>&1

# ---- a libvirtd ---------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "skip domain_live.daemon (needs root to start libvirtd)"
	exit 0
fi
if ! command -v libvirtd >/dev/null; then
	fail daemon.start "libvirtd not installed"
	exit 0
fi
lv_start "$tmp"
if ! virsh -c qemu:///system version >/dev/null 2>&1; then
	fail daemon.start "no libvirtd answers on qemu:///system"
	exit 0
fi
run_core daemon qemu:///system

# a concurrent edit between read and define aborts the attach, and nothing is defined
virsh -c qemu:///system define "$tmp/dom.xml" >/dev/null 2>&1
out=$(VNFCTL_TEST_BEFORE_DEFINE="virsh -c qemu:///system desc $DOM --config --new-desc 'edited meanwhile' >/dev/null" \
	"$VNFCTL" --connect qemu:///system domain attach "$DOM" --vnic ptnet --port vale0:vm1 2>&1)
rc=$?
detail="exit $rc: $out"
check daemon.concurrent_edit_aborts eval '[ "$rc" = 1 ] && grep -q "changed while vnfctl was editing it; nothing was defined" <<<"$out"'
x=$(virsh -c qemu:///system dumpxml --inactive "$DOM")
detail=$x
check daemon.concurrent_edit_kept_theirs eval 'grep -q "edited meanwhile" <<<"$x" && ! grep -q ptnet-pci <<<"$x"'
virsh -c qemu:///system undefine "$DOM" >/dev/null 2>&1
exit 0
