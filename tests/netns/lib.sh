# shellcheck shell=bash
# Shared helpers of the network-namespace tests (sourced, not run).
#
# Layout of one test run: namespace $NS_GEN holds $IF_A, namespace $NS_DUT holds $IF_B, the two
# ends of one veth pair.  trafgen and udp_count run in $NS_GEN on $IF_A, vnfdp runs in $NS_DUT
# on $IF_B.  Names carry this shell's pid, so parallel runs do not collide.  IPv6 is off on both
# sides (no ND/MLD frames), and the MACs are fixed: trafgen sends from $MAC_FAKE, which is not
# $IF_A's own address, so the frames the dataplane echoes arrive as PACKET_OTHERHOST and the
# kernel drops them silently while udp_count still sees them through AF_PACKET.
#
# Everything is removed on EXIT, INT and TERM, also when a step fails: the processes started
# here and every process left in the two namespaces, the namespaces (and with them the veth
# pair), the libxdp pins and vnfdp's XDP state files of our interface, the bpffs bind mount.
#
# Env: O (build dir); NETNS_KEEP=DIR keeps each run's files (configs, outputs) there.
# Test scripts print "ok   netns.NAME" / "FAIL netns.NAME" lines.

NS_SUFFIX=$$
NS_GEN=vnfdp-gen-$NS_SUFFIX
NS_DUT=vnfdp-dut-$NS_SUFFIX
IF_A=vnA$NS_SUFFIX
IF_B=vnB$NS_SUFFIX
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01
MAC_FAKE=02:00:00:00:0a:99 # trafgen's source MAC: no interface has it
IP_GEN=10.99.0.1
IP_DUT=10.99.0.2
DPORT=9000
SPORT_BASE=10000
MAGIC=VNFDPNS1

O=${O:-build}
VNFDP=$O/vnfdp
UDP_COUNT=$O/tests/netns/udp_count
NS_TMP=
NS_PIDS=()     # started and not yet reaped
NS_ALL_PIDS=() # every process started, for the leftover check
NS_BPFFS=       # host bpffs bind-mounted here, so vnfdp in $NS_DUT sees the host's pins
NS_PINS_BEFORE= # libxdp pins that existed before we started
NS_UP=0

