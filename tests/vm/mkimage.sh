#!/usr/bin/env bash
# Builds the base guest of the VM tests from Debian packages only: Debian's kernel
# (linux-image-amd64's real package, downloaded and unpacked, never installed), its virtio
# modules, busybox-static with its applet links, qemu-ga and ethtool from the host with their
# shared libraries, the shared libraries of $O/vnfdp and $O/vnfctl (not the binaries: tests add
# the current ones with overlay.sh), libxdp's BPF objects, and tests/vm/init.sh as /init.
#
# Output, outside the repository: ${VNFCTL_VM_DIR:-$HOME/.cache/vnfctl/vm}/{vmlinuz,initrd.gz}.
# A stamp file keys the build on the kernel package and version, the sorted list of libraries
# and tools (with size and mtime) and a hash of this script and init.sh: an unchanged state is
# reused without work, any change rebuilds.  Prints the directory on stdout, progress on stderr.
# Env: O (build dir, default build), VNFCTL_VM_DIR, VM_REBUILD=1 (rebuild anyway).
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-build}
DIR=${VNFCTL_VM_DIR:-$HOME/.cache/vnfctl/vm}
HERE=tests/vm
# in load order; every module's dependencies (modules.dep) must come before it
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover
net_failover virtio_net virtio_console"
TOOLS="/bin/busybox /usr/sbin/qemu-ga /usr/sbin/ethtool"

say() { echo "mkimage: $*" >&2; }
die() {
	say "$*"
	exit 1
}

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9 # one build at a time; a second caller then finds the fresh stamp

