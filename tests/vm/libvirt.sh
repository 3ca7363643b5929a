# shellcheck shell=bash
# Sourced by the VM tests that go through libvirt: a libvirtd (and virtlogd) on qemu:///system,
# started by the test when none runs and stopped by lv_stop, and the test guest's kernel and
# initrd copied where libvirt's QEMU (its own user) can read them.
#   lv_start TMPDIR     0 when qemu:///system answers (sets LV_STARTED_* for lv_stop)
#   lv_stop             stops what lv_start started, and waits until it is gone
#   lv_image TMPDIR     builds or reuses the guest image; copies vmlinuz and initrd.gz into
#                       TMPDIR (made world-readable); 0 on success
LV_STARTED_DAEMON=
LV_STARTED_LOGD=
LV_URI=qemu:///system

# lv_alive NAME: a process NAME that is not a zombie (a daemon that was killed can stay a
# zombie for a while where nothing reaps orphans quickly; pgrep alone would count it).
lv_alive() {
	pgrep -x -r D,R,S,T,t,I "$1" >/dev/null 2>&1
}

# lv_wait_gone NAME: up to 10 s for every live NAME to end.
lv_wait_gone() {
	for _ in $(seq 100); do
		lv_alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

lv_start() {
	local tmp=$1
	# a daemon that answers is used as it is; one that is still shutting down is waited for
	if virsh -c "$LV_URI" version >/dev/null 2>&1; then
		return 0
	fi
	lv_wait_gone libvirtd
	if ! lv_alive virtlogd && command -v virtlogd >/dev/null; then
		virtlogd -d -p "$tmp/virtlogd.pid" >/dev/null 2>&1 && sleep 0.2
		LV_STARTED_LOGD=$(cat "$tmp/virtlogd.pid" 2>/dev/null)
	fi
	libvirtd -d -p "$tmp/libvirtd.pid" >/dev/null 2>&1
	for _ in $(seq 100); do
		virsh -c "$LV_URI" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	LV_STARTED_DAEMON=$(cat "$tmp/libvirtd.pid" 2>/dev/null)
	virsh -c "$LV_URI" version >/dev/null 2>&1
}

# lv_stop: stops what lv_start started and waits until it is gone, so that the next test
# finds either a daemon that answers or none.
lv_stop() {
	if [ -n "$LV_STARTED_DAEMON" ]; then
		kill "$LV_STARTED_DAEMON" 2>/dev/null
		lv_wait_gone libvirtd
	fi
	if [ -n "$LV_STARTED_LOGD" ]; then
		kill "$LV_STARTED_LOGD" 2>/dev/null
		lv_wait_gone virtlogd
	fi
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
