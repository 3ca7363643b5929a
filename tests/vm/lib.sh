# shellcheck shell=bash
# Shared helpers of the VM tests (sourced, not run).  A test boots Debian's kernel under QEMU TCG
# with the cached base initramfs (tests/vm/mkimage.sh) plus an overlay of the current binaries
# and, usually, a /test.sh that the guest's /init runs, printing "VNF-TEST-EXIT=<rc>" on the
# console before it powers off.  Without /test.sh the guest stays up and is driven through
# qemu-ga on a virtio-serial port (vm_boot -g).
#
#   vm_require                      skip (exit 0) without root or qemu-system-x86_64; sets traps
#   vm_image                        builds or reuses the base; prints its directory
#   vm_overlay OUT SRC:DEST...      tests/vm/overlay.sh: an initramfs of these files
#   vm_netns                        a fresh network namespace (lo up) in $VM_NS, removed on exit
#   vm_boot ID [-o OVERLAY]... [-g] [-n NETNS] [-t TAP [-q QUEUES] [-m MAC]] [-a CIDR]
#           [-c CPUS] [-k KERNEL_ARGS] [-- QEMU_ARGS...]
#       starts the guest ID in the background (QEMU in NETNS when given):
#         -o  initramfs appended to the base (repeatable)
#         -g  qemu-ga's port org.qemu.guest_agent.0 on the unix socket $VM_TMP/ID.qga
#         -t  virtio-net (mq, rss, vhost=off) on the multi-queue tap TAP with QUEUES queue pairs
#             (4); the tap is created (in NETNS) and set up; MAC default 02:00:00:00:00:10;
#             no option ROM (no iPXE).  QEMU 7.2's eBPF RSS cannot load with Debian's libbpf 1.1
#             ("Can't load eBPF RSS - fallback to software RSS" in VM_ERR): QEMU hashes itself.
#             Give the guest as many CPUs as queues (-c): the guest driver starts with
#             min(QUEUES, CPUS) pairs, and with Debian 12's kernel + QEMU 7.2, after
#             `ethtool -L combined N` above that QEMU's RSS still spreads over the initial
#             pairs only (measured: -c 2, -L 4, -X equal 4: queues 2 and 3 get nothing)
#         -a  kernel parameter vnf.addr=CIDR: the guest puts it on eth0 and sets eth0 up
#             (-k vnf.up=IFACE: only sets IFACE up)
#         -c  CPUs (default $VM_SMP)
#         -k  more kernel parameters; after "--": more QEMU arguments
#       Sets VM_PID (QEMU), VM_LOG (console), VM_ERR (QEMU's own output), VM_QGA (socket or
#       empty).  Env: VM_SMP (2), VM_MEM (MiB, 512).
#   vm_log ID / vm_err ID / vm_qga_sock ID    those paths for guest ID
#   vm_wait_log ID REGEX [SECONDS]  waits until the console shows REGEX (default 60 s); fails
#                                   early when QEMU exits
#   vm_wait_exit ID [SECONDS]       waits for the end marker and QEMU's exit (default 120 s);
#                                   returns the guest test's exit code, 124 on timeout, 125 when
#                                   QEMU ended without a marker; QEMU is stopped in any case
#   vm_qga ID JSON [SECONDS]        syncs with the guest agent (guest-sync-delimited, retried
#                                   until SECONDS, default 60) and, unless JSON is empty, sends
#                                   JSON and prints the reply (one JSON line)
#   vm_stop ID                      stops guest ID (TERM, then KILL)
#   vm_cleanup                      everything: guests, taps, namespaces, $VM_TMP (on EXIT)
#
# Names carry this shell's pid (namespaces vnfvm-<pid>-N, $VM_TMP /tmp/vnf-vm-<pid>.*), and
# what a killed run left behind is swept by vm_require.  VM_KEEP=DIR keeps the run's files
# (console logs, initrds) there.  Test scripts print "ok   vm.NAME" / "FAIL vm.NAME" lines.

VM_SUFFIX=$$
O=${O:-build}
VM_SMP=${VM_SMP:-2}
VM_MEM=${VM_MEM:-512}
VM_TMP=
VM_DIR=
VM_NS=
VM_PID=
VM_LOG=
VM_ERR=
VM_QGA=
VM_NETNS_LIST=()        # namespaces made by vm_netns
VM_TAP_LIST=()          # "NETNS TAP" ("-" for the host's namespace)
declare -A VM_PID_OF=() # guest ID -> QEMU pid (process group leader)
VM_NS_COUNT=0