# --- host tools -------------------------------------------------------------------------------
need_pkgs=()
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 || need_pkgs+=(busybox-static)
[ -x /usr/sbin/qemu-ga ] || need_pkgs+=(qemu-guest-agent)
[ -x /usr/sbin/ethtool ] || need_pkgs+=(ethtool)
command -v cpio >/dev/null || need_pkgs+=(cpio)
if [ ${#need_pkgs[@]} -ne 0 ]; then
	say "installing ${need_pkgs[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			"${need_pkgs[@]}" >&2; } || die "cannot install ${need_pkgs[*]}"
fi
# a dynamic busybox (package "busybox") has fewer applets and needs libraries
ldd /bin/busybox 2>&1 | grep -q '=>' && die "/bin/busybox is not busybox-static's"
if [ ! -x "$O/vnfdp" ] || [ ! -x "$O/vnfctl" ]; then
	say "building $O/vnfdp $O/vnfctl"
	make -s O="$O" "$O/vnfdp" "$O/vnfctl" >&2 || die "cannot build $O/vnfdp $O/vnfctl"
fi

# --- kernel package: resolved once per state of the apt lists (apt-cache takes ~0.5 s) ---------
lists=$(stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* 2>/dev/null | cksum)
kpkg='' kver=''
if [ -f "$DIR/kernel.resolved" ]; then
	read -r l1 l2 kpkg kver <"$DIR/kernel.resolved" || true
	[ "$l1 $l2" = "$lists" ] || kpkg=''
fi
if [ -z "$kpkg" ] || [ -z "$kver" ]; then
	show=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null) || true
	if [ -z "$show" ]; then
		apt-get update -q >&2 || true
		show=$(apt-cache show --no-all-versions linux-image-amd64) || die "no linux-image-amd64"
	fi
	kpkg=$(printf '%s\n' "$show" | sed -n 's/^Depends:.*\b\(linux-image-[0-9][^ ,]*\).*/\1/p' | head -1)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64's kernel package"
	kver=$(apt-cache show --no-all-versions "$kpkg" | sed -n 's/^Version: //p' | head -1)
	[ -n "$kver" ] || die "no version for $kpkg"
	echo "$lists $kpkg $kver" >"$DIR/kernel.resolved"
fi

# --- the key ----------------------------------------------------------------------------------
libs=$(for b in "$O/vnfdp" "$O/vnfctl" $TOOLS; do
	ldd "$b" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u)
[ -n "$libs" ] || die "ldd found no libraries"
for l in $libs; do [ -e "$l" ] || die "ldd: missing $l"; done
libxdp=$(printf '%s\n' "$libs" | grep '/libxdp\.so' | head -1 || true)
bpfobjs=''
if [ -n "$libxdp" ]; then
	# libxdp loads its dispatcher and AF_XDP default program from these files
	bpfobjs=$(ls /usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o \
		/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog*.o 2>/dev/null || true)
fi
# shellcheck disable=SC2086
key=$(
	echo "kernel $kpkg $kver"
	echo "modules $MODULES"
	stat -L -c '%n %s %Y' $TOOLS $libs $bpfobjs
	sha256sum "$HERE/mkimage.sh" "$HERE/init.sh"
)
if [ "${VM_REBUILD:-0}" != 1 ] && [ -f "$DIR/stamp" ] && [ -f "$DIR/initrd.gz" ] &&
	[ -f "$DIR/vmlinuz" ] && [ "$(cat "$DIR/stamp")" = "$key" ]; then
	echo "$DIR"
	exit 0
fi

# --- kernel: download once per version, keep only vmlinuz and our modules ----------------------
kdir=$DIR/kernel-$kpkg-$kver
if [ ! -f "$kdir/done" ]; then
	say "fetching $kpkg $kver"
	tmp=$(mktemp -d "$DIR/.kernel.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && { apt-get download -q -o APT::Sandbox::User=root "$kpkg=$kver" >&2 ||
		{ apt-get update -q >&2 && apt-get download -q -o APT::Sandbox::User=root "$kpkg=$kver" >&2; }; }) ||
		die "cannot download $kpkg=$kver"
	dpkg -x "$tmp"/"$kpkg"_*.deb "$tmp/x"
	rm -rf "$kdir"
	mkdir -p "$kdir/modules"
	cp "$tmp"/x/boot/vmlinuz-* "$kdir/vmlinuz"
	mdir=$(echo "$tmp"/x/lib/modules/*)
	done_mods=''
	for m in $MODULES; do
		f=$(cd "$mdir" && find kernel -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o \
			-name "$m.ko.gz" | head -1)
		[ -n "$f" ] || die "$kpkg has no module $m"
		case "$f" in
		*.xz) xz -dc "$mdir/$f" >"$kdir/modules/$m.ko" ;;
		*.zst) zstd -qdc "$mdir/$f" >"$kdir/modules/$m.ko" ;;
		*.gz) gzip -dc "$mdir/$f" >"$kdir/modules/$m.ko" ;;
		*) cp "$mdir/$f" "$kdir/modules/$m.ko" ;;
		esac
		# load order check: each dependency (the module's "depends=" in .modinfo; the package
		# has no modules.dep, depmod makes that on install) is loaded earlier
		for d in $(tr '\0' '\n' <"$kdir/modules/$m.ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
			case " $done_mods " in *" $d "*) ;; *) die "module $m needs $d first" ;; esac
		done
		done_mods="$done_mods $m"
	done
	basename "$mdir" >"$kdir/release"
	touch "$kdir/done"
	rm -rf "$tmp"
	trap - EXIT
	# older kernel versions are not needed any more
	for old in "$DIR"/kernel-*; do [ "$old" = "$kdir" ] || rm -rf "$old"; done
fi

# --- the root ---------------------------------------------------------------------------------
say "building the initramfs ($kpkg $kver)"
root=$(mktemp -d "$DIR/.root.XXXXXX")
trap 'rm -rf "$root" "$DIR/.initrd.gz.new"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,tmp,run,root,var} \
	"$root/lib/modules/vnf"
ln -s ../run "$root/var/run"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
for t in $TOOLS $libs $bpfobjs; do
	[ "$t" = /bin/busybox ] && continue
	mkdir -p "$root$(dirname "$t")"
	cp -L "$t" "$root$t"
done
for m in $MODULES; do cp "$kdir/modules/$m.ko" "$root/lib/modules/vnf/"; done
echo "$MODULES" | tr ' ' '\n' | grep . >"$root/lib/modules/vnf/order"
cp "$kdir/release" "$root/lib/modules/vnf/release"
cp "$HERE/init.sh" "$root/init"
chmod 755 "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo vnfguest >"$root/etc/hostname"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
	>"$DIR/.initrd.gz.new"
mv -f "$DIR/.initrd.gz.new" "$DIR/initrd.gz"
cp "$kdir/vmlinuz" "$DIR/vmlinuz"
printf '%s\n' "$key" >"$DIR/stamp"
rm -rf "$root"
trap - EXIT
say "$DIR/initrd.gz: $(du -h "$DIR/initrd.gz" | cut -f1)"
echo "$DIR"