ok() { echo "ok   netns.$1"; }
# fail NAME [DETAIL...]: the FAIL line, then each detail line indented
fail() {
	echo "FAIL netns.$1"
	shift
	[ $# -eq 0 ] || info "$@"
}
info() { printf '%s\n' "$@" | sed 's/^/  /'; }

# ns_require: prints "skip netns (...)" and exits 0 when not root; a missing tool or binary is
# a failure, since `make test` installs the tools and builds the binaries.
ns_require() {
	local missing=() t
	if [ "$(id -u)" != 0 ]; then
		echo "skip netns (needs root)"
		exit 0
	fi
	for t in ip tc trafgen ethtool ss setsid mount python3 timeout; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ -x "$VNFDP" ] || missing+=("$VNFDP")
	[ -x "$UDP_COUNT" ] || missing+=("$UDP_COUNT")
	if [ ${#missing[@]} -ne 0 ]; then
		fail tools "missing: ${missing[*]}"
		exit 0
	fi
	ns_sweep_stale
	NS_TMP=$(mktemp -d "/tmp/vnfdp-netns-$NS_SUFFIX.XXXXXX")
	trap ns_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# ns_sweep_stale: removes what a test run that was killed with -9 left behind: its namespaces
# (and the processes in them), its bpffs bind mount and temporary directory.  A run is dead
# when no process with its pid runs a tests/netns script.
ns_sweep_stale() {
	local n pid p d
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ "$n" =~ ^vnfdp-[a-z0-9]+-([0-9]+)$ ]] || continue
		pid=${BASH_REMATCH[1]}
		tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q tests/netns && continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	for d in /tmp/vnfdp-netns-*.*; do
		[ -d "$d" ] || continue
		pid=${d#/tmp/vnfdp-netns-}
		pid=${pid%%.*}
		tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q tests/netns && continue
		umount "$d/bpffs" 2>/dev/null
		# never into a still mounted bpffs: that would remove the host's pins
		rm -rf --one-file-system "$d"
	done
}

# ns_bg gen|dut CMD...: runs CMD in that namespace in the background (as ns_in_gen/ns_in_dut
# do) as the leader of a new process group, so that its pid is CMD's own and signals reach the
# processes it forks (trafgen sends from a child); the pid is remembered for cleanup and left in
# $NS_LAST_PID.
ns_bg() {
	local ns=$1
	shift
	if [ "$ns" = dut ]; then
		ip netns exec "$NS_DUT" setsid sh -c "$NS_DUT_SH" "$NS_BPFFS" "$@" &
	else
		ip netns exec "$NS_GEN" setsid "$@" &
	fi
	NS_LAST_PID=$!
	NS_PIDS+=("$NS_LAST_PID")
	NS_ALL_PIDS+=("$NS_LAST_PID")
}

# ns_stop PID [SECONDS]: SIGTERM to the process group ns_bg made, then SIGKILL to it after
# SECONDS (default 5), or once the process is gone (children it left); returns the process's
# exit code (137 when it had to be killed).
ns_stop() {
	local pid=$1 secs=${2:-5} i rc
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < secs * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	kill -KILL -- "-$pid" 2>/dev/null
	return $rc
}

ns_in_gen() { ip netns exec "$NS_GEN" "$@"; }
# In $NS_DUT, with the host's bpffs at /sys/fs/bpf ("ip netns exec" mounts a fresh /sys, which
# hides it), as on a real host.
# shellcheck disable=SC2016 # expanded by sh -c
NS_DUT_SH='mount --bind "$0" /sys/fs/bpf 2>/dev/null; exec "$@"'
ns_in_dut() { ip netns exec "$NS_DUT" sh -c "$NS_DUT_SH" "$NS_BPFFS" "$@"; }

ns_pins() {
	local p
	for p in /sys/fs/bpf/xdp/dispatch-*; do [ -e "$p" ] && echo "$p"; done
}

# ns_setup [QUEUES]: both namespaces and the veth pair, QUEUES RX and TX queues per end (1).
ns_setup() {
	local q=${1:-1} n
	ns_teardown
	NS_PINS_BEFORE=$(ns_pins)
	NS_UP=1
	ip netns add "$NS_GEN" || return 1
	ip netns add "$NS_DUT" || return 1
	for n in "$NS_GEN" "$NS_DUT"; do
		# before the veth exists, so it inherits "default": no IPv6 address, no ND, no MLD
		ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
		ip -n "$n" link set lo up || return 1
	done
	ip -n "$NS_GEN" link add "$IF_A" address "$MAC_A" numtxqueues "$q" numrxqueues "$q" \
		type veth peer name "$IF_B" netns "$NS_DUT" address "$MAC_B" \
		numtxqueues "$q" numrxqueues "$q" || return 1
	if [ "$q" -gt 1 ]; then
		ns_in_gen ethtool -L "$IF_A" rx "$q" tx "$q" 2>/dev/null
		ip netns exec "$NS_DUT" ethtool -L "$IF_B" rx "$q" tx "$q" 2>/dev/null
	fi
	ip -n "$NS_GEN" link set "$IF_A" up || return 1
	ip -n "$NS_DUT" link set "$IF_B" up || return 1
	if [ -z "$NS_BPFFS" ]; then
		NS_BPFFS=$NS_TMP/bpffs
		mkdir -p "$NS_BPFFS"
		mount --bind /sys/fs/bpf "$NS_BPFFS" 2>/dev/null || true
	fi
	# wait for carrier on both ends
	for n in $(seq 100); do
		ip -n "$NS_DUT" link show "$IF_B" | grep -q LOWER_UP &&
			ip -n "$NS_GEN" link show "$IF_A" | grep -q LOWER_UP && return 0
		sleep 0.02
	done
	return 1
}

# ns_ifindex_b: $IF_B's ifindex inside $NS_DUT.
ns_ifindex_b() { ip -n "$NS_DUT" -j link show "$IF_B" 2>/dev/null | python3 -c \
	'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])' 2>/dev/null; }

# ns_xdp_prog_ids: ids of the XDP programs attached to $IF_B (none: empty).
ns_xdp_prog_ids() {
	ip -n "$NS_DUT" -d -j link show "$IF_B" 2>/dev/null | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
x = l.get("xdp", {})
ids = set()
if "prog" in x: ids.add(x["prog"]["id"])
for a in x.get("attached", []):
    if "prog" in a: ids.add(a["prog"]["id"])
print(" ".join(str(i) for i in sorted(ids)))' 2>/dev/null
}

# ns_our_pins: libxdp dispatcher pins of $IF_B: dispatch-<ifindex>-<prog id> made since setup.
ns_our_pins() {
	local idx p
	idx=$(ns_ifindex_b)
	[ -n "$idx" ] || return 0
	for p in $(ns_pins); do
		case "$p" in */dispatch-"$idx"-*) ;; *) continue ;; esac
		printf '%s\n' "$NS_PINS_BEFORE" | grep -qxF "$p" || echo "$p"
	done
}