ok() { echo "ok   vm.$1"; }
# fail NAME [DETAIL...]: the FAIL line, then each detail line indented
fail() {
	echo "FAIL vm.$1"
	shift
	[ $# -eq 0 ] || info "$@"
}
info() { printf '%s\n' "$@" | sed 's/^/  /'; }

vm_require() {
	local missing=() t
	if [ "$(id -u)" != 0 ]; then
		echo "skip vm (needs root)"
		exit 0
	fi
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		echo "skip vm (no qemu-system-x86_64)"
		exit 0
	fi
	for t in ip cpio gzip setsid timeout python3; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	if [ ${#missing[@]} -ne 0 ]; then
		fail tools "missing: ${missing[*]}"
		exit 0
	fi
	vm_sweep_stale
	VM_TMP=$(mktemp -d "/tmp/vnf-vm-$VM_SUFFIX.XXXXXX")
	trap vm_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# vm_sweep_stale: removes the namespaces (with their processes) and temporary directories of
# runs that died (no process with their pid runs a tests/vm script).
vm_sweep_stale() {
	local n pid p d
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ "$n" =~ ^vnfvm-([0-9]+)-[0-9]+$ ]] || continue
		pid=${BASH_REMATCH[1]}
		tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q tests/vm && continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	for d in /tmp/vnf-vm-*.*; do
		[ -d "$d" ] || continue
		pid=${d#/tmp/vnf-vm-}
		pid=${pid%%.*}
		tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q tests/vm && continue
		# QEMUs of that run still running on its files
		for p in $(pgrep -f "$d/" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		rm -rf "$d"
	done
}

vm_image() {
	O="$O" bash tests/vm/mkimage.sh
}

vm_overlay() {
	bash tests/vm/overlay.sh "$@"
}

vm_netns() {
	VM_NS_COUNT=$((VM_NS_COUNT + 1))
	VM_NS=vnfvm-$VM_SUFFIX-$VM_NS_COUNT
	ip netns add "$VM_NS" || return 1
	VM_NETNS_LIST+=("$VM_NS")
	ip -n "$VM_NS" link set lo up
}

vm_log() { echo "$VM_TMP/$1.console"; }
vm_err() { echo "$VM_TMP/$1.qemu"; }
vm_qga_sock() { echo "$VM_TMP/$1.qga"; }

vm_boot() {
	local id=$1 overlays=() qga=0 ns='' tap='' queues=4 mac=02:00:00:00:00:10 addr='' kargs=''
	local smp=$VM_SMP
	local initrd cmd=() o
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		-o) overlays+=("$2"); shift 2 ;;
		-g) qga=1; shift ;;
		-n) ns=$2; shift 2 ;;
		-t) tap=$2; shift 2 ;;
		-q) queues=$2; shift 2 ;;
		-m) mac=$2; shift 2 ;;
		-a) addr=$2; shift 2 ;;
		-c) smp=$2; shift 2 ;;
		-k) kargs="$kargs $2"; shift 2 ;;
		--) shift; break ;;
		*) echo "vm_boot: unknown option $1" >&2; return 2 ;;
		esac
	done
	if [ -z "$VM_DIR" ]; then
		VM_DIR=$(vm_image) || return 1
	fi
	VM_LOG=$(vm_log "$id")
	VM_ERR=$(vm_err "$id")
	VM_QGA=
	initrd=$VM_TMP/$id.initrd.gz
	cat "$VM_DIR/initrd.gz" "${overlays[@]}" >"$initrd" || return 1
	[ -z "$addr" ] || kargs="$kargs vnf.addr=$addr"
	[ -z "$ns" ] || cmd=(ip netns exec "$ns")
	# shellcheck disable=SC2054 # QEMU's option values have commas
	cmd+=(qemu-system-x86_64 -name "vnf-$id" -accel tcg,thread=multi -cpu max
		-smp "$smp" -m "$VM_MEM" -kernel "$VM_DIR/vmlinuz" -initrd "$initrd"
		-append "console=ttyS0 quiet panic=-1$kargs"
		-nographic -nodefaults -no-reboot -serial "file:$VM_LOG")
	if [ "$qga" = 1 ]; then
		VM_QGA=$(vm_qga_sock "$id")
		rm -f "$VM_QGA"
		# shellcheck disable=SC2054
		cmd+=(-chardev "socket,path=$VM_QGA,server=on,wait=off,id=qga0"
			-device virtio-serial -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0)
	fi
	if [ -n "$tap" ]; then
		o=(ip)
		[ -z "$ns" ] || o=(ip -n "$ns")
		"${o[@]}" tuntap add dev "$tap" mode tap multi_queue || return 1
		VM_TAP_LIST+=("${ns:--} $tap")
		"${o[@]}" link set "$tap" up || return 1
		cmd+=(-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no,vhost=off,queues=$queues"
			-device "virtio-net-pci,netdev=n0,mq=on,rss=on,vectors=$((2 * queues + 2)),mac=$mac,romfile=")
	fi
	cmd+=("$@")
	: >"$VM_LOG"
	printf '%q ' "${cmd[@]}" >"$VM_ERR"
	echo >>"$VM_ERR"
	# a new process group (QEMU's pid is its id), so cleanup reaches everything it started
	setsid "${cmd[@]}" </dev/null >>"$VM_ERR" 2>&1 &
	VM_PID=$!
	VM_PID_OF[$id]=$VM_PID
}

