#!/usr/bin/env bash
# bench/kernel_path.sh — the kernel I/O path on a veth pair, ours next to the peers, one run.
#
# trafgen (netsniff-ng) in namespace "gen" sends 64-byte UDP frames over FLOWS flows into vethA;
# the receiver reads vethB in namespace "dut".  trafgen is pinned to CPU 0, the receiver to CPU 1.
# Receivers, in this order in every round (ours next to its peer):
#
#   vnfdp_afxdp_sink        vnfdp run, port.backend afxdp (attach auto, bind copy), nic mode (run to
#                           completion), 1 worker on CPU 1, app sink
#   testpmd_afxdp_rxonly    dpdk-testpmd --vdev net_af_xdp0,iface=vethB --forward-mode=rxonly
#   vnfdp_afxdp_echo        as above, app echo (swap MAC/IP/ports and send back)
#   testpmd_afxdp_io        dpdk-testpmd net_af_xdp --forward-mode=io (send back unchanged)
#   vnfdp_afpacket_*        the same two with port.backend afpacket
#   testpmd_afpacket_*      net_af_packet0,iface=vethB,qdisc_bypass=1, rxonly / io
#   kudp_sink, kudp_echo    the kernel's UDP stack: $O/bench/udp_echo_bench (SO_REUSEPORT socket,
#                           recvmmsg, and sendmmsg back with --echo) on 10.99.0.2:9000
#
# Two offered loads: "fixed" (trafgen -b RATE pps for SECS seconds) and "max" (trafgen unthrottled,
# PACKETS frames).  Every run gets a fresh namespace pair, so counters start at zero and nothing
# one receiver attached survives into the next.  Per run it records trafgen's sent count and CPU
# time, the receiver's own final counters, veth counters (ip -s, ethtool -S) before and after,
# /proc/stat per CPU and /proc/PID/stat of the receiver over the traffic window.  Then it writes
# $RAW/summary.json, $RAW/section.md (the docs/benchmarks.md section) and prints a table.
#
#   bash bench/kernel_path.sh                    # alone (O=build by default)
#   KPATH_MD=docs/benchmarks.md bash bench/kernel_path.sh   # and put the section into the doc
#   make bench                                   # bench/run.sh calls this script
#
# Env: O (build dir, default build), KPATH_ROUNDS (3), KPATH_RATE (fixed load, pps, 200000),
# KPATH_SECS (seconds of fixed load, 2), KPATH_PACKETS (frames of the unthrottled run, 1000000),
# KPATH_LOADS ("fixed max"), KPATH_ONLY (regex over receiver names), KPATH_RAW (raw output dir,
# $O/bench-raw/kernel_path), KPATH_MD (markdown file whose kernel-path section is replaced or
# added; empty: none), KPATH_ANALYSE_ONLY (1: re-analyse $KPATH_RAW without running).
# A missing tool ends the script at once with one line naming it, exit status 1.
set -u

cd "$(dirname "$0")/.." || exit 1
O=${O:-build}
ROUNDS=${KPATH_ROUNDS:-3}
RATE=${KPATH_RATE:-200000}
SECS=${KPATH_SECS:-2}
PACKETS=${KPATH_PACKETS:-1000000}
LOADS=${KPATH_LOADS:-fixed max}
ONLY=${KPATH_ONLY:-}
RAW=${KPATH_RAW:-$O/bench-raw/kernel_path}
OUT_MD=${KPATH_MD:-}
VNFDP=$O/vnfdp
UDPB=$O/bench/udp_echo_bench
GEN_CPU=0
DUT_CPU=1
FLOWS=1024
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01
MAC_FAKE=02:00:00:00:0a:99 # trafgen's source MAC, owned by no interface: echoes die at vethA
IP_GEN=10.99.0.1
IP_DUT=10.99.0.2
DPORT=9000
NSG=kpath-gen-$$
NSD=kpath-dut-$$
PREFIX=kpath$$ # DPDK --file-prefix
T_START=$(date +%s)
# runs "$@" with a fresh bpffs at /sys/fs/bpf ("ip netns exec" gives each command its own mount
# namespace, so the mount disappears with it)
BPFFS_SH="bash $PWD/bench/kernel_path.sh --bpffs-exec"
if [ "${1:-}" = --bpffs-exec ]; then
	shift
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null
	exec "$@"
fi

die() {
	echo "kernel_path.sh: $*" >&2
	exit 1
}
log() { printf '[kpath %4ss] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }

RECEIVERS="vnfdp_afxdp_sink testpmd_afxdp_rxonly vnfdp_afxdp_echo testpmd_afxdp_io
vnfdp_afpacket_sink testpmd_afpacket_rxonly vnfdp_afpacket_echo testpmd_afpacket_io
kudp_sink kudp_echo"

case $ROUNDS in '' | *[!0-9]* | 0) die "KPATH_ROUNDS must be a positive integer" ;; esac
case $RATE in '' | *[!0-9]* | 0) die "KPATH_RATE must be a positive integer (pps)" ;; esac

# ---- requirements: one line naming the first thing missing ----------------------------------
require() {
	local t
	command -v trafgen >/dev/null 2>&1 ||
		die "trafgen not found (Debian package netsniff-ng; make deps installs it)"
	command -v dpdk-testpmd >/dev/null 2>&1 ||
		die "dpdk-testpmd not found (Debian package dpdk-dev; make deps-bench installs it)"
	for t in ip ethtool taskset timeout python3 nproc; do
		command -v "$t" >/dev/null 2>&1 || die "$t not found"
	done
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces, veth, XDP)"
	[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (generator and receiver); this machine has $(nproc)"
	[ -x "$VNFDP" ] || die "$VNFDP not found (build it: make O=$O all)"
	if [ ! -x "$UDPB" ]; then
		make --no-print-directory O="$O" "$UDPB" >/dev/null 2>&1 ||
			die "$UDPB not found and could not be built (make O=$O $UDPB)"
	fi
}

# ---- namespaces, processes, cleanup ---------------------------------------------------------
PIDS=()
# cleanup: every process we started and every process left in our namespaces, the namespaces
# (and with them the veth pair), DPDK's runtime directory, vnfdp's XDP state files of our
# namespace.  Called on EXIT, INT and TERM (also after a failure) and before every run.
cleanup() { ns_down; }

ns_up() {
	local n
	cleanup
	ip netns add "$NSG" || return 1
	ip netns add "$NSD" || return 1
	NSD_INO=$(stat -L -c %i "/run/netns/$NSD" 2>/dev/null)
	for n in "$NSG" "$NSD"; do
		# before the veth exists, so it inherits it: no IPv6, no ND/MLD frames
		ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
		ip -n "$n" link set lo up || return 1
	done
	ip -n "$NSG" link add vethA address "$MAC_A" type veth peer name vethB netns "$NSD" \
		address "$MAC_B" || return 1
	ip -n "$NSG" link set vethA up || return 1
	ip -n "$NSD" link set vethB up || return 1
	for _ in $(seq 100); do
		ip -n "$NSD" link show vethB | grep -q LOWER_UP &&
			ip -n "$NSG" link show vethA | grep -q LOWER_UP && return 0
		sleep 0.02
	done
	return 1
}