# ns_state_files: vnfdp's XDP state files for $NS_DUT (named after the namespace's inode).
ns_state_files() {
	local ino
	ino=$(stat -L -c %i "/run/netns/$NS_DUT" 2>/dev/null) || return 0
	ls -d /run/vnfdp/xdp-"$ino"-* 2>/dev/null
}

# ns_teardown: removes processes, pins, state files, namespaces.  Safe to call twice.
ns_teardown() {
	local p n pins states
	for p in "${NS_PIDS[@]}"; do
		kill -KILL -- "-$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	NS_PIDS=()
	[ "$NS_UP" = 1 ] || return 0
	for n in "$NS_GEN" "$NS_DUT"; do
		[ -e "/run/netns/$n" ] || continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	done
	pins=$(ns_our_pins)
	states=$(ns_state_files)
	for n in "$NS_GEN" "$NS_DUT"; do
		[ -e "/run/netns/$n" ] || continue
		for _ in 1 2 3 4 5; do
			[ -z "$(ip netns pids "$n" 2>/dev/null)" ] && break
			sleep 0.1
		done
		ip netns del "$n" 2>/dev/null
	done
	# shellcheck disable=SC2086
	[ -z "$pins" ] || rm -rf $pins
	# shellcheck disable=SC2086
	[ -z "$states" ] || rm -f $states
	NS_UP=0
}

ns_cleanup() {
	ns_teardown
	if [ -n "$NS_BPFFS" ]; then
		umount "$NS_BPFFS" 2>/dev/null
		NS_BPFFS=
	fi
	if [ -n "${NETNS_KEEP:-}" ] && [ -n "$NS_TMP" ]; then # keep the files for a look
		mkdir -p "$NETNS_KEEP" && cp -r --one-file-system "$NS_TMP"/. "$NETNS_KEEP"/
	fi
	[ -z "$NS_TMP" ] || rm -rf --one-file-system "$NS_TMP"
}

# ns_leftovers: prints what a teardown left behind (nothing when clean).
ns_leftovers() {
	local n p
	for n in "$NS_GEN" "$NS_DUT"; do
		ip netns list 2>/dev/null | grep -qw "$n" && echo "namespace $n"
	done
	ip -o link show 2>/dev/null | grep -E ": vn[AB]${NS_SUFFIX}[@:]" | sed 's/^/link /'
	# a live process of ours: its command line names our interfaces or files (pids are reused)
	for p in "${NS_ALL_PIDS[@]}"; do
		tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qE "$NS_SUFFIX|$NS_TMP" &&
			echo "process $p: $(tr '\0' ' ' <"/proc/$p/cmdline")"
	done
	return 0
}

# ns_counters FILE: kernel counters of both veth ends, as one JSON object
# {"a": {rx_packets, rx_dropped, tx_packets, tx_dropped, ...}, "b": {...}}.
ns_counters() {
	{
		ip -n "$NS_GEN" -s -j link show "$IF_A"
		ip -n "$NS_DUT" -s -j link show "$IF_B"
	} | python3 -c '
import json, sys
out = {}
dec = json.JSONDecoder()
text = sys.stdin.read()
i = 0
for side in ("a", "b"):
    while text[i].isspace(): i += 1
    obj, i = dec.raw_decode(text, i)
    s = obj[0]["stats64"]
    out[side] = {"rx_packets": s["rx"]["packets"], "rx_dropped": s["rx"]["dropped"],
                 "tx_packets": s["tx"]["packets"], "tx_dropped": s["tx"]["dropped"]}
print(json.dumps(out))' >"$1"
}

