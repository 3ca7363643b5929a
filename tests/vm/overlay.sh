#!/usr/bin/env bash
# usage: overlay.sh OUT.cpio.gz SRC:DEST [SRC:DEST...]
# Builds a small initramfs holding each SRC at DEST (an absolute path in the guest; the file's
# mode is kept, owner root).  Linux unpacks concatenated initramfs archives in order, later
# files replacing earlier ones, so `cat BASE/initrd.gz OUT.cpio.gz >run.gz` is the base guest
# plus these files, e.g. build/vnfdp:/usr/local/bin/vnfdp and mytest.sh:/test.sh.
set -euo pipefail
if [ $# -lt 2 ]; then
	echo "usage: overlay.sh OUT.cpio.gz SRC:DEST [SRC:DEST...]" >&2
	exit 2
fi
out=$1
shift
root=$(mktemp -d "${TMPDIR:-/tmp}/vnf-overlay.XXXXXX")
trap 'rm -rf "$root"' EXIT
for a in "$@"; do
	src=${a%%:*}
	dest=${a#*:}
	if [[ "$a" != ?*:/?* ]]; then
		echo "overlay.sh: $a: want SRC:/ABSOLUTE/DEST" >&2
		exit 2
	fi
	if [ ! -f "$src" ]; then
		echo "overlay.sh: $src: no such file" >&2
		exit 1
	fi
	mkdir -p "$root$(dirname "$dest")"
	cp -L --preserve=mode "$src" "$root$dest"
done
# directories as in the base (0755), so unpacking over it changes nothing there
find "$root" -type d -exec chmod 755 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
	>"$out.tmp"
mv -f "$out.tmp" "$out"