ns_down() {
	local p n
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	for n in "$NSG" "$NSD"; do
		[ -e "/run/netns/$n" ] || continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$(ip netns pids "$n" 2>/dev/null)" ] && break
			sleep 0.1
		done
		ip netns del "$n" 2>/dev/null
	done
	[ -z "${NSD_INO:-}" ] || rm -f /run/vnfdp/xdp-"$NSD_INO"-* 2>/dev/null
	rm -rf "/var/run/dpdk/$PREFIX" 2>/dev/null
}

# stop PID SECONDS: SIGINT (vnfdp, testpmd and udp_echo_bench print their final counters on it),
# SIGKILL after SECONDS.  Returns the exit status.
stop() {
	local pid=$1 secs=$2 i rc
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < secs * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
	return $rc
}

tg_cfg() {
	local fill=$((60 - 14 - 20 - 8)) # 60 bytes + 4 FCS = 64-byte frames
	cat >"$1" <<EOF
{
  eth(sa=$MAC_FAKE, da=$MAC_B),
  ipv4(sa=$IP_GEN, da=$IP_DUT, ttl=64, df),
  udp(sp=dinc(10000, $((10000 + FLOWS - 1))), dp=$DPORT),
  fill(0x00, $fill)
}
EOF
}

# counters PREFIX: ip -s -j of both veth ends (PREFIX.a.json, PREFIX.b.json) and ethtool -S of
# both (PREFIX.a.ethtool, PREFIX.b.ethtool)
counters() {
	ip -n "$NSG" -s -j link show vethA >"$1.a.json" 2>/dev/null
	ip -n "$NSD" -s -j link show vethB >"$1.b.json" 2>/dev/null
	ip netns exec "$NSG" ethtool -S vethA >"$1.a.ethtool" 2>/dev/null
	ip netns exec "$NSD" ethtool -S vethB >"$1.b.ethtool" 2>/dev/null
	ip -n "$NSD" -d link show vethB 2>/dev/null | grep -o 'prog/xdp.* name [^ ]*' >"$1.b.xdp"
}

# cpu_snap PID FILE: /proc/stat's per-CPU lines, then the receiver's threads' stat lines
cpu_snap() {
	local pid=$1 t
	{
		grep '^cpu[0-9]' /proc/stat
		echo "uptime $(cut -d' ' -f1 /proc/uptime)"
		for t in /proc/"$pid"/task/*/stat; do
			[ -r "$t" ] && echo "task $(cat "$t" 2>/dev/null)"
		done
	} >"$2"
}

# receiver_cmd NAME DIR: the command (bash words) that starts receiver NAME
receiver_cmd() {
	local name=$1 d=$2 backend app vdev mode extra=""
	case $name in
	vnfdp_*)
		backend=${name#vnfdp_}
		backend=${backend%_*}
		app=${name##*_}
		local port="\"backend\": \"$backend\", \"iface\": \"vethB\""
		[ "$backend" = afxdp ] && port="$port, \"afxdp\": {\"attach\": \"auto\", \"bind\": \"copy\"}"
		cat >"$d/dp.json" <<EOF
{"mode": "nic", "port": {$port}, "workers": 1,
 "cpus": {"workers": [$DUT_CPU]}, "app": {"name": "$app"},
 "stats": {"socket": "$d/dp.sock"}}
EOF
		echo "$VNFDP run $d/dp.json"
		;;
	testpmd_*)
		# af_xdp: a bpffs private to this mount namespace, as vnfdp mounts one for itself, so
		# that libxdp makes the same choices for both (the XDP program attached is recorded in
		# link0.b.xdp); the PMD's info log says whether it passes UMEM frames to mbufs without
		# a copy.
		case $name in
		*afxdp*) vdev="net_af_xdp0,iface=vethB --log-level=pmd.net.af_xdp:info" ;;
		*) vdev="net_af_packet0,iface=vethB,qdisc_bypass=1" ;;
		esac
		mode=${name##*_}
		[ "$mode" = io ] && extra=" --port-topology=loop"
		echo "$BPFFS_SH dpdk-testpmd --no-huge -m 512 -l $GEN_CPU,$DUT_CPU --main-lcore $GEN_CPU" \
			"--no-pci --file-prefix $PREFIX --vdev $vdev -- --forward-mode=$mode --nb-cores=1" \
			"--stats-period 1 --total-num-mbufs 32768$extra"
		;;
	kudp_*)
		extra=""
		[ "${name#kudp_}" = echo ] && extra=" --echo"
		echo "$UDPB --port $DPORT --cpus $DUT_CPU$extra --ready $d/ready"
		;;
	esac
}

# wait_ready NAME PID DIR: the receiver is up and reading vethB
wait_ready() {
	local name=$1 pid=$2 d=$3 i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		case $name in
		vnfdp_*) "$VNFDP" stats --socket "$d/dp.sock" >/dev/null 2>&1 && return 0 ;;
		testpmd_*) grep -q "forwards packets on" "$d/rx.out" 2>/dev/null && return 0 ;;
		kudp_*) [ -e "$d/ready" ] && return 0 ;;
		esac
		sleep 0.05
	done
	return 1
}

# run_one NAME LOAD ROUND: one receiver, one load, one round, into $RAW/NAME.LOAD.ROUND/
run_one() {
	local name=$1 load=$2 round=$3 d="$RAW/$1.$2.$3" cmd pid n tg t0 t1 rc tgpid
	rm -rf "$d"
	mkdir -p "$d"
	if ! ns_up; then
		echo "error=cannot create the namespaces and veth pair" >"$d/meta"
		ns_down
		return
	fi
	tg_cfg "$d/tg.cfg"
	if [ "${name%%_*}" = kudp ]; then
		# the kernel path needs an address; replies go to MAC_FAKE (static), so the echoed
		# frames die at vethA like the other receivers' echoes, and no ARP is involved
		ip -n "$NSD" addr add "$IP_DUT/24" dev vethB
		ip -n "$NSD" neigh replace "$IP_GEN" lladdr "$MAC_FAKE" dev vethB nud permanent
	fi
	cmd=$(receiver_cmd "$name" "$d")
	printf '%s\n' "$cmd" >"$d/cmd"
	# shellcheck disable=SC2086 # cmd is a list of words without quoting needs
	ip netns exec "$NSD" $cmd >"$d/rx.out" 2>"$d/rx.err" </dev/null &
	pid=$!
	PIDS+=("$pid")
	if ! wait_ready "$name" "$pid" "$d"; then
		echo "error=receiver did not start: $(grep -v '^$' "$d/rx.err" "$d/rx.out" 2>/dev/null |
			grep -iv 'warn\|^EAL: \(Detected\|Multi\|Selected\|Physical\)' | tail -1 | cut -c1-200)" >"$d/meta"
		ns_down
		return
	fi
	sleep 0.3 # let it settle (first polls, page faults) before the window opens
	if [ "$load" = fixed ]; then
		n=$((RATE * SECS))
		tg="trafgen -o vethA -i $d/tg.cfg -n $n -P 1 -Q --no-sock-mem -b ${RATE}pps"
	else
		n=$PACKETS
		tg="trafgen -o vethA -i $d/tg.cfg -n $n -P 1 -Q --no-sock-mem"
	fi
	echo "taskset -c $GEN_CPU $tg" >"$d/tg.cmd"
	counters "$d/link0"
	cpu_snap "$pid" "$d/cpu0"
	t0=$(date +%s.%N)
	TIMEFORMAT='%R %U %S'
	# in the background, so that a signal to this script is handled at once (bash runs traps only
	# between foreground commands, but interrupts "wait")
	# shellcheck disable=SC2086
	{ time ip netns exec "$NSG" timeout 60 taskset -c "$GEN_CPU" $tg >"$d/tg.out" 2>&1 </dev/null; } 2>"$d/tg.time" &
	tgpid=$!
	PIDS+=("$tgpid")
	wait "$tgpid"
	rc=$?
	t1=$(date +%s.%N)
	cpu_snap "$pid" "$d/cpu1"
	sleep 0.3 # frames still in rings and sockets
	counters "$d/link1"
	stop "$pid" 10
	local rxrc=$?
	{
		echo "t0=$t0"
		echo "t1=$t1"
		echo "tg_rc=$rc"
		echo "rx_rc=$rxrc"
		echo "packets=$n"
	} >"$d/meta"
	ns_down
}

run_all() {
	local r load name
	rm -rf "$RAW"
	mkdir -p "$RAW"
	{
		echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "kernel=$(uname -r)"
		echo "cpus=$(nproc)"
		echo "model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
		echo "trafgen=$(trafgen -v 2>/dev/null | head -1 | sed 's/,.*//')"
		echo "dpdk=$(dpkg-query -W -f='${Version}' dpdk-dev 2>/dev/null || echo unknown)"
		echo "git=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- dataplane bench 2>/dev/null || echo ' (with uncommitted changes)')"
		echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "rounds=$ROUNDS"
		echo "rate=$RATE"
		echo "secs=$SECS"
		echo "packets=$PACKETS"
		echo "loads=$LOADS"
		echo "flows=$FLOWS"
		echo "gen_cpu=$GEN_CPU"
		echo "dut_cpu=$DUT_CPU"
		echo "o=$O"
	} >"$RAW/machine.env"
	# what else runs: the busiest processes before we start (other tests distort the numbers)
	ps -eo pcpu,comm --sort=-pcpu 2>/dev/null | head -6 >"$RAW/top.start"
	log "rounds=$ROUNDS loads=($LOADS) fixed rate=$RATE pps for ${SECS}s, unthrottled $PACKETS frames; raw=$RAW"
	for r in $(seq 1 "$ROUNDS"); do
		for load in $LOADS; do
			log "round $r/$ROUNDS, load $load"
			for name in $RECEIVERS; do
				[ -z "$ONLY" ] || [[ $name =~ $ONLY ]] || continue
				run_one "$name" "$load" "$r"
			done
		done
	done
	echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/machine.env"
	echo "elapsed=$(($(date +%s) - T_START))" >>"$RAW/machine.env"
}