# ns_trafgen_cfg FILE FLOWS SIZE: one UDP frame to $IP_DUT:$DPORT whose source port walks
# $SPORT_BASE..+FLOWS-1 (one flow per port), payload starting with $MAGIC; SIZE bytes in all.
ns_trafgen_cfg() {
	local file=$1 flows=$2 size=$3 fill
	fill=$((size - 14 - 20 - 8 - ${#MAGIC}))
	[ "$fill" -ge 0 ] || fill=0
	cat >"$file" <<EOF
{
  eth(sa=$MAC_FAKE, da=$MAC_B),
  ipv4(sa=$IP_GEN, da=$IP_DUT, ttl=64, df),
  udp(sp=dinc($SPORT_BASE, $((SPORT_BASE + flows - 1))), dp=$DPORT),
  "$MAGIC",
  fill(0x00, $fill)
}
EOF
}

# ns_trafgen OUT CFG PACKETS [ARGS...]: sends PACKETS frames from $IF_A with one process; the
# number trafgen reports as sent goes to OUT.  Returns trafgen's exit code.
ns_trafgen() {
	local out=$1 cfg=$2 n=$3 rc
	shift 3
	ns_in_gen timeout 120 trafgen -o "$IF_A" -i "$cfg" -n "$n" -P 1 "$@" \
		>"$out.log" 2>&1 </dev/null
	rc=$?
	tr -d '\r' <"$out.log" | awk '/packets outgoing/ {print $1}' >"$out"
	return $rc
}

# ns_finish_counter PID: tells udp_count the sender has stopped (SIGUSR1: it ends once no frame
# arrived for 300 ms, so frames still on their way are counted) and waits for it, at most 15 s.
ns_finish_counter() {
	local pid=$1 i
	kill -USR1 "$pid" 2>/dev/null
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	ns_stop "$pid"
}

# ns_wait_file FILE [SECONDS]: waits until FILE exists.
ns_wait_file() {
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# ns_start_vnfdp CHECK CONFIG OUT ERR SOCKET [READY]: starts vnfdp in dut on CONFIG (stdout to
# OUT, stderr to ERR) and waits until it answers on SOCKET, and READY exists when given (the
# counter's ready file).  Sets NS_DP_PID.  On failure: FAIL CHECK with ERR's last lines,
# teardown, return 1.
ns_start_vnfdp() {
	local check=$1 cfg=$2 out=$3 err=$4 sock=$5 ready=${6:-}
	ns_bg dut "$VNFDP" run "$cfg" >"$out" 2>"$err"
	NS_DP_PID=$NS_LAST_PID
	if { [ -n "$ready" ] && ! ns_wait_file "$ready"; } || ! ns_wait_vnfdp "$NS_DP_PID" "$sock"; then
		fail "$check" "$(tail -5 "$err" 2>/dev/null)"
		ns_teardown
		return 1
	fi
}

# ns_wait_vnfdp PID SOCKET [SECONDS]: waits until vnfdp answers on its statistics socket;
# fails early when it exits.
ns_wait_vnfdp() {
	local pid=$1 sock=$2 i
	for ((i = 0; i < ${3:-15} * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		ns_in_dut "$VNFDP" stats --socket "$sock" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# ns_wait_quiet SOCKET [SECONDS]: waits until vnfdp's rx + rx_missed stop moving and nothing is
# in flight (two equal readings 200 ms apart).
ns_wait_quiet() {
	local sock=$1 i prev='' cur
	for ((i = 0; i < ${2:-10} * 5; i++)); do
		cur=$(ns_in_dut "$VNFDP" stats --socket "$sock" 2>/dev/null | python3 -c '
import json, sys
j = json.loads(sys.stdin.read())
print(j["rx"], j["rx_missed"], j["tx"], j["in_flight"])' 2>/dev/null)
		if [ -n "$cur" ] && [ "$cur" = "$prev" ] && [ "${cur##* }" = 0 ]; then
			return 0
		fi
		prev=$cur
		sleep 0.2
	done
	return 1
}

# jget FILE EXPR: evaluates the Python expression EXPR with j = the last JSON line of FILE.
jget() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip().startswith("{")]
j = json.loads(lines[-1])
print(eval(sys.argv[2]))
EOF
}
