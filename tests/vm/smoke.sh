#!/usr/bin/env bash
# The VM test guest itself (tests/vm/mkimage.sh, overlay.sh, lib.sh), in three boots:
#   image        the base guest builds (or is reused) from Debian packages
#   image.cached an unchanged state is reused in well under a second
#   boot         the base + an overlay with the current $O/vnfdp, $O/vnfctl, a /test.sh and
#                an /etc/hostname replacing the base's boots; /test.sh runs them, ethtool,
#                and checks bpffs, AF_PACKET and AF_XDP are there; the end marker says rc 0
#                (boot times are printed)
#   agent        booted without /test.sh and with the agent port on a unix socket, qemu-ga
#                answers guest-sync-delimited
#   rss          in a fresh namespace, virtio-net with RSS on a 4-queue tap: in the guest
#                `ethtool -L eth0 combined 4` works and `ethtool -x eth0` shows a 40-byte key
#                and the indirection table
#   rss.spread   256 UDP flows from the tap reach all 4 queues
# Env: O (build dir), VM_SMP, VM_MEM, VM_KEEP=DIR (keep console logs).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/vm/lib.sh
. tests/vm/lib.sh
vm_require

since() { # START: seconds since START ($EPOCHREALTIME), one decimal
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# --- image ------------------------------------------------------------------------------------
if ! VM_DIR=$(vm_image 2>"$VM_TMP/mkimage.err"); then
	fail image "$(tail -5 "$VM_TMP/mkimage.err")"
	exit 0
fi
ok image
t0=$EPOCHREALTIME
d2=$(vm_image 2>"$VM_TMP/mkimage2.err")
t=$(since "$t0")
if [ "$d2" = "$VM_DIR" ] && ! grep -q building "$VM_TMP/mkimage2.err" &&
	awk -v t="$t" 'BEGIN { exit !(t < 1) }'; then
	ok image.cached
else
	fail image.cached "second vm_image took $t s" "$(cat "$VM_TMP/mkimage2.err")"
fi

for b in "$O/vnfdp" "$O/vnfctl"; do
	if [ ! -x "$b" ]; then
		fail binaries "$b not built"
		exit 0
	fi
done

# --- boot: overlay with the current binaries and a test -----------------------------------------
cat >"$VM_TMP/boot.sh" <<'EOF'
set -e
hostname
vnfdp --version
vnfctl --version
ethtool --version
grep -q ' /sys/fs/bpf bpf ' /proc/mounts && echo "bpffs mounted"
# AF_PACKET and AF_XDP are built into Debian's kernel: no module needed
[ -e /proc/net/packet ] && echo "af_packet ok"
grep -q ' xsk_create$' /proc/kallsyms && echo "af_xdp ok"
EOF
# the overlay also replaces a file of the base (/etc/hostname is vnfguest there)
echo vnfsmoke >"$VM_TMP/hostname"
vm_overlay "$VM_TMP/boot.cpio.gz" "$O/vnfdp:/usr/local/bin/vnfdp" "$O/vnfctl:/usr/local/bin/vnfctl" \
	"$VM_TMP/boot.sh:/test.sh" "$VM_TMP/hostname:/etc/hostname"
t0=$EPOCHREALTIME
vm_boot boot -o "$VM_TMP/boot.cpio.gz"
vm_wait_log boot '^VNF-READY' 60
t_ready=$(since "$t0")
vm_wait_exit boot 60
rc=$?
t_exit=$(since "$t0")
log=$(tr -d '\r' <"$(vm_log boot)")
if [ "$rc" = 0 ] && printf '%s\n' "$log" | grep -q "^$("$O/vnfdp" --version)\$" &&
	printf '%s\n' "$log" | grep -q '^vnfctl ' && printf '%s\n' "$log" | grep -q '^af_xdp ok' &&
	printf '%s\n' "$log" | grep -q '^vnfsmoke$'; then
	ok boot
	info "boot: /init ready after $t_ready s, powered off after $t_exit s (TCG, smp $VM_SMP)"
else
	fail boot "rc $rc after $t_exit s" "$(printf '%s\n' "$log" | tail -15)" "$(tail -3 "$(vm_err boot)")"
fi

# --- agent: no /test.sh, qemu-ga on the virtio-serial port --------------------------------------
t0=$EPOCHREALTIME
vm_boot agent -g
if out=$(vm_qga agent '' 60 2>&1) && [[ "$out" == '{"return": '* ]] &&
	out2=$(vm_qga agent '{"execute":"guest-sync-delimited","arguments":{"id":1234}}' 10 2>&1) &&
	[ "$out2" = '{"return": 1234}' ]; then
	ok agent
	info "agent: answers after $(since "$t0") s"
else
	fail agent "$out" "${out2:-}" "$(tr -d '\r' <"$(vm_log agent)" | tail -10)"
fi
vm_stop agent

# --- rss: multi-queue virtio-net with RSS on a tap in a fresh namespace ----------------------------
# 4 vCPUs for 4 queues (see vm_boot -t).  The guest sets 4 queues, a key and "equal 4", prints
# RSS-READY, then waits (15 s at most) for 200 frames and prints its per-queue counters.
cat >"$VM_TMP/rss.sh" <<'EOF'
set -e
ethtool -L eth0 combined 4
ethtool -l eth0
ethtool -X eth0 hkey $(printf '6d:5a:%.0s' $(seq 19))6d:5a equal 4
ethtool -x eth0
echo RSS-READY
i=0
while [ $i -lt 30 ]; do
	n=$(ethtool -S eth0 | awk '/rx_queue_[0-9]+_packets/ { n += $2 } END { print n + 0 }')
	[ "$n" -ge 200 ] && break
	sleep 0.5
	i=$((i + 1))
done
ethtool -S eth0 | grep -E 'rx_queue_[0-9]+_packets'
EOF
vm_overlay "$VM_TMP/rss.cpio.gz" "$VM_TMP/rss.sh:/test.sh"
if vm_netns; then
	vm_boot rss -o "$VM_TMP/rss.cpio.gz" -n "$VM_NS" -t "vt$VM_SUFFIX" -q 4 -c 4 -a 10.77.0.2/24
	ip -n "$VM_NS" addr add 10.77.0.1/24 dev "vt$VM_SUFFIX"
	if vm_wait_log rss '^RSS-READY' 90; then
		# resolve the guest's MAC first, then 256 UDP flows (source ports 20000..20255)
		ip netns exec "$VM_NS" ping -c 1 -W 5 10.77.0.2 >/dev/null 2>&1
		ip netns exec "$VM_NS" python3 -c '
import socket
for p in range(20000, 20256):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.77.0.1", p))
    s.sendto(b"vnf-rss-smoke", ("10.77.0.2", 9000))
    s.close()'
	fi
	vm_wait_exit rss 60
	rc=$?
	log=$(tr -d '\r' <"$(vm_log rss)")
	# the key: 40 bytes as xx:xx:...; the table: 128 entries over 4 queues after "equal 4"
	keylen=$(printf '%s\n' "$log" | awk '/^RSS hash key:/ { getline; print split($0, a, ":") }' |
		tail -1)
	table=$(printf '%s\n' "$log" | awk '/indirection table/ { n = 0 } /^ *[0-9]+: / { n += NF - 1 }
		END { print n }')
	queues=$(printf '%s\n' "$log" | awk '/^Current hardware settings:/ { c = 1 }
		c && /^Combined:/ { print $2; exit }')
	if [ "$rc" = 0 ] && [ "$keylen" = 40 ] && [ "$table" = 128 ] && [ "$queues" = 4 ] &&
		printf '%s\n' "$log" | grep -qE '^ +0: +0 +1 +2 +3 +0 +1 +2 +3$'; then
		ok rss
	else
		fail rss "rc $rc, key $keylen bytes, table $table entries, $queues queues" \
			"$(printf '%s\n' "$log" | tail -20)"
	fi
	# every queue got some of the flows: QEMU steers by the guest's key and table
	counts=$(printf '%s\n' "$log" | awk '/rx_queue_[0-9]+_packets:/ { printf "%s ", $2 }')
	if [ "$(echo "$counts" | wc -w)" = 4 ] && ! echo " $counts" | grep -q ' 0 '; then
		ok rss.spread
		info "rss: frames per queue: $counts"
	else
		fail rss.spread "frames per queue: ${counts:-none}" "$(printf '%s\n' "$log" | tail -8)"
	fi
	if grep -q 'fallback to software RSS' "$(vm_err rss)"; then
		info "rss: QEMU's eBPF RSS did not load, QEMU hashes in software:" \
			"$(grep -E 'libbpf|RSS' "$(vm_err rss)")"
	fi
else
	fail rss "cannot create a network namespace"
fi