if [ "${KPATH_ANALYSE_ONLY:-0}" = 1 ]; then
	[ -f "$RAW/machine.env" ] || die "no raw results in $RAW"
else
	require
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	run_all
	cleanup
fi

log "analysing"
RAW="$RAW" OUT_MD="$OUT_MD" RECEIVERS="$RECEIVERS" python3 - <<'PY'
import json, os, re, statistics, sys

RAW = os.environ["RAW"]; OUT_MD = os.environ["OUT_MD"]
RECEIVERS = os.environ["RECEIVERS"].split()
HZ = os.sysconf("SC_CLK_TCK")


def readf(p):
    try:
        with open(p, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def kv(text):
    return dict(l.split("=", 1) for l in (text or "").splitlines() if "=" in l)


M = kv(readf(f"{RAW}/machine.env"))
ROUNDS = int(M.get("rounds", "1")); LOADS = M.get("loads", "fixed max").split()
RATE = int(M.get("rate", "0")); SECS = M.get("secs", "?"); PACKETS = int(M.get("packets", "0"))


def cpu_parse(text):
    cpus = {}; tasks = {}; up = None
    for line in (text or "").splitlines():
        if line.startswith("cpu"):
            p = line.split()
            cpus[p[0]] = [int(x) for x in p[1:]]
        elif line.startswith("uptime "):
            up = float(line.split()[1])
        elif line.startswith("task "):
            s = line[5:]
            # pid (comm) state ... : comm may contain spaces
            tid = int(s.split(" ", 1)[0]); comm = s[s.index("(") + 1:s.rindex(")")]
            rest = s[s.rindex(")") + 2:].split()
            # rest[0] = state (field 3); utime = field 14, stime = 15, processor = 39
            tasks[tid] = {"comm": comm, "ticks": int(rest[11]) + int(rest[12]), "uticks": int(rest[11]),
                          "cpu": int(rest[36])}
    return cpus, tasks, up


def cpu_window(a, b):
    """per CPU: busy %, and user/system/softirq shares of the window."""
    ca, ta, ua = a; cb, tb, ub = b
    out = {}
    for c in cb:
        if c not in ca:
            continue
        d = [y - x for x, y in zip(ca[c], cb[c])]
        tot = sum(d[:8]) or 1
        idle = d[3] + d[4]
        out[c] = {"busy": 100.0 * (tot - idle) / tot, "user": 100.0 * (d[0] + d[1]) / tot,
                  "sys": 100.0 * d[2] / tot, "softirq": 100.0 * d[6] / tot,
                  "irq": 100.0 * d[5] / tot, "steal": 100.0 * d[7] / tot}
    secs = (ub - ua) if ua and ub else None
    threads = []
    for tid, t in sorted(tb.items()):
        if tid in ta and secs:
            threads.append({"comm": t["comm"], "cpu": t["cpu"], "idx": len(threads),
                            "pct": 100.0 * (t["ticks"] - ta[tid]["ticks"]) / HZ / secs,
                            "user_pct": 100.0 * (t["uticks"] - ta[tid]["uticks"]) / HZ / secs})
    proc = sum(t["pct"] for t in threads) if threads else None
    out["proc_user"] = sum(t["user_pct"] for t in threads) if threads else 0.0
    return out, proc, threads, secs


def link(prefix):
    def st(text):
        s = json.loads(text)[0]["stats64"]
        return {"rx_packets": s["rx"]["packets"], "rx_dropped": s["rx"]["dropped"],
                "tx_packets": s["tx"]["packets"], "tx_dropped": s["tx"]["dropped"]}

    def eth(text):
        d = {}
        for line in (text or "").splitlines():
            k, _, v = line.partition(":")
            k = k.strip(); v = v.strip()
            if k and v.lstrip("-").isdigit():
                d[k] = int(v)
        return d
    return {"a": st(readf(f"{prefix}.a.json")), "b": st(readf(f"{prefix}.b.json")),
            "ea": eth(readf(f"{prefix}.a.ethtool")), "eb": eth(readf(f"{prefix}.b.ethtool"))}


def delta(x, y):
    return {k: y[k] - x.get(k, 0) for k in y if k != "peer_ifindex" and isinstance(y[k], int)}


def p_vnfdp(t):
    for line in reversed(t.strip().splitlines()):
        if line.strip().startswith("{"):
            j = json.loads(line)
            return {"rx": j["rx"], "missed": j["rx_missed"], "tx": j["tx"],
                    "drops": j.get("drops_total", 0), "conserved": j.get("conserved"),
                    "detail": {k: v for k, v in j.get("drops", {}).items() if v}}
    raise ValueError("no final JSON line")


def p_testpmd(t):
    m = re.search(r"Forward statistics for port 0\s*-*\s*RX-packets:\s*(\d+)\s+RX-dropped:\s*(\d+)\s+RX-total:\s*(\d+)"
                  r"\s*TX-packets:\s*(\d+)\s+TX-dropped:\s*(\d+)", t)
    if not m:
        raise ValueError("no 'Forward statistics for port 0' block (testpmd did not exit cleanly)")
    rx, missed, _, tx, txd = (int(x) for x in m.groups())
    port_missed = [int(x) for x in re.findall(r"RX-missed:\s*(\d+)", t)]
    return {"rx": rx, "missed": missed, "tx": tx, "drops": txd,
            "detail": {"port_rx_missed_last_display": port_missed[-1] if port_missed else None,
                       "tx_dropped": txd}}


def p_kudp(t):
    for line in reversed(t.strip().splitlines()):
        if line.strip().startswith("{"):
            j = json.loads(line)
            return {"rx": j["rx"], "missed": j["rx_missed"], "tx": j["tx"], "drops": j["tx_failed"],
                    "detail": {"tx_failed": j["tx_failed"]}}
    raise ValueError("no JSON line")


DISTURBED = 5.0  # % of a CPU of user time by other programs in the window: flag the run

PARSE = {"vnfdp": p_vnfdp, "testpmd": p_testpmd, "kudp": p_kudp}

runs = {}  # (name, load) -> list of per-round dicts
errors = {}
for name in RECEIVERS:
    for load in LOADS:
        for r in range(1, ROUNDS + 1):
            d = f"{RAW}/{name}.{load}.{r}"
            if not os.path.isdir(d):
                continue
            meta = kv(readf(f"{d}/meta"))
            rec = {"round": r}
            try:
                if "error" in meta:
                    raise ValueError(meta["error"])
                tgout = (readf(f"{d}/tg.out") or "").replace("\r", "")
                m = re.search(r"(\d+) packets outgoing", tgout)
                if not m:
                    raise ValueError(f"trafgen printed no 'packets outgoing' (exit {meta.get('tg_rc')}): "
                                     + (tgout.strip().splitlines() or ["no output"])[-1][:120])
                sent = int(m.group(1))
                win = float(meta["t1"]) - float(meta["t0"])
                tgt = (readf(f"{d}/tg.time") or "").split()
                rv = PARSE[name.split("_")[0]](readf(f"{d}/rx.out") or "")
                l0 = link(f"{d}/link0"); l1 = link(f"{d}/link1")
                cw, proc, threads, csecs = cpu_window(cpu_parse(readf(f"{d}/cpu0")), cpu_parse(readf(f"{d}/cpu1")))
                va, vb = delta(l0["a"], l1["a"]), delta(l0["b"], l1["b"])
                ea, eb = delta(l0["ea"], l1["ea"]), delta(l0["eb"], l1["eb"])
                rec.update({
                    "sent": sent, "window_s": win, "offered_pps": sent / win,
                    "rx": rv["rx"], "rx_pps": rv["rx"] / win, "missed": rv["missed"], "tx": rv["tx"],
                    "tx_pps": rv["tx"] / win, "recv_drops": rv["drops"], "detail": rv["detail"],
                    "conserved": rv.get("conserved"),
                    # lost = not received from the port, or dropped inside the receiver
                    "lost_pct": 100.0 * (sent - rv["rx"] + rv["drops"]) / sent if sent else None,
                    "veth_a_tx": va["tx_packets"], "veth_a_tx_dropped": va["tx_dropped"],
                    "veth_b_rx": vb["rx_packets"], "veth_b_rx_dropped": vb["rx_dropped"],
                    "veth_b_tx": vb["tx_packets"], "veth_a_rx": va["rx_packets"],
                    "ethtool_b": {k: v for k, v in eb.items() if v}, "ethtool_a": {k: v for k, v in ea.items() if v},
                    "cpu": cw, "proc_cpu": proc, "threads": threads,
                    "gen_cpu_pct": 100.0 * (float(tgt[1]) + float(tgt[2])) / float(tgt[0]) if len(tgt) == 3 and float(tgt[0]) > 0 else None,
                    "rx_rc": meta.get("rx_rc"),
                })
                xm = re.search(r"name (\S+)", readf(f"{d}/link0.b.xdp") or "")
                rec["xdp_prog"] = xm.group(1) if xm else None
                rec["umem_zero_copy"] = "Zero copy between umem and mbuf enabled" in (readf(f"{d}/rx.err") or "") + (readf(f"{d}/rx.out") or "")
                # user time on the two CPUs that is neither trafgen's nor the receiver's: other
                # programs on the machine (a shared VM); > 5 % of a CPU flags the run as disturbed
                gen_user = 100.0 * float(tgt[1]) / win if len(tgt) == 3 else 0.0
                rec["foreign_user"] = (cw.get("cpu0", {}).get("user", 0) + cw.get("cpu1", {}).get("user", 0)
                                       - cw.get("proc_user", 0) - gen_user)
                rec["recv_frac"] = rv["rx"] / sent if sent else None
                rec["cpu0_busy"] = cw.get("cpu0", {}).get("busy")
                rec["cpu1_busy"] = cw.get("cpu1", {}).get("busy")
                rec["cpu1_softirq"] = cw.get("cpu1", {}).get("softirq")
                rec["cpu0_softirq"] = cw.get("cpu0", {}).get("softirq")
                # received frames per CPU-second of the receiver's own process
                rec["pkts_per_cpu_s"] = rv["rx"] / (proc / 100.0 * win) if proc else None
                runs.setdefault((name, load), []).append(rec)
            except Exception as e:  # noqa: BLE001 - a broken run becomes n/a with its reason
                errors.setdefault((name, load), []).append(f"round {r}: {e}")


def vals(name, load, key):
    return [x[key] for x in runs.get((name, load), []) if isinstance(x.get(key), (int, float))]


def st(name, load, key):
    v = vals(name, load, key)
    if not v:
        return None
    return {"med": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def peer_of(name):
    if name.startswith("vnfdp_"):
        b = name.split("_")[1]
        return f"testpmd_{b}_" + ("rxonly" if name.endswith("sink") else "io")
    return None


def ratios(name, load, key):
    """per-round ours/peer of key, for rounds where both ran"""
    p = peer_of(name)
    if not p:
        return None
    a = {x["round"]: x.get(key) for x in runs.get((name, load), [])}
    b = {x["round"]: x.get(key) for x in runs.get((p, load), [])}
    return [a[r] / b[r] for r in a if r in b and a[r] and b[r]]


LABEL = {
    "vnfdp_afxdp_sink": ("vnfdp", "AF_XDP", "sink"), "testpmd_afxdp_rxonly": ("testpmd", "AF_XDP", "rxonly"),
    "vnfdp_afxdp_echo": ("vnfdp", "AF_XDP", "echo"), "testpmd_afxdp_io": ("testpmd", "AF_XDP", "io"),
    "vnfdp_afpacket_sink": ("vnfdp", "AF_PACKET", "sink"), "testpmd_afpacket_rxonly": ("testpmd", "AF_PACKET", "rxonly"),
    "vnfdp_afpacket_echo": ("vnfdp", "AF_PACKET", "echo"), "testpmd_afpacket_io": ("testpmd", "AF_PACKET", "io"),
    "kudp_sink": ("kernel UDP", "socket", "recvmmsg"), "kudp_echo": ("kernel UDP", "socket", "echo"),
}


def f(x, nd=1):
    return "n/a" if x is None else f"{x:,.{nd}f}"


def srng(s, nd=1, scale=1.0):
    if not s:
        return "n/a"
    return f"{s['med'] * scale:,.{nd}f} ({s['min'] * scale:,.{nd}f}–{s['max'] * scale:,.{nd}f})"


def rrng(v):
    if not v:
        return "—"
    return f"{statistics.median(v):.2f}× ({min(v):.2f}–{max(v):.2f})"


summary = {"machine": M, "runs": {f"{k[0]}.{k[1]}": v for k, v in runs.items()},
           "errors": {f"{k[0]}.{k[1]}": v for k, v in errors.items()}}
with open(f"{RAW}/summary.json", "w") as fh:
    json.dump(summary, fh, indent=1, default=str)

LOADNAME = {"fixed": f"fixed {RATE / 1000:,.0f} kpps offered ({SECS} s)",
            "max": f"unthrottled ({PACKETS:,} frames)"}

# ---- text summary ------------------------------------------------------------------------------
print()
print(f"kernel path on veth — {M.get('date', '?')} — {M.get('cpus', '?')} CPUs, kernel {M.get('kernel', '?')}; "
      f"load avg {M.get('loadavg_start', '?')} → {M.get('loadavg_end', '?')}")
for load in LOADS:
    print(f"\n{LOADNAME.get(load, load)}: median (min–max) over {ROUNDS} rounds")
    print(f"{'receiver':<26} {'offered kpps':>13} {'received kpps':>22} {'lost %':>18} {'rcv CPU %':>18} {'CPU1 %':>7} {'CPU0 %':>7} {'pps vs testpmd':>22} {'CPU vs testpmd':>22}")
    for name in RECEIVERS:
        if (name, load) not in runs:
            if (name, load) in errors:
                print(f"{name:<26} n/a: {errors[(name, load)][0]}")
            continue
        o = st(name, load, "offered_pps"); rx = st(name, load, "rx_pps"); lp = st(name, load, "lost_pct")
        pc = st(name, load, "proc_cpu"); c1 = st(name, load, "cpu1_busy"); c0 = st(name, load, "cpu0_busy")
        print(f"{name:<26} {f(o['med'] / 1e3 if o else None, 0):>13} {srng(rx, 0, 1e-3):>22} {srng(lp, 2):>18} {srng(pc, 0):>18} "
              f"{f(c1['med'] if c1 else None, 0):>7} {f(c0['med'] if c0 else None, 0):>7} "
              f"{rrng(ratios(name, load, 'rx_pps')):>22} {rrng(ratios(name, load, 'proc_cpu')):>22}")
if errors:
    print("\nerrors:")
    for k, v in errors.items():
        print(f"  {k[0]} {k[1]}: {len(v)} run(s): {v[0]}")

# ---- markdown section --------------------------------------------------------------------------
L = []; A = L.append
A("<!-- kernel-path:begin (written by bench/kernel_path.sh; make bench regenerates it) -->")
A("## Kernel I/O path on veth: AF_XDP, AF_PACKET and the kernel's UDP stack")
A("")
A(f"Measured {M.get('date', '?')} by `bench/kernel_path.sh` (part of `make bench`; "
  f"{M.get('elapsed', '?')} s). Machine: {M.get('model', '?')}, {M.get('cpus', '?')} vCPUs, kernel "
  f"`{M.get('kernel', '?')}`, DPDK {M.get('dpdk', '?')}, {M.get('trafgen', 'trafgen')}; source "
  f"{M.get('git', '?')}. Load average {M.get('loadavg_start', '?')} at the start and "
  f"{M.get('loadavg_end', '?')} at the end (other work on the machine shows here).")
A("")
A(f"**Setup.** One veth pair, fresh for every run: `vethA` in namespace `gen`, `vethB` in namespace "
  f"`dut` (1 queue each, IPv6 off). `trafgen` (netsniff-ng) on CPU {M.get('gen_cpu', 0)} sends 64-byte "
  f"UDP frames (60 bytes + FCS) over {M.get('flows', '1024')} flows (source port 10000–11023) to "
  f"vethB's MAC; the receiver runs on CPU {M.get('dut_cpu', 1)} (DPDK's main lcore sleeps on "
  f"CPU {M.get('gen_cpu', 0)}). Every receiver ran in each of {ROUNDS} rounds, in the order of the "
  "tables (ours next to its peer), at two offered loads: a fixed rate (`trafgen -b`) and "
  "unthrottled. The echoing receivers send every frame back to trafgen's source MAC, which no "
  "interface owns, so the echoes are dropped on arrival at vethA (as PACKET_OTHERHOST).")
A("")
A("**Columns.** *received* = frames the receiver itself took from the port (vnfdp's final `rx`, "
  "testpmd's `RX-packets` at exit, the UDP program's datagrams) divided by the traffic window "
  "(trafgen's run time). *lost* = (sent by trafgen − received + dropped inside the receiver) / sent, "
  "where *dropped inside* is vnfdp's `drops_total` (e.g. `worker_ring_full`), testpmd's "
  "`TX-dropped` and the UDP program's failed sends. *missed* = what the receiver's kernel "
  "interface reported as dropped (vnfdp `rx_missed` = AF_XDP `rx_dropped + rx_ring_full` or "
  "TPACKET `tp_drops`; testpmd `RX-missed`; socket drops `SK_MEMINFO_DROPS`). *rcv CPU* = the "
  "receiver process's utime+stime over the window, in % of one CPU (all its threads). *CPU1* / "
  "*CPU0* = busy share of each CPU from /proc/stat over the window (CPU1 holds the receiver, "
  "CPU0 trafgen — and the veth receive softirq, see below). Ratios are ours / testpmd on the same "
  "backend (sink ↔ rxonly, echo ↔ io), per round, median (min–max). *disturbed* = runs in which "
  "other programs on the machine used more than 5 % of a CPU in user time during the window "
  "(user time of both CPUs minus trafgen's and the receiver's); their numbers are kept in the "
  "medians and ranges.")
A("")
for load in LOADS:
    A(f"### {LOADNAME.get(load, load)}")
    A("")
    A("| receiver | backend | app / mode | offered kpps | received kpps | lost % | missed (median) | "
      "echoed kpps | rcv CPU % | CPU1 busy % (softirq) | CPU0 busy % (softirq) | received vs testpmd | rcv CPU vs testpmd | disturbed |")
    A("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in RECEIVERS:
        who, be, app = LABEL.get(name, (name, "", ""))
        if (name, load) not in runs:
            if (name, load) in errors:
                A(f"| {who} | {be} | {app} | n/a ({errors[(name, load)][0]}) | | | | | | | | | | |")
            continue
        o = st(name, load, "offered_pps"); rx = st(name, load, "rx_pps"); lp = st(name, load, "lost_pct")
        ms = st(name, load, "missed"); tx = st(name, load, "tx_pps"); pc = st(name, load, "proc_cpu")
        c1 = st(name, load, "cpu1_busy"); s1 = st(name, load, "cpu1_softirq"); c0 = st(name, load, "cpu0_busy")
        s0 = st(name, load, "cpu0_softirq")
        dist = sum(1 for x in runs[(name, load)] if x.get("foreign_user", 0) > DISTURBED)
        echoing = name.endswith(("echo", "_io"))
        A(f"| {who} | {be} | {app} | {f(o['med'] / 1e3, 0)} | {srng(rx, 0, 1e-3)} | {srng(lp, 2)} | "
          f"{f(ms['med'], 0) if ms else 'n/a'} | {srng(tx, 0, 1e-3) if echoing else '—'} | {srng(pc, 0)} | "
          f"{f(c1['med'], 0) if c1 else 'n/a'} ({f(s1['med'], 0) if s1 else 'n/a'}) | "
          f"{f(c0['med'], 0) if c0 else 'n/a'} ({f(s0['med'], 0) if s0 else 'n/a'}) | "
          f"{rrng(ratios(name, load, 'rx_pps'))} | {rrng(ratios(name, load, 'proc_cpu'))} | "
          f"{dist}/{len(runs[(name, load)])} |")
    A("")

# goal lines
A("### Against the goal (≥ 1.0× testpmd's received pps on each backend, with less CPU)")
A("")
A("At the fixed load both sides are offered the same rate, but trafgen's pacing lands a little "
  "above or below it from run to run, so there the comparison is the *received fraction* "
  "(received / sent, ours over testpmd's). Unthrottled, it is received pps. A row meets the goal "
  "when that median per-round ratio, rounded to two decimals, is ≥ 1.00 and the median ratio of "
  "receiver CPU is < 1.00.")
A("")
A("| backend | ours vs peer | load | received pps, ours / testpmd | received fraction, ours / testpmd | rcv CPU, ours / testpmd | met? |")
A("|---|---|---|---|---|---|---|")
for name in RECEIVERS:
    p = peer_of(name)
    if not p:
        continue
    for load in LOADS:
        a = ratios(name, load, "rx_pps"); fr = ratios(name, load, "recv_frac"); c = ratios(name, load, "proc_cpu")
        key = fr if load == "fixed" else a
        met = "n/a" if not key or not c else ("**yes**" if round(statistics.median(key), 2) >= 1.0 and statistics.median(c) < 1.0 else "**no**")
        A(f"| {LABEL[name][1]} | vnfdp {LABEL[name][2]} vs testpmd {LABEL[p][2]} | {load} | {rrng(a)} | {rrng(fr)} | {rrng(c)} | {met} |")
A("")

# per-thread CPU of vnfdp, and where the receive work runs
A("### Where the CPU goes")
A("")
thr_lines = []
for name in RECEIVERS:
    for load in LOADS:
        rs = runs.get((name, load), [])
        if not rs:
            continue
        per = {}
        for x in rs:
            for t in x["threads"]:
                per.setdefault((t["idx"], t["comm"]), []).append((t["pct"], t["cpu"]))
        busy = [(k, statistics.median(p for p, _ in v), statistics.mode(c for _, c in v)) for k, v in sorted(per.items())]
        busy = [b for b in busy if b[1] >= 1]
        if busy:
            thr_lines.append(f"{name} ({load}): " + ", ".join(f"thread {k[0]} `{k[1]}` {v:.0f} % (CPU {c})" for k, v, c in busy))
A("Receiver threads using ≥ 1 % of a CPU over the window, in thread-id order (thread 0 is the "
  "main thread; vnfdp's thread 1 is its one worker, which in `nic` mode receives, runs the app "
  "and transmits; testpmd's `rte-worker-1` is the forwarding lcore), median over rounds, "
  "with the CPU each last ran on: " + ("; ".join(thr_lines) if thr_lines else "n/a") + ".")
A("")
gen = [x["gen_cpu_pct"] for k, v in runs.items() for x in v if x.get("gen_cpu_pct") is not None and k[1] == "max"]
gmax = [x["offered_pps"] for k, v in runs.items() for x in v if k[1] == "max"]
if gmax:
    A(f"Unthrottled, trafgen sent {min(gmax) / 1e3:,.0f}–{max(gmax) / 1e3:,.0f} kpps depending on the "
      f"receiver (its own process used a median {statistics.median(gen):.0f} % of CPU {M.get('gen_cpu', 0)}). "
      "veth has no interrupt and no queue of its own on the sending side: `veth_xmit` hands the frame "
      "to the peer in the sender's context, so the receive path of vethB — the XDP program and the "
      "copy into the AF_XDP UMEM, or the AF_PACKET tap copy plus the IP input that drops the frame, "
      "or the whole UDP stack up to the socket queue — runs as softirq **on the generator's CPU**. "
      "The receiver's CPU only sees its own copy out of the ring or socket, and, when echoing, the "
      "transmit path (whose vethA receive also runs on CPU 1).")
    A("")
fixed_ok = [x["offered_pps"] / RATE for k, v in runs.items() for x in v if k[1] == "fixed" and RATE]
if fixed_ok:
    low = [f"{k[0]} round {x['round']} ({100 * x['offered_pps'] / RATE:.0f} %"
           + (", disturbed" if x.get("foreign_user", 0) > DISTURBED else "") + ")"
           for k, v in runs.items() if k[1] == "fixed" for x in v if x["offered_pps"] < 0.95 * RATE]
    A(f"At the fixed load trafgen reached {100 * min(fixed_ok):.0f}–{100 * max(fixed_ok):.0f} % of the "
      f"requested {RATE / 1e3:,.0f} kpps" + (" in every run, so it is a rate the generator sustains next to "
      "every receiver." if not low else "; below 95 % in: " + "; ".join(low) + " (the generator could not "
      "sustain the rate in those runs; if that happens in undisturbed runs, lower KPATH_RATE)."))
    A("")

progs = {}
for k, v in runs.items():
    for x in v:
        if x.get("xdp_prog"):
            progs.setdefault(k[0], set()).add(x["xdp_prog"])
if progs:
    A("XDP program attached to vethB while the receiver ran: " + "; ".join(
        f"{n}: `{', '.join(sorted(p))}`" for n, p in progs.items()) + ". "
      + ("testpmd's af_xdp PMD logged \"Zero copy between umem and mbuf enabled\": its UMEM is carved "
         "from the mbuf pool, so it hands the kernel-filled frame to the application without a "
         "copy, while vnfdp copies each frame from its UMEM into its own packet buffer."
         if any(x.get("umem_zero_copy") for k, v in runs.items() if k[0].startswith("testpmd_afxdp") for x in v) else ""))
    A("")

# veth / counter breakdown
A("### Counters (median over rounds)")
A("")
A("| receiver | load | sent | received | missed (receiver) | vethB rx_dropped | vethA tx_dropped | echoed (tx) | other receiver drops |")
A("|---|---|---|---|---|---|---|---|---|")
for load in LOADS:
    for name in RECEIVERS:
        if (name, load) not in runs:
            continue
        def m(k):
            s = st(name, load, k)
            return f"{s['med']:,.0f}" if s else "n/a"
        det = {}
        for x in runs[(name, load)]:
            for k, v in (x.get("detail") or {}).items():
                if isinstance(v, (int, float)) and v and k not in ("port_rx_missed_last_display",):
                    det.setdefault(k, []).append(v)
        dets = ", ".join(f"{k} {statistics.median(v):,.0f}" for k, v in det.items()) or "0"
        A(f"| {name} | {load} | {m('sent')} | {m('rx')} | {m('missed')} | {m('veth_b_rx_dropped')} | "
          f"{m('veth_a_tx_dropped')} | {m('tx')} | {dets} |")
A("")
A("vethB's `rx_dropped` (ethtool: `rx_queue_0_drops`) counts frames its XDP program could not "
  "redirect into a full AF_XDP ring, so for the AF_XDP receivers it overlaps the receiver's own "
  "*missed*; the two are shown side by side and not added.")
A("")
conserved = [x.get("conserved") for k, v in runs.items() if k[0].startswith("vnfdp") for x in v]
bad = [f"{k[0]} {k[1]} round {x['round']}" for k, v in runs.items() if k[0].startswith("vnfdp") for x in v
       if x.get("conserved") is False or x.get("rx_rc") not in ("0", None)]
acct = []
for k, v in runs.items():
    for x in v:
        if k[0].startswith("vnfdp"):
            gap = x["sent"] - x["rx"] - x["missed"]
            if gap < 0 or gap > max(0.001 * x["sent"], 10):
                acct.append(f"{k[0]} {k[1]} round {x['round']}: sent {x['sent']:,}, rx {x['rx']:,}, "
                            f"rx_missed {x['missed']:,} (unaccounted {gap:,})")
if conserved:
    A(f"vnfdp's own accounting: `conserved` was true in {sum(1 for c in conserved if c)}/{len(conserved)} runs"
      + (f"; problems: {'; '.join(bad)}" if bad else "") + ". "
      + ("Every frame trafgen sent is either in vnfdp's `rx` or in its `rx_missed` (within 0.1 %)."
         if not acct else "Frames neither received nor counted as missed by vnfdp: " + "; ".join(acct[:6]) + "."))
    A("")
echo_bad = [f"{k[0]} {k[1]} round {x['round']}: tx {x['tx']:,}, vethB tx_packets {x['veth_b_tx']:,}"
            for k, v in runs.items() if k[0].endswith(("echo", "_io")) for x in v
            if x["tx"] != x["veth_b_tx"] or x["veth_b_tx"] != x["veth_a_rx"]]
if any(k[0].endswith(("echo", "_io")) for k in runs):
    A("Echoed frames: " + ("the receiver's own `tx` equalled vethB's `tx_packets` (and vethA's `rx_packets`) in every run."
                           if not echo_bad else "receiver `tx` and vethB `tx_packets` differ: " + "; ".join(echo_bad[:6]) + "."))
    A("")
dl = [f"{k[0]} {k[1]} round {x['round']} ({x['foreign_user']:.0f} %)" for k, v in runs.items() for x in v
      if x.get("foreign_user", 0) > DISTURBED]
if dl:
    A("Disturbed runs (other programs' user time during the window, % of a CPU): " + "; ".join(dl) + ".")
    A("")
if errors:
    A("Runs that failed: " + "; ".join(f"{k[0]} {k[1]}: {v[0]}" for k, v in errors.items()) + ".")
    A("")

# commands
A("### Commands")
A("")
A("Reproduce: `make bench` (all benchmarks, this section included), or this part alone: "
  "`make O=build all build/bench/udp_echo_bench && O=build KPATH_MD=docs/benchmarks.md bash "
  "bench/kernel_path.sh` (root; about 4–5 minutes; `KPATH_ROUNDS`, `KPATH_RATE`, `KPATH_SECS`, "
  "`KPATH_PACKETS`, `KPATH_ONLY` change the plan). Per run (`$D` is the run's raw directory, "
  f"`{M.get('o', 'build')}/bench-raw/kernel_path/NAME.LOAD.ROUND`; namespace names carry the script's pid):")
A("")
A("```sh")
A("ip netns add gen; ip netns add dut   # + sysctl net.ipv6.conf.{all,default}.disable_ipv6=1 in both")
A("ip -n gen link add vethA address 02:00:00:00:0a:01 type veth peer name vethB netns dut address 02:00:00:00:0b:01")
A("ip -n gen link set vethA up; ip -n dut link set vethB up")
A("# kernel UDP receiver only:")
A("ip -n dut addr add 10.99.0.2/24 dev vethB; ip -n dut neigh replace 10.99.0.1 lladdr 02:00:00:00:0a:99 dev vethB nud permanent")
A("# receivers (ip netns exec dut ...):")
shown = set()
for name in RECEIVERS:
    for load in LOADS:
        for r in range(1, ROUNDS + 1):
            c = readf(f"{RAW}/{name}.{load}.{r}/cmd")
            if c and name not in shown:
                shown.add(name)
                c = re.sub(re.escape(RAW.rstrip("/")) + r"/[^/\s]+/", "$D/", c.strip())
                bp = re.match(r"bash \S*kernel_path\.sh --bpffs-exec (.*)", c)
                note = name
                if bp:
                    c = bp.group(1)
                    if "af_xdp" in c:
                        note += "; after mount -t bpf bpf /sys/fs/bpf (private mount namespace)"
                A(f"{c}   # {note}")
A("# vnfdp's config ($D/dp.json), e.g. AF_XDP + sink:")
dj = readf(f"{RAW}/vnfdp_afxdp_sink.{LOADS[0]}.1/dp.json")
if dj:
    A("# " + re.sub(r"\s+", " ", re.sub(re.escape(RAW.rstrip("/")) + r"/[^/\s]+/", "$D/", dj)).strip())
A("# generator (ip netns exec gen ...), trafgen config $D/tg.cfg:")
A(f"taskset -c {M.get('gen_cpu', 0)} trafgen -o vethA -i $D/tg.cfg -n {RATE * int(SECS) if SECS.isdigit() else 'N'} -P 1 -Q --no-sock-mem -b {RATE}pps   # fixed")
A(f"taskset -c {M.get('gen_cpu', 0)} trafgen -o vethA -i $D/tg.cfg -n {PACKETS} -P 1 -Q --no-sock-mem   # unthrottled")
A("```")
A("")
tg = readf(f"{RAW}/{RECEIVERS[0]}.{LOADS[0]}.1/tg.cfg")
if tg:
    A("```")
    A(tg.strip())
    A("```")
    A("")
A("Counters: `ip -s -j link show` and `ethtool -S` of both veth ends before and after the traffic; "
  "`/proc/stat` and `/proc/PID/task/*/stat` of the receiver right before trafgen starts and right "
  "after it exits; each receiver is stopped with SIGINT 0.3 s after trafgen exits and prints its "
  "final counters. Raw files, per run: `" + M.get('o', 'build') + "/bench-raw/kernel_path/`; "
  "all parsed numbers: `summary.json` there.")
A("")

# reading — computed statements first, then the fixed caveats
A("### Reading the numbers")
A("")
def med(name, load, key):
    s = st(name, load, key)
    return s["med"] if s else None
notes = []
if "max" in LOADS:
    c0 = [x["cpu0_busy"] for k, v in runs.items() if k[1] == "max" for x in v if x.get("cpu0_busy") is not None]
    if c0:
        notes.append(f"Unthrottled, CPU {M.get('gen_cpu', 0)} (trafgen plus vethB's receive softirq) was "
                     f"{min(c0):.0f}–{max(c0):.0f} % busy: the generator's core is the bottleneck, and every receiver "
                     "that takes more softirq time there (AF_PACKET runs each frame through the IP layer too; "
                     "the kernel UDP path runs the whole stack) lowers the offered rate itself.")
    for be in ("afxdp", "afpacket"):
        o = med(f"vnfdp_{be}_sink", "max", "rx_pps"); p = med(f"testpmd_{be}_" + "rxonly", "max", "rx_pps")
        ol = med(f"vnfdp_{be}_sink", "max", "lost_pct"); pl = med(f"testpmd_{be}_rxonly", "max", "lost_pct")
        os_ = med(f"vnfdp_{be}_sink", "max", "cpu0_softirq"); ps_ = med(f"testpmd_{be}_rxonly", "max", "cpu0_softirq")
        if o and p:
            why = ""
            if ol is not None and pl is not None and max(ol, pl) < 2.0 and os_ is not None and ps_ is not None:
                why = (f" Both took nearly everything trafgen sent, so the received rate is the rate trafgen "
                       f"reached next to each: CPU {M.get('gen_cpu', 0)}'s softirq share was {os_:.0f} % next to "
                       f"vnfdp and {ps_:.0f} % next to testpmd, and what softirq takes trafgen does not get. "
                       "This ratio therefore says how much receive work each one leaves on the generator's "
                       "core, not how many frames it could take at most.")
            notes.append(f"{'AF_XDP' if be == 'afxdp' else 'AF_PACKET'}, unthrottled, receive only: vnfdp "
                         f"{o / 1e3:,.0f} kpps ({ol:.2f} % lost) against testpmd {p / 1e3:,.0f} kpps ({pl:.2f} % lost)." + why)
    cs = []
    for n_ in ("vnfdp_afxdp_sink", "testpmd_afxdp_rxonly", "vnfdp_afpacket_sink", "testpmd_afpacket_rxonly"):
        rs = runs.get((n_, "max"), [])
        if rs:
            u = statistics.median(x["cpu"]["cpu1"]["user"] for x in rs); sy = statistics.median(x["cpu"]["cpu1"]["sys"] for x in rs)
            cs.append(f"{n_} {u:.0f} % user + {sy:.0f} % system")
    if cs:
        notes.append(f"Unthrottled, the pollers fill CPU {M.get('dut_cpu', 1)} (vnfdp's adaptive poll does not nap while "
                     "frames keep coming), so the CPU saving shows only at the fixed load. Split of CPU "
                     f"{M.get('dut_cpu', 1)}: " + "; ".join(cs) + ". vnfdp runs run-to-completion (`nic` mode, 1 worker: one thread "
                     "receives, runs the app and transmits, as testpmd's one forwarding core does); its system "
                     "time is the kernel's side of AF_XDP and AF_PACKET (wake-ups, copies) and `sched_yield` "
                     "when a poll finds nothing. testpmd's af_xdp RX spends most of its time "
                     "in the kernel as well; its af_packet PMD only reads ring memory.")
if "fixed" in LOADS:
    for be in ("afxdp", "afpacket"):
        o = med(f"vnfdp_{be}_sink", "fixed", "proc_cpu"); p = med(f"testpmd_{be}_rxonly", "fixed", "proc_cpu")
        if o is not None and p is not None:
            notes.append(f"At {RATE / 1e3:,.0f} kpps, {'AF_XDP' if be == 'afxdp' else 'AF_PACKET'} sink: vnfdp used "
                         f"{o:.0f} % of a CPU, testpmd rxonly {p:.0f} % (testpmd busy-polls without pause; vnfdp "
                         "busy-polls while frames arrive and yields, then naps, when a poll finds nothing).")
    ke = med("kudp_echo", "max", "lost_pct"); kc = med("kudp_echo", "max", "proc_cpu")
    if ke is not None and kc is not None and ke > 2:
        notes.append(f"Unthrottled, the kernel UDP echo (one socket, one thread) lost {ke:.1f} % as socket "
                     f"receive-buffer drops with its thread at {kc:.0f} % of CPU {M.get('dut_cpu', 1)}: each "
                     "`sendmmsg` runs the UDP/IP output path and veth's hand-over (and vethA's receive of the "
                     "echo) on that CPU, so the reply path, not the receive path, is its limit.")
    ks = med("kudp_sink", "fixed", "proc_cpu"); kl = med("kudp_sink", "fixed", "lost_pct")
    if ks is not None:
        notes.append(f"The kernel UDP receiver used {ks:.0f} % of CPU {M.get('dut_cpu', 1)} at {RATE / 1e3:,.0f} kpps "
                     f"({kl:.1f} % lost): it blocks in recvmmsg, and the protocol work it causes is softirq time on "
                     f"CPU {M.get('gen_cpu', 0)}, not in its own figure.")
for n_ in notes:
    A(f"- {n_}")
A("- **What limits the numbers.** On veth there is no NIC: the generator's `sendmsg`/TX-ring path, "
  "veth's hand-over and the whole receive side of vethB (XDP, the copy into the AF_XDP UMEM or the "
  "AF_PACKET ring, the IP/UDP stack for the socket receiver) share CPU 0 as softirq, so the offered "
  "load and the loss are set there, not by the receiver's poll loop. AF_XDP runs in copy mode on veth "
  "(no zero-copy driver), so both AF_XDP receivers pay one kernel copy per frame into the UMEM, and "
  "vnfdp copies once more from the UMEM into its own packet buffer (testpmd does not, see above). "
  "AF_PACKET pays the copy into the ring plus an IP input that drops the frame (vethB has no "
  "address in those runs). testpmd's af_packet PMD (DPDK 22.11) uses TPACKET_V2 with its default "
  "ring and never reads PACKET_STATISTICS, so its ring-full drops show neither in its `RX-missed` "
  "nor in veth's counters — only in sent − received.")
A("- **Noise.** The machine has 2 vCPUs and may be shared; medians over interleaved rounds and the "
  "per-round ratio ranges are the figures to compare, not single runs or absolute numbers across "
  "days.")
A("<!-- kernel-path:end -->")
A("")
sec = "\n".join(L)
with open(f"{RAW}/section.md", "w") as fh:
    fh.write(sec)
print(f"\nwrote {RAW}/section.md")

if OUT_MD:
    old = readf(OUT_MD) or ""
    b = old.find("<!-- kernel-path:begin"); e = old.find("<!-- kernel-path:end -->")
    if b >= 0 and e > b:
        new = old[:b] + sec.rstrip("\n") + old[e + len("<!-- kernel-path:end -->"):]
    else:
        i = old.find("\n## Raw medians")
        new = (old[:i + 1] + sec + "\n" + old[i + 1:]) if i >= 0 else (old.rstrip("\n") + "\n\n" + sec)
    with open(OUT_MD, "w") as fh:
        fh.write(new)
    print(f"wrote the kernel-path section into {OUT_MD}")
PY
rc=$?
log "done in $(($(date +%s) - T_START)) s"
exit $rc
