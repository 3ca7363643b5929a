# shellcheck shell=bash
# Sourced by the VM tests that go through libvirt: a libvirtd (and virtlogd) on qemu:///system,
# started by the test when none runs and stopped by lv_stop, and the test guest's kernel and
# initrd copied where libvirt's QEMU (its own user) can read them.
#   lv_start TMPDIR     0 when qemu:///system answers (sets LV_STARTED_* for lv_stop)
#   lv_stop             stops what lv_start started
#   lv_image TMPDIR     builds or reuses the guest image; copies vmlinuz and initrd.gz into
#                       TMPDIR (made world-readable); 0 on success
LV_STARTED_DAEMON=
LV_STARTED_LOGD=
LV_URI=qemu:///system

lv_start() {
	local tmp=$1
	if ! pgrep -x virtlogd >/dev/null && command -v virtlogd >/dev/null; then
		virtlogd -d -p "$tmp/virtlogd.pid" >/dev/null 2>&1 && sleep 0.2
		LV_STARTED_LOGD=$(cat "$tmp/virtlogd.pid" 2>/dev/null)
	fi
	if ! pgrep -x libvirtd >/dev/null; then
		libvirtd -d -p "$tmp/libvirtd.pid" >/dev/null 2>&1
		for _ in $(seq 100); do
			virsh -c "$LV_URI" version >/dev/null 2>&1 && break
			sleep 0.1
		done
		LV_STARTED_DAEMON=$(cat "$tmp/libvirtd.pid" 2>/dev/null)
	fi
	virsh -c "$LV_URI" version >/dev/null 2>&1
}

lv_stop() {
	[ -z "$LV_STARTED_DAEMON" ] || kill "$LV_STARTED_DAEMON" 2>/dev/null
	[ -z "$LV_STARTED_LOGD" ] || kill "$LV_STARTED_LOGD" 2>/dev/null
	LV_STARTED_DAEMON=
	LV_STARTED_LOGD=
}

lv_image() {
	local tmp=$1 img
	chmod 755 "$tmp"
	img=$(bash tests/vm/mkimage.sh 2>"$tmp/mkimage.err" | tail -1) || return 1
	[ -f "$img/vmlinuz" ] || return 1
	cp "$img/vmlinuz" "$img/initrd.gz" "$tmp/" && chmod 644 "$tmp/vmlinuz" "$tmp/initrd.gz"
}
