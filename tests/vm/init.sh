#!/bin/sh
# /init of the VM tests' guest (busybox sh; copied into the image by mkimage.sh).
# Mounts the pseudo file systems, loads the virtio modules, links /dev/virtio-ports/<name>
# (there is no udev), starts qemu-ga when its port exists, brings up lo and, with the kernel
# parameter vnf.addr=CIDR, eth0 (vnf.up=IFACE: IFACE up, no address).  Then prints
# "VNF-READY" and runs /test.sh (added by an overlay) with its output on the console, prints
# "VNF-TEST-EXIT=<rc>" and powers off; without /test.sh it stays up, driven through the guest
# agent.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/qemu-ga
exec </dev/console >/dev/console 2>&1
hostname -F /etc/hostname 2>/dev/null

while read -r m; do
	insmod "/lib/modules/vnf/$m.ko" || echo "init: insmod $m failed"
done </lib/modules/vnf/order

# virtio-serial ports announce their names asynchronously: wait (2 s at most) while a virtio
# console device (id 0x0003) has a port without a name yet
has_console=0
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0003 ] && has_console=1
done
if [ $has_console = 1 ]; then
	i=0
	while [ $i -lt 40 ]; do
		named=0
		for p in /sys/class/virtio-ports/*; do
			[ -s "$p/name" ] && named=1
		done
		[ $named = 1 ] && break
		sleep 0.05
		i=$((i + 1))
	done
fi
mkdir -p /dev/virtio-ports
for p in /sys/class/virtio-ports/*; do
	[ -s "$p/name" ] || continue
	ln -sf "../${p##*/}" "/dev/virtio-ports/$(cat "$p/name")"
done
if [ -e /dev/virtio-ports/org.qemu.guest_agent.0 ]; then
	qemu-ga -m virtio-serial -p /dev/virtio-ports/org.qemu.guest_agent.0 \
		-t /run/qemu-ga -f /run/qemu-ga.pid -d || echo "init: qemu-ga failed"
fi

ip link set lo up
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
	vnf.up=*)
		ip link set "${arg#vnf.up=}" up || echo "init: cannot set ${arg#vnf.up=} up"
		;;
	vnf.addr=*)
		ip addr add "${arg#vnf.addr=}" dev eth0 && ip link set eth0 up ||
			echo "init: cannot configure eth0 with ${arg#vnf.addr=}"
		;;
	esac
done

echo "VNF-READY"
if [ -f /test.sh ]; then
	sh /test.sh
	rc=$?
	sync
	echo "VNF-TEST-EXIT=$rc"
	poweroff -f
fi
while :; do sleep 3600; done