vm_wait_log() {
	local id=$1 re=$2 secs=${3:-60} pid=${VM_PID_OF[$1]:-} i
	for ((i = 0; i < secs * 10; i++)); do
		grep -aqE "$re" "$(vm_log "$id")" 2>/dev/null && return 0
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
		sleep 0.1
	done
	grep -aqE "$re" "$(vm_log "$id")" 2>/dev/null
}

vm_wait_exit() {
	local id=$1 secs=${2:-120} pid=${VM_PID_OF[$1]:-} log i rc grace=0
	log=$(vm_log "$id")
	for ((i = 0; i < secs * 10; i++)); do
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
		if grep -aq '^VNF-TEST-EXIT=' "$log" 2>/dev/null; then
			# powering off takes a moment; then it is stopped
			grace=$((grace + 1))
			[ $grace -lt 50 ] || break
		fi
		sleep 0.1
	done
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ! grep -aq '^VNF-TEST-EXIT=' "$log"; then
		vm_stop "$id"
		return 124
	fi
	vm_stop "$id"
	rc=$(tr -d '\r' <"$log" | sed -n 's/^VNF-TEST-EXIT=\([0-9]*\)$/\1/p' | tail -1)
	[ -n "$rc" ] || return 125
	return "$rc"
}

vm_stop() {
	local id=$1 pid=${VM_PID_OF[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "VM_PID_OF[$id]"
	return 0
}

vm_qga() {
	local sock
	sock=$(vm_qga_sock "$1")
	python3 - "$sock" "$2" "${3:-60}" <<'EOF'
import json, os, socket, sys, time
path, cmd, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.monotonic() + secs
sync_id = int.from_bytes(os.urandom(3), "big")

def replies(s, buf):
    """Yields JSON objects read from s (0xff delimiters and non-JSON lines skipped)."""
    while True:
        while b"\n" in buf[0]:
            line, buf[0] = buf[0].split(b"\n", 1)
            line = line.replace(b"\xff", b"").strip()
            if line:
                try:
                    yield json.loads(line)
                except ValueError:
                    pass
        left = end - time.monotonic()
        if left <= 0:
            return
        s.settimeout(min(left, 3.0))
        try:
            data = s.recv(65536)
        except socket.timeout:
            yield None  # nothing for a while: the caller may resend
            continue
        if not data:
            return
        buf[0] += data

s = None
while time.monotonic() < end:
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        break
    except OSError:
        s.close()
        s = None
        time.sleep(0.1)
if s is None:
    sys.exit("vm_qga: cannot connect to %s" % path)
sync = b"\xff" + json.dumps({"execute": "guest-sync-delimited",
                             "arguments": {"id": sync_id}}).encode() + b"\n"
buf = [b""]
s.sendall(sync)
synced = False
for r in replies(s, buf):
    if r is None:
        s.sendall(sync)  # requests wait in the socket until the guest opens the port
    elif r.get("return") == sync_id:
        synced = True
        break
if not synced:
    sys.exit("vm_qga: no answer from the guest agent within %g s" % secs)
if not cmd:
    print(json.dumps({"return": sync_id}))
    sys.exit(0)
req = json.loads(cmd)
req["id"] = "vm-%d" % sync_id
s.sendall(json.dumps(req).encode() + b"\n")
for r in replies(s, buf):
    if r is not None and r.get("id") == req["id"]:
        del r["id"]
        print(json.dumps(r))
        sys.exit(0 if "return" in r else 1)
sys.exit("vm_qga: no reply to %s" % cmd)
EOF
}

vm_cleanup() {
	local id t n p tap
	for id in "${!VM_PID_OF[@]}"; do vm_stop "$id"; done
	for t in "${VM_TAP_LIST[@]}"; do
		read -r n tap <<<"$t"
		if [ "$n" = - ]; then
			ip link del "$tap" 2>/dev/null
		elif [ -e "/run/netns/$n" ]; then
			ip -n "$n" link del "$tap" 2>/dev/null
		fi
	done
	VM_TAP_LIST=()
	for n in "${VM_NETNS_LIST[@]}"; do
		[ -e "/run/netns/$n" ] || continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	VM_NETNS_LIST=()
	if [ -n "${VM_KEEP:-}" ] && [ -n "$VM_TMP" ]; then
		mkdir -p "$VM_KEEP" && cp -r "$VM_TMP"/. "$VM_KEEP"/
	fi
	[ -z "$VM_TMP" ] || rm -rf "$VM_TMP"
	VM_TMP=
}
