#!/usr/bin/env bash
# bench/run.sh — the benchmark runner behind `make bench` (invoked as `O=build bash bench/run.sh`).
#
# Runs our benchmarks and the DPDK peers side by side, BENCH_RUNS rounds (default 5).  Each round
# runs every item once, ours next to its peer, so both see the same machine noise.  Then it
# takes medians (with min/max), computes the ratios against the DESIGN.md §6 targets, counts
# instructions per packet with callgrind, prints a summary and writes docs/benchmarks.md with its
# plots: bench/plots.py draws docs/bench/{ratios,per_round,instructions,kernel_path}.svg (ours vs
# peer against the targets, every round's values, Ir per packet by function, the kernel path on
# veth) from the same numbers, deterministically (same raw data, byte-identical files).  Their
# input is kept as $O/bench-raw/plots.json; `python3 bench/plots.py $O/bench-raw/plots.json
# docs/bench` redraws them alone.
#
#   ours                                   peer (Debian dpdk-dev 22.11)
#   build/bench/rss_bench                  dpdk-test thash_perf_autotest (rte_softrss)
#   build/bench/lpm_bench (lpm_lookup,     rte_lpm_lookup / rte_lpm_lookup_bulk in the same process;
#     lpm_lookup_burst)                    once after the rounds, dpdk-test lpm_perf_autotest
#                                          (1 M routes, latency-style loop: information only)
#   build/bench/ring_bench                 dpdk-test ring_perf_autotest (SP/SC bulk 32, 2 cores)
#   vnfdp bench --mode sw --lossless       dpdk-test distributor_perf_autotest (burst mode), and
#                                          build/bench/dist_peer_bench: the same work on DPDK
#                                          (mbufs, parse, rte_softrss, rte_distributor, echo)
#   vnfdp bench --mode rtc --app echo      dpdk-testpmd --forward-mode=macswap on net_null,copy=1
#   bench/kernel_path.sh: vnfdp run on veth  dpdk-testpmd net_af_xdp / net_af_packet, the kernel's
#     (afxdp, afpacket; sink, echo)          UDP stack (build/bench/udp_echo_bench); trafgen load
#   build/bench/router_bench (router app,    no DPDK peer: the echo app on the same frames and engine
#     1 024 routes, 1 024 flows; rtc, and    settings, alternating in the same process, so router/echo
#     sw lossless)                           shows what routing adds to the engine's own cost
#
# A peer or item that is missing, fails or prints something unparsable becomes "n/a (reason)";
# the script never aborts half way.  Raw outputs stay in $O/bench-raw/.
#
# Environment: O (build dir, default build), BENCH_RUNS (5), BENCH_PACKETS (20000000, packets
# per vnfdp bench run), BENCH_TESTPMD_SECS (12), BENCH_CALLGRIND (1; 0 skips the instruction
# counts), BENCH_MD (docs/benchmarks.md, plots in bench/ next to it; empty to skip writing both),
# BENCH_ANALYSE_ONLY (1: do not run anything, re-analyse the raw outputs already in $O/bench-raw),
# BENCH_KPATH (1; 0 skips the kernel-path comparison on veth, bench/kernel_path.sh, which reads
# KPATH_* itself),
# BENCH_ROUTER_PACKETS (10000000, packets per router_bench run), BENCH_ROUTER_ROUNDS (3, router/echo
# pairs per mode in each router_bench invocation; it runs once per round).
set -u

cd "$(dirname "$0")/.." || exit 1
O=${O:-build}
RUNS=${BENCH_RUNS:-5}
PACKETS=${BENCH_PACKETS:-20000000}
TPMD_SECS=${BENCH_TESTPMD_SECS:-12}
CALLGRIND=${BENCH_CALLGRIND:-1}
OUT_MD=${BENCH_MD-docs/benchmarks.md}
RAW=$O/bench-raw
VNFDP=$O/vnfdp
RSS=$O/bench/rss_bench
RING=$O/bench/ring_bench
DPEER=$O/bench/dist_peer_bench
LPM=$O/bench/lpm_bench
ROUTER=$O/bench/router_bench
ROUTER_PACKETS=${BENCH_ROUTER_PACKETS:-10000000}
ROUTER_ROUNDS=${BENCH_ROUTER_ROUNDS:-3}
EAL="--no-huge -m 1024 -l 0-1 --no-pci"
NCPU=$(nproc 2>/dev/null || echo 1)
T_START=$(date +%s)

case $RUNS in '' | *[!0-9]* | 0) echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

log() { printf '[bench %4ss] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }

# have CMD: is an executable available (path or name)?
have() { [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; }

# item KEY ROUND TIMEOUT SIGNAL OK_RCS NEEDS CMD
#   Runs CMD (a bash string) under `timeout`, stdout to $RAW/KEY.ROUND.out, stderr to .err,
#   and records rc and seconds in .meta.  NEEDS lists executables that must exist; when one is
#   missing the run is recorded as skipped.  OK_RCS lists exit codes that count as success
#   (testpmd is stopped by its timeout, so 124 is success there).
item() {
	local key=$1 round=$2 tmo=$3 sig=$4 okrcs=$5 needs=$6 cmd=$7 n t0 rc
	grep -q "^$key	" "$RAW/commands.tsv" || printf '%s\t%s\n' "$key" "$cmd" >>"$RAW/commands.tsv"
	for n in $needs; do
		if ! have "$n"; then
			printf 'rc=skip\nsecs=0\nreason=%s not found\n' "$n" >"$RAW/$key.$round.meta"
			return 0
		fi
	done
	t0=$(date +%s.%N)
	timeout -s "$sig" -k 10 "$tmo" bash -c "$cmd" >"$RAW/$key.$round.out" 2>"$RAW/$key.$round.err" </dev/null
	rc=$?
	{
		echo "rc=$rc"
		echo "secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
		case " $okrcs " in
		*" $rc "*) echo "ok=1" ;;
		*) if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo "reason=timed out after ${tmo} s"
		   elif [ "$rc" = 77 ]; then echo "reason=skipped: $(head -c 200 "$RAW/$key.$round.err" | head -1)"
		   else echo "reason=exit code $rc"; fi ;;
		esac
	} >"$RAW/$key.$round.meta"
}

# run_all: every round, the callgrind runs and the machine description, into $RAW.
run_all() {
	rm -rf "$RAW"
	mkdir -p "$RAW"
	: >"$RAW/commands.tsv"
	log "runs=$RUNS packets=$PACKETS cpus=$NCPU build=$O raw=$RAW"
	for b in "$VNFDP" "$RSS" "$RING" "$DPEER" "$LPM" "$ROUTER"; do
		[ -x "$b" ] || log "warning: $b is not built (make all $RSS $RING $DPEER $LPM $ROUTER); its rows will be n/a"
	done
	cat /proc/loadavg >"$RAW/loadavg.start" 2>/dev/null

	VB="$VNFDP bench --packets $PACKETS --json"
	for r in $(seq 1 "$RUNS"); do
		log "round $r/$RUNS: Toeplitz (ours, rte_softrss)"
		item ours_rss "$r" 180 TERM 0 "$RSS" "$RSS"
		item peer_thash "$r" 240 TERM 0 dpdk-test \
			"echo thash_perf_autotest | dpdk-test $EAL --file-prefix vnfbench_thash"
		log "round $r/$RUNS: IPv4 LPM (ours and rte_lpm, same process)"
		item ours_lpm "$r" 120 TERM 0 "$LPM" "$LPM"
		log "round $r/$RUNS: hand-off (ours, rte_ring)"
		item ours_ring "$r" 240 TERM 0 "$RING" "$RING"
		item peer_ring "$r" 240 TERM 0 dpdk-test \
			"echo ring_perf_autotest | dpdk-test $EAL --file-prefix vnfbench_ring"
		log "round $r/$RUNS: sw mode lossless (ours, rte_distributor)"
		item ours_sw "$r" 120 TERM 0 "$VNFDP" "$VB --mode sw --lossless --workers 1 --io-cores 1"
		# Right after ours_sw (the autotest below runs for a minute or more): the same work on
		# DPDK, then once more with our hash in place of rte_softrss.
		item peer_same "$r" 180 TERM 0 "$DPEER" \
			"$DPEER $EAL --file-prefix vnfbench_dpeer -- --packets $PACKETS --json"
		item peer_same_ourhash "$r" 180 TERM 0 "$DPEER" \
			"$DPEER $EAL --file-prefix vnfbench_dpeer -- --packets $PACKETS --hash ours --json"
		item peer_dist "$r" 300 TERM 0 "dpdk-test stdbuf" \
			"echo distributor_perf_autotest | stdbuf -o0 dpdk-test $EAL --file-prefix vnfbench_dist"
		log "round $r/$RUNS: run to completion (ours, testpmd macswap)"
		item ours_rtc "$r" 120 TERM 0 "$VNFDP" "$VB --mode rtc --workers 1 --app echo"
		item peer_testpmd "$r" "$TPMD_SECS" INT "0 124 130" dpdk-testpmd \
			"dpdk-testpmd $EAL --file-prefix vnfbench_tpmd --vdev net_null0,copy=1 --vdev net_null1,copy=1 -- --forward-mode=macswap --nb-cores=1 --stats-period 1"
		# The router and, alternating with it in the same process, echo on the same frames.
		log "round $r/$RUNS: router, 1 024 routes (router_bench: router and echo, rtc and sw lossless)"
		item ours_router "$r" 300 TERM 0 "$ROUTER" \
			"$ROUTER --packets $ROUTER_PACKETS --rounds $ROUTER_ROUNDS --json"
		log "round $r/$RUNS: information lines (sw lossy, 2 workers)"
		item info_sw_lossy "$r" 120 TERM 0 "$VNFDP" "$VB --mode sw --workers 1"
		item info_rtc2 "$r" 120 TERM 0 "$VNFDP" "$VB --mode rtc --workers 2 --app echo"
		item info_sw2 "$r" 120 TERM 0 "$VNFDP" "$VB --mode sw --workers 2"
		if [ "$NCPU" -ge 3 ]; then
			item info_sw2_lossless "$r" 120 TERM 0 "$VNFDP" "$VB --mode sw --lossless --workers 2"
		else
			printf 'rc=skip\nsecs=0\nreason=needs 3 CPUs (RX thread + 2 workers); this machine has %s\n' \
				"$NCPU" >"$RAW/info_sw2_lossless.$r.meta"
		fi
	done

	# DPDK's own LPM benchmark, once: about 3.5 minutes, and a different workload (1 M routes, each
	# lookup's result feeds the next), so it is an external reference, not the ratio row.
	log "lpm_perf_autotest (once, about 3.5 minutes)"
	item peer_lpm 1 400 TERM 0 "dpdk-test stdbuf" \
		"echo lpm_perf_autotest | stdbuf -o0 dpdk-test $EAL --file-prefix vnfbench_lpm"

	# The kernel I/O path on veth (needs root, trafgen, dpdk-testpmd): its own rounds, its own raw
	# directory; a missing tool makes it print one line, which becomes the section's "not run".
	if [ "${BENCH_KPATH:-1}" = 1 ]; then
		log "kernel path on veth (bench/kernel_path.sh, about 5 minutes)"
		O="$O" KPATH_RAW="$RAW/kernel_path" KPATH_MD= bash bench/kernel_path.sh \
			>"$RAW/kernel_path.out" 2>"$RAW/kernel_path.err" </dev/null
		echo "$?" >"$RAW/kernel_path.rc"
		[ "$(cat "$RAW/kernel_path.rc")" = 0 ] ||
			log "kernel path: $(grep -v '^\[kpath' "$RAW/kernel_path.err" | tail -1)"
	fi

	# Instruction counts: callgrind serialises the threads, so one run each is enough (the counts
	# are deterministic up to the busy-wait, which the report separates).  --fair-sched=yes keeps a
	# spinning thread from starving the others under valgrind's big lock.
	if [ "$CALLGRIND" = 1 ]; then
		for mode in rtc sw peer; do
			case $mode in
			rtc) args="--mode rtc --workers 1 --app echo" ;;
			sw) args="--mode sw --lossless --workers 1 --io-cores 1" ;;
			esac
			for n in 20000 200000; do
				log "callgrind: $mode, $n packets"
				cg="valgrind --tool=callgrind --fair-sched=yes --dump-instr=yes --callgrind-out-file=$RAW/cg_${mode}_$n.callgrind"
				if [ "$mode" = peer ]; then
					# Both lcores of the same-work peer; no warm-up, so Ir(n) covers n packets.
					item "cg_${mode}_$n" 1 600 TERM 0 "valgrind $DPEER" \
						"$cg $DPEER $EAL --file-prefix vnfbench_dpeer_cg -- --packets $n --warmup 0 --json"
				else
					item "cg_${mode}_$n" 1 600 TERM 0 "valgrind $VNFDP" \
						"$cg $VNFDP bench $args --packets $n --no-pin --json"
				fi
			done
		done
		# LPM: one pass of each lookup loop over one address set (lpm_bench --callgrind); the
		# analysis divides each lookups_* function's inclusive Ir by its calls and 65 536 lookups.
		for set in uniform routed; do
			log "callgrind: LPM lookups, $set addresses"
			item "cg_lpm_$set" 1 600 TERM 0 "valgrind $LPM" \
				"valgrind --tool=callgrind --callgrind-out-file=$RAW/cg_lpm_$set.callgrind $LPM --callgrind $set"
		done
		# Router: one run of one variant (router_bench --callgrind, rtc), as for vnfdp bench:
		# Ir per packet = (Ir(200k) - Ir(20k)) / 180k, for the router and for echo on its frames.
		for app in router echo; do
			for n in 20000 200000; do
				key=cg_router_$n
				[ "$app" = echo ] && key=cg_router_echo_$n
				log "callgrind: router_bench, $app, $n packets"
				item "$key" 1 600 TERM 0 "valgrind $ROUTER" \
					"valgrind --tool=callgrind --fair-sched=yes --dump-instr=yes --callgrind-out-file=$RAW/$key.callgrind $ROUTER --callgrind --mode rtc --app $app --packets $n"
			done
		done
	fi
	cat /proc/loadavg >"$RAW/loadavg.end" 2>/dev/null

	# ---- machine description -------------------------------------------------------------------
	{
		echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
		echo "cpus=$NCPU"
		echo "hypervisor=$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p' | head -1)"
		echo "flags_gfni=$(grep -qw gfni /proc/cpuinfo && echo yes || echo no)"
		echo "kernel=$(uname -r)"
		echo "dpdk=$(dpkg-query -W -f='${Version}' dpdk-dev 2>/dev/null || echo 'not installed')"
		echo "valgrind=$(valgrind --version 2>/dev/null || echo 'not installed')"
		echo "cc=$(${CC:-cc} --version 2>/dev/null | head -1)"
		echo "git=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- dataplane bench 2>/dev/null || echo ' (with uncommitted changes)')"
		echo "hugepages=$(awk '/HugePages_Total/ { print $2 }' /proc/meminfo)"
		echo "elapsed=$(($(date +%s) - T_START))"
	} >"$RAW/machine.env"
}

if [ "${BENCH_ANALYSE_ONLY:-0}" = 1 ]; then
	[ -f "$RAW/machine.env" ] || { echo "run.sh: no raw results in $RAW" >&2; exit 2; }
	RUNS=$(ls "$RAW"/ours_rtc.*.meta 2>/dev/null | wc -l)
else
	run_all
fi

log "analysing"
RAW="$RAW" RUNS="$RUNS" PACKETS="$PACKETS" OUT_MD="$OUT_MD" O="$O" NCPU="$NCPU" \
	TPMD_SECS="$TPMD_SECS" python3 - <<'PY'
import collections, json, os, re, statistics, sys

RAW = os.environ["RAW"]; RUNS = int(os.environ["RUNS"]); PACKETS = int(os.environ["PACKETS"])
OUT_MD = os.environ["OUT_MD"]; O = os.environ["O"]; NCPU = int(os.environ["NCPU"])
TPMD_SECS = os.environ["TPMD_SECS"]


def readf(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def meta(key, r):
    m = {}
    for line in (readf(f"{RAW}/{key}.{r}.meta") or "reason=not run\n").splitlines():
        k, _, v = line.partition("=")
        m[k] = v
    return m


machine = dict(l.split("=", 1) for l in (readf(f"{RAW}/machine.env") or "").splitlines() if "=" in l)
commands = dict(l.split("\t", 1) for l in (readf(f"{RAW}/commands.tsv") or "").splitlines() if "\t" in l)

# ---- per-item parsers: text -> dict of metric -> value (raise/return {} when unparsable) ----


def p_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON object in output")


def p_vnfdp(text):
    d = p_json(text)
    el = d["elapsed_s"]
    return {
        "mpps": d["mpps"], "cycles_per_packet": d["cycles_per_packet"], "tsc_hz": d["tsc_hz"],
        "delivered_mpps": d["tx"] / el / 1e6 if el > 0 else None,
        "drop_pct": 100.0 * d["drops_total"] / d["rx"] if d["rx"] else None,
        "rx": d["rx"], "tx": d["tx"], "drops_total": d["drops_total"],
        "conserved": bool(d["conserved"]),
        "workers": [w.get("packets") for w in d.get("workers", [])],
    }


def p_dpeer(text):
    d = p_vnfdp(text)
    j = p_json(text)
    d["peer_checks"] = bool(j.get("hash_matches_ours") == j.get("hash_checked_flows")
                            and j.get("echo_selftest") and j.get("echo_checksum_ok"))
    return d


def p_thash(text):
    out = {}
    for fn, cyc, kl in re.findall(r"Average (rte_\w+(?:\(\))?) takes\s+([\d.]+) cycles for key len (\d+)", text):
        out[f"{fn.rstrip('()')}_len{kl}"] = float(cyc)
    if "rte_softrss_len12" not in out:
        raise ValueError("no 'rte_softrss() ... key len 12' line")
    return out


def p_ring(text):
    out = {}; section = None
    for line in text.splitlines():
        m = re.match(r"### (.*) ###", line.strip())
        if m:
            section = m.group(1); continue
        m = re.match(r"(legacy APIs|elem APIs: element size (\d+)B): (SP/SC|MP/MC): (single|burst|bulk)(?: \(size: (\d+)\))?: ([\d.]+)", line.strip())
        if m and section:
            api = "legacy" if m.group(1) == "legacy APIs" else f"elem{m.group(2)}"
            sec = {"Testing using two physical cores": "2core", "Testing bulk enq/deq": "1core_bulk",
                   "Testing burst enq/deq": "1core_burst"}.get(section)
            if sec:
                k = f"{sec}_{api}_{m.group(3).replace('/', '')}_{m.group(4)}{m.group(5) or ''}"
                out.setdefault(k, float(m.group(6)))
    if "2core_legacy_SPSC_bulk32" not in out:
        raise ValueError("no 'legacy APIs: SP/SC: bulk (size: 32)' row in the two-core section")
    return out


def p_dist(text):
    out = {}
    m = re.search(r"Ticks per iteration = (\d+)", text)
    if m:
        out["cacheline_ticks"] = float(m.group(1))
    for mode in ("single", "burst"):
        m = re.search(r"distributor \(%s mode\) ===\s*Time per burst:\s*(\d+)\s*Time per packet:\s*(\d+)(.*?)Perf test done" % mode, text, re.S)
        if not m:
            if mode == "burst":
                raise ValueError("no burst-mode 'Time per burst' line")
            continue
        tb = float(m.group(1)); tp = float(m.group(2))
        tot = re.search(r"Total packets: (\d+)", m.group(3))
        # The test sends 2^21 bursts (ITER_POWER 21) of BURST 64 packets; derive the burst size
        # from the total when printed, so Time per burst / burst keeps the decimals.
        burst = int(tot.group(1)) >> 21 if tot and int(tot.group(1)) >= (1 << 21) else 64
        out[f"{mode}_cycles_per_burst"] = tb
        out[f"{mode}_cycles_per_packet"] = tb / burst if burst else tp
        out[f"{mode}_printed_per_packet"] = tp
    return out


def p_testpmd(text):
    blocks = text.split("Port statistics ====")[1:]
    rates = []
    for b in blocks:
        rx = [int(x) for x in re.findall(r"Rx-pps:\s+(\d+)", b)]
        tx = [int(x) for x in re.findall(r"Tx-pps:\s+(\d+)", b)]
        if len(rx) >= 2 and sum(rx) > 0:
            rates.append((sum(rx), sum(tx)))
    # The first display is all zeros ("since last show"); drop the first non-zero period too
    # (start-up) when enough periods remain.
    steady = rates[1:] if len(rates) >= 4 else rates
    if len(steady) < 2:
        raise ValueError(f"only {len(rates)} non-zero stats periods printed (need 2)")
    return {"mpps": statistics.median(r[0] for r in steady) / 1e6,
            "tx_mpps": statistics.median(r[1] for r in steady) / 1e6,
            "periods": len(steady)}


def p_lpm(text):
    d = p_json(text)
    for k in ("ours_4k_burst_uniform_cycles", "ours_4k_uniform_cycles", "mismatches"):
        if k not in d:
            raise ValueError(f"no '{k}' in lpm_bench's JSON")
    return d


def p_lpm_autotest(text):
    out = {}
    for label, key in (("Average LPM Add", "add_cycles"), ("Average LPM Lookup", "lookup_cycles"),
                       ("BULK LPM Lookup", "bulk_cycles"), ("LPM LookupX4", "x4_cycles"),
                       ("Average LPM Delete", "delete_cycles")):
        m = re.search(re.escape(label) + r":\s*([\d.]+) cycles(?: \(fails = ([\d.]+)%\))?", text)
        if m:
            out[key] = float(m.group(1))
            if m.group(2) is not None:
                out[key.replace("cycles", "fails_pct")] = float(m.group(2))
    m = re.search(r"No\. routes = (\d+)", text)
    if m:
        out["routes"] = int(m.group(1))
    m = re.search(r"Unique added entries = (\d+)", text)
    if m:
        out["unique_routes"] = int(m.group(1))
    m = re.search(r"Used table 24 entries = (\d+) \(([\d.]+)%\)", text)
    if m:
        out["tbl24_used_pct"] = float(m.group(2))
    if "lookup_cycles" not in out:
        raise ValueError("no 'Average LPM Lookup: ... cycles' line")
    return out


def p_router(text):
    d = p_json(text)
    for k in ("rtc_router_mpps", "rtc_echo_mpps", "sw_router_mpps", "sw_echo_mpps", "ok"):
        if k not in d:
            raise ValueError(f"no '{k}' in router_bench's JSON")
    return d


PARSERS = {"ours_rss": p_json, "peer_thash": p_thash, "ours_lpm": p_lpm, "ours_ring": p_json,
           "peer_ring": p_ring,
           "ours_sw": p_vnfdp, "peer_dist": p_dist, "ours_rtc": p_vnfdp, "peer_testpmd": p_testpmd,
           "info_sw_lossy": p_vnfdp, "info_rtc2": p_vnfdp, "info_sw2": p_vnfdp,
           "info_sw2_lossless": p_vnfdp, "peer_same": p_dpeer, "peer_same_ourhash": p_dpeer,
           "peer_lpm": p_lpm_autotest, "ours_router": p_router}
ONCE = {"peer_lpm"}  # run once, after the rounds

results = {}   # key -> list of dicts (one per successful round), plus failure reasons
reasons = {}
secs = collections.defaultdict(float)
for key, parse in PARSERS.items():
    ok = []; why = []
    nruns = 1 if key in ONCE else RUNS
    for r in range(1, nruns + 1):
        m = meta(key, r)
        secs[key] += float(m.get("secs", 0) or 0)
        text = readf(f"{RAW}/{key}.{r}.out")
        parsed = None
        if text:
            try:
                parsed = parse(text)
            except Exception as e:  # noqa: BLE001 - any parse failure becomes n/a
                if not m.get("reason"):
                    m["reason"] = f"unparsable output: {e}"
        if parsed is not None and (m.get("ok") == "1" or key.startswith(("ours_", "info_"))):
            # vnfdp exits 1 when a run is not conserved: still a measurement, flagged below.
            if m.get("ok") != "1":
                parsed["rc_reason"] = m.get("reason", "")
            parsed["round"] = r
            ok.append(parsed)
        else:
            why.append(m.get("reason") or "no output")
    results[key] = ok
    if why:
        reasons[key] = collections.Counter(why).most_common(1)[0][0] + (
            f" ({len(why)}/{nruns} runs)" if ok else "")


def vals(key, metric):
    return [d[metric] for d in results.get(key, []) if isinstance(d.get(metric), (int, float)) and not isinstance(d.get(metric), bool)]


def stat(key, metric):
    v = vals(key, metric)
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def med(key, metric):
    s = stat(key, metric)
    return s["median"] if s else None


def na(key):
    return "n/a (" + reasons.get(key, "no data") + ")"


def fnum(x, nd=1):
    if x is None:
        return "n/a"
    return f"{x:,.{nd}f}" if abs(x) < 1e5 else f"{x:,.0f}"


tsc_hz = None
for k in ("ours_sw", "ours_rtc", "info_sw_lossy", "info_rtc2", "info_sw2"):
    tsc_hz = tsc_hz or med(k, "tsc_hz")


def paired(key_a, ma, key_b, mb, f):
    """per-round ratios f(a, b) for rounds where both sides succeeded."""
    a = {d["round"]: d.get(ma) for d in results.get(key_a, [])}
    b = {d["round"]: d.get(mb) for d in results.get(key_b, [])}
    out = [f(a[r], b[r]) for r in a if r in b and a[r] and b[r]]
    return (min(out), max(out)) if out else None


# ---- headline rows ---------------------------------------------------------------------------
rows = []


def row(name, ours, peer, ratio, ratio_rng, target, met, note="", plot=None):
    """plot: the row in docs/bench/ratios.svg: {label, sub, value (the ratio as a number),
    target (a ratio target, or None), target_text, kind ("self": not a peer comparison)}."""
    rows.append({"name": name, "ours": ours, "peer": peer, "ratio": ratio, "ratio_range": ratio_rng,
                 "target": target, "met": met, "note": note, "plot": plot})


def yn(b):
    return "n/a" if b is None else ("**yes**" if b else "**no**")


def rng(t, nd=2):
    return "" if not t else f" ({t[0]:.{nd}f}–{t[1]:.{nd}f})"


# 1. Toeplitz IPv4
o4 = med("ours_rss", "ipv4_4tuple_cycles"); p4 = med("peer_thash", "rte_softrss_len12")
bitexact_runs = [d.get("bitexact_rte_softrss") for d in results.get("ours_rss", [])]
bitexact = None if not bitexact_runs or any(b is None for b in bitexact_runs) else all(bitexact_runs)
ratio = p4 / o4 if o4 and p4 else None
row("Toeplitz IPv4 4-tuple, TSC cycles/hash",
    f"{fnum(o4)}" if o4 is not None else na("ours_rss"),
    f"{fnum(p4)} (rte_softrss, key len 12)" if p4 is not None else na("peer_thash"),
    f"{ratio:.1f}× faster" if ratio else "n/a",
    paired("peer_thash", "rte_softrss_len12", "ours_rss", "ipv4_4tuple_cycles", lambda a, b: a / b),
    "≤ 12 cycles, bit-exact with rte_softrss",
    None if o4 is None or bitexact is None else (o4 <= 12 and bitexact),
    "bit-exact: " + ("n/a (no rss_bench result)" if not bitexact_runs else
                     "n/a (rss_bench built without -DHAVE_DPDK)" if bitexact is None else
                     ("yes" if bitexact else "**NO**") + f", {len(bitexact_runs)}/{len(bitexact_runs)} runs checked "
                     f"{results['ours_rss'][0].get('tuples_checked', '?'):,} tuples each"
                     if bitexact_runs else "n/a"),
    plot={"label": "Toeplitz hash, IPv4 4-tuple", "sub": "vs rte_softrss · TSC cycles/hash", "value": ratio,
          "target_text": "target: ours ≤ 12 cycles/hash, bit-exact"})
# 2. Toeplitz IPv6
o6 = med("ours_rss", "ipv6_4tuple_cycles"); p6 = med("peer_thash", "rte_softrss_len36")
ratio = p6 / o6 if o6 and p6 else None
row("Toeplitz IPv6 4-tuple, TSC cycles/hash",
    fnum(o6) if o6 is not None else na("ours_rss"),
    f"{fnum(p6)} (rte_softrss, key len 36)" if p6 is not None else na("peer_thash"),
    f"{ratio:.1f}× faster" if ratio else "n/a",
    paired("peer_thash", "rte_softrss_len36", "ours_rss", "ipv6_4tuple_cycles", lambda a, b: a / b),
    "≤ 40 cycles", None if o6 is None else o6 <= 40,
    plot={"label": "Toeplitz hash, IPv6 4-tuple", "sub": "vs rte_softrss · TSC cycles/hash", "value": ratio,
          "target_text": "target: ours ≤ 40 cycles/hash"})
# 2b. IPv4 LPM (lpm_bench: ours and rte_lpm in the same process, same routes and addresses)
lpm_runs = results.get("ours_lpm", [])
lpm_bad = [(d["round"], d.get("mismatches")) for d in lpm_runs if d.get("mismatches") != 0]
lpm_nodpdk = bool(lpm_runs) and not any(d.get("rte_lpm") for d in lpm_runs)
lpm_thp = [d.get("thp_kib") for d in lpm_runs if isinstance(d.get("thp_kib"), int)]


def lpm_answers():
    if not lpm_runs:
        return "answers: n/a (no lpm_bench result)"
    if lpm_nodpdk:
        return "answers: not compared (lpm_bench built without -DHAVE_DPDK)"
    if lpm_bad:
        return ("answers: **MISMATCH** between the variants in round(s) " +
                ", ".join(f"{r} ({n} answers)" for r, n in lpm_bad))
    return ("answers: every variant (ours single and burst, huge and 4 KiB pages, rte_lpm single and "
            f"bulk) gave the same next hop for every address, {len(lpm_runs)}/{len(lpm_runs)} runs "
            f"checked {2 * lpm_runs[0].get('addresses', 0):,} addresses each")


def lpm_row(name, ours_m, thp_m, peer_m, peer_label, plot_label):
    o = med("ours_lpm", ours_m); t = med("ours_lpm", thp_m); pe = med("ours_lpm", peer_m)
    ratio = pe / o if o and pe else None
    thp = ("n/a" if t is None else f"{fnum(t, 2)} cycles" + (f", {pe / t:.2f}× rte_lpm" if pe and t else "")
           + (f"; AnonHugePages {lpm_thp[0] // 1024} MiB" if lpm_thp and lpm_thp[0] > 0 else
              "; no THP backing here (AnonHugePages 0), so this is 4 KiB pages too" if lpm_thp else ""))
    row(name,
        f"{fnum(o, 2)} (4 KiB pages)" if o is not None else na("ours_lpm"),
        f"{fnum(pe, 2)} ({peer_label}, same process, `--no-huge`)" if pe is not None else
        ("n/a (lpm_bench built without -DHAVE_DPDK)" if lpm_nodpdk else na("ours_lpm")),
        f"{ratio:.2f}× (rte_lpm/ours)" if ratio else "n/a",
        paired("ours_lpm", peer_m, "ours_lpm", ours_m, lambda a, b: a / b),
        "≥ 1.0× rte_lpm (issue 4)", None if ratio is None else (ratio >= 1.0 and not lpm_bad),
        "ratio = rte_lpm cycles / ours, both tables on 4 KiB pages (rte_lpm's is EAL memory under "
        f"`--no-huge`); information: ours with huge pages (lpm_create's THP mapping) {thp}; " + lpm_answers(),
        plot={"label": plot_label, "sub": f"vs {peer_label.split(',')[0]} · TSC cycles/lookup, 4 KiB pages",
              "value": ratio, "target": 1.0, "target_text": "target: ≥ 1.0× rte_lpm"})


lpm_row("IPv4 LPM lookup, burst, 1024 routes, uniform addresses, TSC cycles/lookup",
        "ours_4k_burst_uniform_cycles", "ours_burst_uniform_cycles", "rte_lpm_bulk_uniform_cycles",
        "rte_lpm_lookup_bulk, 32", "IPv4 LPM lookup, burst 32")
lpm_row("IPv4 LPM lookup, single, 1024 routes, uniform addresses, TSC cycles/lookup",
        "ours_4k_uniform_cycles", "ours_uniform_cycles", "rte_lpm_uniform_cycles", "rte_lpm_lookup",
        "IPv4 LPM lookup, single")
# 3. hand-off
oh = med("ours_ring", "ring_burst_spsc_cycles"); ph = med("peer_ring", "2core_legacy_SPSC_bulk32")
ratio = ph / oh if oh and ph else None
row("Cross-core hand-off, TSC cycles/packet (burst 32, 2 cores)",
    fnum(oh, 2) if oh is not None else na("ours_ring"),
    f"{fnum(ph, 2)} (rte_ring SP/SC bulk 32)" if ph is not None else na("peer_ring"),
    f"{ratio:.2f}× (peer/ours)" if ratio else "n/a",
    paired("peer_ring", "2core_legacy_SPSC_bulk32", "ours_ring", "ring_burst_spsc_cycles", lambda a, b: a / b),
    "≤ 13 cycles/packet", None if oh is None else oh <= 13,
    "ratio > 1 means ours is cheaper than rte_ring",
    plot={"label": "Cross-core hand-off, burst 32", "sub": "vs rte_ring SP/SC bulk · TSC cycles/packet",
          "value": ratio, "target_text": "target: ours ≤ 13 cycles/packet"})
# 4. sw mode vs distributor
osw = med("ours_sw", "mpps"); osw_c = med("ours_sw", "cycles_per_packet")
pd_c = med("peer_dist", "burst_cycles_per_packet")
pd_m = tsc_hz / pd_c / 1e6 if tsc_hz and pd_c else None
ratio = osw / pd_m if osw and pd_m else None
row("`sw` mode, 1 RX/TX core + 1 worker, lossless, Mpps",
    f"{fnum(osw, 2)} Mpps ({fnum(osw_c)} cycles/pkt)" if osw is not None else na("ours_sw"),
    f"{fnum(pd_m, 2)} Mpps ({fnum(pd_c)} cycles/pkt, rte_distributor burst)" if pd_m is not None else na("peer_dist"),
    f"{ratio:.2f}×" if ratio else "n/a",
    paired("peer_dist", "burst_cycles_per_packet", "ours_sw", "cycles_per_packet", lambda a, b: a / b),
    "≥ 1.3× distributor", None if ratio is None else ratio >= 1.3,
    "ratio = ours Mpps / peer Mpps = peer cycles per packet / ours; distributor_perf_autotest "
    "parses, hashes and touches nothing, so this peer is a lower bound of the distributor's cost",
    plot={"label": "sw mode, lossless, RX/TX + 1 worker", "sub": "vs rte_distributor autotest (no packet work) · Mpps",
          "value": ratio, "target": 1.3, "target_text": "target: ≥ 1.3× distributor"})
# 4b. sw mode vs the same-work DPDK peer
ps_m = med("peer_same", "mpps"); ps_c = med("peer_same", "cycles_per_packet")
ratio = osw / ps_m if osw and ps_m else None
row("`sw` mode vs a same-work DPDK peer, 1 RX/TX core + 1 worker, lossless, Mpps",
    f"{fnum(osw, 2)} Mpps ({fnum(osw_c)} cycles/pkt)" if osw is not None else na("ours_sw"),
    f"{fnum(ps_m, 2)} Mpps ({fnum(ps_c)} cycles/pkt, dist_peer_bench: mbufs, parse, rte_softrss, "
    "rte_distributor burst, echo)" if ps_m is not None else na("peer_same"),
    f"{ratio:.2f}×" if ratio else "n/a",
    paired("ours_sw", "mpps", "peer_same", "mpps", lambda a, b: a / b),
    "≥ 1.3× distributor", None if ratio is None else ratio >= 1.3,
    "ratio = ours Mpps / peer Mpps; both sides do the same work per packet",
    plot={"label": "sw mode, lossless, RX/TX + 1 worker", "sub": "vs same-work DPDK peer (dist_peer_bench) · Mpps",
          "value": ratio, "target": 1.3, "target_text": "target: ≥ 1.3× distributor"})
# 5. rtc vs testpmd
ort = med("ours_rtc", "mpps"); ort_c = med("ours_rtc", "cycles_per_packet"); pt = med("peer_testpmd", "mpps")
ratio = ort / pt if ort and pt else None
row("Run to completion, 1 core, echo (MAC/IP/port swap), Mpps",
    f"{fnum(ort, 2)} Mpps ({fnum(ort_c)} cycles/pkt)" if ort is not None else na("ours_rtc"),
    f"{fnum(pt, 2)} Mpps (testpmd macswap, net_null copy=1, 2 ports)" if pt is not None else na("peer_testpmd"),
    f"{ratio:.2f}×" if ratio else "n/a",
    paired("ours_rtc", "mpps", "peer_testpmd", "mpps", lambda a, b: a / b),
    "≥ 1.0× testpmd macswap", None if ratio is None else ratio >= 1.0,
    plot={"label": "Run to completion, echo, 1 core", "sub": "vs testpmd macswap, net_null · Mpps",
          "value": ratio, "target": 1.0, "target_text": "target: ≥ 1.0× testpmd"})

# 6. router (router_bench: the router and echo on the same frames, alternating in one process)
rt_runs = results.get("ours_router", [])
rt_bad = [(d["round"], d.get("first_problem") or d.get("rc_reason") or "?") for d in rt_runs if not d.get("ok")]


def router_checks():
    if not rt_runs:
        return "checks: n/a (no router_bench result)"
    if rt_bad:
        return "checks: **FAILED** in round(s) " + "; ".join(f"{r} ({w})" for r, w in rt_bad)
    d = rt_runs[0]
    return (f"checks: {len(rt_runs)}/{len(rt_runs)} router_bench runs passed (each: "
            f"{d.get('runs', '?')} engine runs conserved with tx = packets, no drops, no ARP request; "
            f"{d.get('checked_frames', 0):,} transmitted frames checked: TTL 63, IPv4 checksum, "
            "the MAC of the gateway a naive longest-prefix search picks; echo's: the swap)")


def router_row(mode, name, plot_label):
    o = med("ours_router", f"{mode}_router_mpps"); oc = med("ours_router", f"{mode}_router_cycles_per_packet")
    e = med("ours_router", f"{mode}_echo_mpps"); ec = med("ours_router", f"{mode}_echo_cycles_per_packet")
    ra = stat("ours_router", f"{mode}_ratio"); add = med("ours_router", f"{mode}_added_cycles")
    row(name,
        f"{fnum(o, 2)} Mpps ({fnum(oc)} cycles/pkt)" if o is not None else na("ours_router"),
        f"{fnum(e, 2)} Mpps ({fnum(ec)} cycles/pkt): echo on the same frames and engine settings, "
        "same process" if e is not None else na("ours_router"),
        f"{ra['median']:.2f}× (router/echo)" if ra else "n/a",
        (ra["min"], ra["max"]) if ra else None,
        "every packet forwarded, every checked frame right; no DESIGN.md §6 throughput target "
        "(for scale: 10G line rate is 14.88 Mpps)",
        None if not rt_runs else not rt_bad,
        "ratio = router Mpps / echo Mpps, median of router_bench's per-pair ratios; routing adds "
        f"{fnum(add)} TSC cycles/pkt (router − echo); " + router_checks(),
        plot={"label": plot_label, "sub": "router / echo, same engine (no peer) · Mpps",
              "value": ra["median"] if ra else None, "kind": "self",
              "target_text": "no throughput target"})


router_row("rtc", "Router, 1 024 routes, 1 024 flows, run to completion 1 core, Mpps", "Router, 1 024 routes, rtc 1 core")
router_row("sw", "Router, 1 024 routes, 1 024 flows, `sw` 1 RX/TX core + 1 worker, lossless, Mpps",
           "Router, 1 024 routes, sw lossless")

# ---- conservation / problems ---------------------------------------------------------------
problems = []
for key in PARSERS:
    if not key.startswith(("ours_sw", "ours_rtc", "info_")):
        continue
    bad = [d["round"] for d in results.get(key, []) if d.get("conserved") is False]
    if bad:
        problems.append(f"`{key}`: conserved=false in round(s) {bad}")
    rc = [d["round"] for d in results.get(key, []) if d.get("rc_reason")]
    if rc:
        problems.append(f"`{key}`: non-zero exit in round(s) {rc}")
for key, why in reasons.items():
    if key.startswith(("ours_", "info_")) and not why.startswith("needs 3 CPUs"):
        problems.append(f"`{key}`: {why}")
if lpm_bad:
    problems.append("`ours_lpm`: lpm_bench found answers that differ between its variants (ours single, "
                    "burst, 4 KiB, rte_lpm, rte_lpm bulk): " +
                    ", ".join(f"{n} mismatches in round {r}" for r, n in lpm_bad))
rc = [d["round"] for d in lpm_runs if d.get("rc_reason") and d.get("mismatches") == 0]
if rc:
    problems.append(f"`ours_lpm`: non-zero exit in round(s) {rc}")
for r, w in rt_bad:
    problems.append(f"`ours_router`: round {r}: {w}")
for key in ("peer_same", "peer_same_ourhash"):
    bad = [d["round"] for d in results.get(key, []) if not d.get("conserved") or not d.get("peer_checks")]
    if bad:
        problems.append(f"`{key}`: packets unaccounted for or a self-check failed in round(s) {bad}")
    if key in reasons:
        problems.append(f"`{key}`: {reasons[key]}")

# ---- callgrind -------------------------------------------------------------------------------


def cg_parse(path):
    """Per-instruction costs of a callgrind file written with --dump-instr=yes:
    returns (total Ir, {(fn, file, line, addr): Ir}); Ir of an instruction = times executed."""
    names = {}

    def nm(kind, s):
        m = re.match(r"\((\d+)\)(?: (.*))?$", s)
        if not m:
            return s
        k = (kind, m.group(1))
        if m.group(2) is not None:
            names[k] = m.group(2)
        return names.get(k, "?")

    def rel(tok, last):
        if tok == "*":
            return last
        if tok[0] in "+-":
            return last + int(tok, 0)
        return int(tok, 0)

    ins = collections.Counter(); total = None
    fl = fi = fn = ob = None; la = ll = 0; skip = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("summary:"):
                total = int(line.split()[1]); continue
            if line.startswith("ob="):
                ob = nm("o", line[3:]); continue
            if line.startswith("cob="):
                nm("o", line[4:]); continue
            if line.startswith("fl="):
                fl = fi = nm("f", line[3:]); continue
            if line.startswith(("fi=", "fe=")):
                fi = nm("f", line[3:]); continue
            if line.startswith("fn="):
                fn = nm("n", line[3:]); fi = fl; continue
            if line.startswith(("cfi=", "cfl=")):
                nm("f", line[4:]); continue
            if line.startswith("cfn="):
                nm("n", line[4:]); continue
            if line.startswith("calls="):
                skip = True; continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            p = line.split()
            a = rel(p[0], la); la = a
            if len(p) > 2:
                ll = rel(p[1], ll)
            if skip:
                skip = False; continue
            ins[(fn, fi, ll, a, ob)] += int(p[-1])
    if total is None:
        total = sum(ins.values())
    return total, ins


def find_wait_loop():
    """Source line of the lossless-mode wait loop (`while (... lossless ...)`) in dataplane/."""
    for root, _, files in os.walk("dataplane"):
        for fn in sorted(files):
            if fn.endswith(".c"):
                path = os.path.join(root, fn)
                for i, line in enumerate(readf(path).splitlines(), 1):
                    if re.search(r"\bwhile\s*\(.*lossless", line):
                        return path, i
    return None


def cg_analyse(mode, n_small, n_big, spin_obj=None):
    """spin_obj: count as busy-wait the instructions of that shared object (the DPDK peer's
    librte_distributor handshake loops) that ran more than 4 times per packet."""
    out = {"mode": mode}
    files = {n: f"{RAW}/cg_{mode}_{n}.callgrind" for n in (n_small, n_big)}
    parsed = {}
    for n, path in files.items():
        m = meta(f"cg_{mode}_{n}", 1)
        if not os.path.exists(path) or m.get("ok") != "1":
            out["error"] = f"callgrind run with {n} packets: " + (m.get("reason") or "no output")
            return out
        try:
            run = p_vnfdp(readf(f"{RAW}/cg_{mode}_{n}.1.out") or "")
            if run["tx"] + run["drops_total"] != n or not run["conserved"]:
                out.setdefault("warn", []).append(f"{n}-packet run: tx={run['tx']} drops={run['drops_total']} conserved={run['conserved']}")
        except Exception as e:  # noqa: BLE001
            out.setdefault("warn", []).append(f"{n}-packet run output unparsable: {e}")
        parsed[n] = cg_parse(path)
    wl = None if spin_obj else find_wait_loop()
    wait_fns = set()
    if wl:
        for total, ins in parsed.values():
            wait_fns |= {k[0] for k in ins if k[1] and k[1].endswith(wl[0]) and k[2] == wl[1]}

    def is_spin(k, v, n):
        if spin_obj:
            return v > 4 * n and spin_obj in (k[4] or "")
        # An instruction of the function holding the wait loop that ran more than 4 times per
        # packet: the busy-wait (failed enqueue attempts).  Real RX work runs about once per
        # packet or per burst (the Toeplitz hash is unrolled and lives in its own function).
        return k[0] in wait_fns and v > 4 * n
    spin = {}; spin_iters = {}
    for n, (total, ins) in parsed.items():
        sp = [v for k, v in ins.items() if is_spin(k, v, n)]
        spin[n] = sum(sp); spin_iters[n] = max(sp) if sp else 0
    tb, ib = parsed[n_big]; ts, is_ = parsed[n_small]
    d = n_big - n_small
    out["ir_total_big"] = tb; out["ir_total_small"] = ts
    out["ir_per_pkt_raw"] = tb / n_big
    out["ir_per_pkt"] = (tb - ts) / d
    out["spin_iters_per_pkt"] = spin_iters[n_big] / n_big
    if spin[n_big] or spin[n_small]:
        out["ir_per_pkt_excl_wait"] = ((tb - spin[n_big]) - (ts - spin[n_small])) / d
        out["wait_share"] = spin[n_big] / tb
        out["wait_loop"] = f"{wl[0]}:{wl[1]}" if wl else spin_obj

    def by_fn(ins, n):
        c = collections.Counter()
        for k, v in ins.items():
            if not is_spin(k, v, n):
                f = k[0]
                m = re.match(r"0x0*([0-9a-f]+)", f or "")
                if m and k[4]:
                    f = f"{os.path.basename(k[4]).split('.so')[0]}:0x{m.group(1)}"
                c[f] += v
        return c
    fb, fs = by_fn(ib, n_big), by_fn(is_, n_small)
    per_fn = {f: (fb[f] - fs.get(f, 0)) / d for f in fb}
    out["top_functions"] = sorted(((f, v) for f, v in per_fn.items() if v >= 0.5), key=lambda x: -x[1])[:12]
    return out


cg = []
if any(os.path.exists(f"{RAW}/cg_{m}_200000.1.meta") for m in ("rtc", "sw", "peer")):
    for mode in ("rtc", "sw", "peer"):
        if mode == "peer" and not os.path.exists(f"{RAW}/cg_peer_200000.1.meta"):
            continue
        try:
            cg.append(cg_analyse(mode, 20000, 200000, "librte_distributor" if mode == "peer" else None))
        except Exception as e:  # noqa: BLE001
            cg.append({"mode": mode, "error": f"analysis failed: {e}"})



def cg_inclusive(path, prefix):
    """Inclusive Ir and call count of every function whose name starts with prefix, from a
    callgrind file: its own cost lines plus the inclusive cost of the calls it makes."""
    names = {}

    def nm(s):
        m = re.match(r"\((\d+)\)(?: (.*))?$", s)
        if not m:
            return s
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "?")
    incl = collections.Counter(); calls = collections.Counter()
    fn = cfn = None; npos = 1
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("positions:"):
                npos = len(line.split()) - 1; continue
            if line.startswith("fn="):
                fn = nm(line[3:]); continue
            if line.startswith("cfn="):
                cfn = nm(line[4:]); continue
            if line.startswith("calls="):
                calls[cfn] += int(line[6:].split()[0]); continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            if fn and fn.startswith(prefix):
                p = line.split()
                incl[fn] += int(p[npos]) if len(p) > npos else 0
    return {f: (incl[f], calls[f]) for f in incl}


# router_bench --callgrind (rtc): the router, and echo on the same frames.
for mode in ("router", "router_echo"):
    if os.path.exists(f"{RAW}/cg_{mode}_200000.1.meta"):
        try:
            cg.append(cg_analyse(mode, 20000, 200000))
        except Exception as e:  # noqa: BLE001
            cg.append({"mode": mode, "error": f"analysis failed: {e}"})
cg_by = {c["mode"]: c for c in cg}

cg_lpm = {}   # set -> {function: Ir per lookup} or {"error": why}
for lset in ("uniform", "routed"):
    m = meta(f"cg_lpm_{lset}", 1)
    path = f"{RAW}/cg_lpm_{lset}.callgrind"
    if not os.path.exists(f"{RAW}/cg_lpm_{lset}.1.meta"):
        continue
    if m.get("ok") != "1" or not os.path.exists(path):
        cg_lpm[lset] = {"error": m.get("reason") or "no output"}; continue
    try:
        per_call = p_json(readf(f"{RAW}/cg_lpm_{lset}.1.out") or "")["lookups_per_call"]
        fns = cg_inclusive(path, "lookups_")
        cg_lpm[lset] = {f: ir / (n * per_call) for f, (ir, n) in fns.items() if n}
        cg_lpm[lset]["_calls"] = {f: n for f, (ir, n) in fns.items()}
    except Exception as e:  # noqa: BLE001
        cg_lpm[lset] = {"error": f"analysis failed: {e}"}

# ---- information lines -----------------------------------------------------------------------
info = []


def info_line(key, label):
    if not results.get(key):
        info.append((label, na(key), "", "", "")); return
    m = stat(key, "mpps"); dm = stat(key, "delivered_mpps"); dp = stat(key, "drop_pct")
    w = [d["workers"] for d in results[key]]
    wmed = [int(statistics.median(x)) for x in zip(*w)] if w and all(len(x) == len(w[0]) for x in w) else []
    info.append((label,
                 f"{dm['median']:.2f} ({dm['min']:.2f}–{dm['max']:.2f})",
                 f"{m['median']:.2f} ({m['min']:.2f}–{m['max']:.2f})",
                 f"{dp['median']:.1f} %" if dp else "n/a",
                 ", ".join(f"{x:,}" for x in wmed)))


info_line("info_sw_lossy", "`sw`, 1 worker, not lossless (the default: queue, then drop)")
info_line("ours_sw", "`sw`, 1 worker, lossless (headline row)")
info_line("info_sw2", "`sw`, 2 workers, not lossless")
info_line("info_sw2_lossless", "`sw`, 2 workers, lossless")
info_line("ours_rtc", "`rtc`, 1 worker (headline row)")
info_line("info_rtc2", "`rtc`, 2 workers")
rtc1 = med("ours_rtc", "mpps"); rtc2 = med("info_rtc2", "mpps")
scaling = rtc2 / rtc1 if rtc1 and rtc2 else None

# ---- raw medians -----------------------------------------------------------------------------
RAWROWS = [
    ("ours_rss", "ipv4_4tuple_cycles", "ours: Toeplitz IPv4 4-tuple (40-byte key)", "cycles/hash"),
    ("ours_rss", "ipv4_4tuple_key52_cycles", "ours: Toeplitz IPv4 4-tuple (52-byte key)", "cycles/hash"),
    ("ours_rss", "ipv4_2tuple_cycles", "ours: Toeplitz IPv4 2-tuple", "cycles/hash"),
    ("ours_rss", "ipv6_4tuple_cycles", "ours: Toeplitz IPv6 4-tuple", "cycles/hash"),
    ("ours_rss", "ipv6_2tuple_cycles", "ours: Toeplitz IPv6 2-tuple", "cycles/hash"),
    ("ours_rss", "naive_ipv4_cycles", "ours: bit-by-bit Toeplitz IPv4 (reference)", "cycles/hash"),
    ("ours_rss", "rte_softrss_ipv4_cycles", "rte_softrss IPv4 timed inside rss_bench", "cycles/hash"),
    ("ours_rss", "rte_softrss_ipv6_cycles", "rte_softrss IPv6 timed inside rss_bench", "cycles/hash"),
    ("peer_thash", "rte_softrss_len8", "peer: rte_softrss, key len 8 (IPv4 2-tuple)", "cycles/hash"),
    ("peer_thash", "rte_softrss_len12", "peer: rte_softrss, key len 12 (IPv4 4-tuple)", "cycles/hash"),
    ("peer_thash", "rte_softrss_be_len12", "peer: rte_softrss_be, key len 12", "cycles/hash"),
    ("peer_thash", "rte_softrss_len36", "peer: rte_softrss, key len 36 (IPv6 4-tuple)", "cycles/hash"),
    ("peer_thash", "rte_softrss_be_len36", "peer: rte_softrss_be, key len 36", "cycles/hash"),
    ("peer_thash", "rte_thash_gfni_len12", "peer: rte_thash_gfni, key len 12", "cycles/hash"),
] + [
    ("ours_lpm", f"{v}_{lset}_cycles", f"{who}: IPv4 LPM, {what}, {lset} addresses", "cycles/lookup")
    for lset in ("uniform", "routed")
    for v, who, what in (("ours_4k_burst", "ours", "burst 32, 4 KiB pages"),
                         ("ours_burst", "ours", "burst 32, huge pages (THP)"),
                         ("rte_lpm_bulk", "rte_lpm", "rte_lpm_lookup_bulk 32 (+ success-bit conversion)"),
                         ("ours_4k", "ours", "single, 4 KiB pages"),
                         ("ours", "ours", "single, huge pages (THP)"),
                         ("rte_lpm", "rte_lpm", "rte_lpm_lookup"))
] + [
    ("peer_lpm", "lookup_cycles", "lpm_perf_autotest: Average LPM Lookup (1 M routes, once)", "cycles/lookup"),
    ("peer_lpm", "bulk_cycles", "lpm_perf_autotest: BULK LPM Lookup (once)", "cycles/lookup"),
    ("peer_lpm", "x4_cycles", "lpm_perf_autotest: LPM LookupX4 (once)", "cycles/lookup"),
    ("ours_ring", "ring_burst_spsc_cycles", "ours: burst SPSC ring, 2 cores, burst 32", "cycles/packet"),
    ("ours_ring", "ck_ring_burst_slot_cycles", "ck_ring SPSC, one 32-packet burst per slot", "cycles/packet"),
    ("ours_ring", "ck_ring_per_packet_cycles", "ck_ring SPSC, one pointer per slot", "cycles/packet"),
    ("peer_ring", "2core_legacy_SPSC_bulk32", "peer: rte_ring SP/SC bulk 32, 2 cores", "cycles/element"),
    ("peer_ring", "2core_legacy_SPSC_bulk8", "peer: rte_ring SP/SC bulk 8, 2 cores", "cycles/element"),
    ("peer_ring", "2core_legacy_MPMC_bulk32", "peer: rte_ring MP/MC bulk 32, 2 cores", "cycles/element"),
    ("peer_ring", "2core_elem16_SPSC_bulk32", "peer: rte_ring 16-byte elements SP/SC bulk 32, 2 cores", "cycles/element"),
    ("peer_ring", "1core_bulk_legacy_SPSC_bulk32", "peer: rte_ring SP/SC bulk 32, 1 core (22.11: per enqueue+dequeue pair of bursts)", "cycles/pair"),
    ("ours_sw", "mpps", "ours: sw lossless, 1 worker", "Mpps"),
    ("ours_sw", "cycles_per_packet", "ours: sw lossless, 1 worker", "cycles/packet"),
    ("peer_dist", "burst_cycles_per_packet", "peer: rte_distributor burst mode (time per burst / 64)", "cycles/packet"),
    ("peer_dist", "burst_cycles_per_burst", "peer: rte_distributor burst mode, time per burst", "cycles/burst"),
    ("peer_dist", "single_cycles_per_packet", "peer: rte_distributor single mode", "cycles/packet"),
    ("peer_dist", "cacheline_ticks", "peer: distributor cache-line round trip", "ticks"),
    ("peer_same", "mpps", "peer: same-work dist_peer_bench (rte_softrss)", "Mpps"),
    ("peer_same", "cycles_per_packet", "peer: same-work dist_peer_bench (rte_softrss)", "cycles/packet"),
    ("peer_same_ourhash", "mpps", "peer: dist_peer_bench with our hash (--hash ours)", "Mpps"),
    ("peer_same_ourhash", "cycles_per_packet", "peer: dist_peer_bench with our hash (--hash ours)", "cycles/packet"),
    ("ours_rtc", "mpps", "ours: rtc echo, 1 worker", "Mpps"),
    ("ours_rtc", "cycles_per_packet", "ours: rtc echo, 1 worker", "cycles/packet"),
    ("peer_testpmd", "mpps", "peer: testpmd macswap, net_null copy=1, Rx-pps of both ports", "Mpps"),
    ("info_sw_lossy", "delivered_mpps", "ours: sw, not lossless, delivered (tx)", "Mpps"),
    ("info_sw_lossy", "mpps", "ours: sw, not lossless, offered (rx)", "Mpps"),
    ("info_sw_lossy", "drop_pct", "ours: sw, not lossless, dropped", "%"),
    ("info_sw2", "delivered_mpps", "ours: sw, 2 workers, not lossless, delivered", "Mpps"),
    ("info_sw2", "drop_pct", "ours: sw, 2 workers, not lossless, dropped", "%"),
    ("info_sw2_lossless", "mpps", "ours: sw, 2 workers, lossless", "Mpps"),
    ("info_rtc2", "mpps", "ours: rtc echo, 2 workers", "Mpps"),
] + [
    ("ours_router", f"{m}_{a}_{k}", f"ours: router_bench, {ml}, {a}" + (" on the router's frames" if a == "echo" else ""), u)
    for m, ml in (("rtc", "rtc 1 worker"), ("sw", "sw lossless 1 worker"))
    for a in ("router", "echo")
    for k, u in (("mpps", "Mpps"), ("cycles_per_packet", "cycles/packet"))
] + [
    ("ours_router", "rtc_ratio", "ours: router_bench, rtc, router/echo", "ratio"),
    ("ours_router", "sw_ratio", "ours: router_bench, sw, router/echo", "ratio"),
    ("ours_rtc", "tsc_hz", "TSC rate reported by vnfdp bench", "Hz"),
]
rawtab = []
for key, metric, label, unit in RAWROWS:
    s = stat(key, metric)
    if s is None:
        if key == "peer_thash" and "gfni" in metric:
            continue  # Debian's librte_hash is built without GFNI: the autotest skips these rows
        rawtab.append((label, unit, na(key), "", "", "0")); continue
    nd = 0 if unit == "Hz" else 2
    rawtab.append((label, unit, fnum(s["median"], nd), fnum(s["min"], nd), fnum(s["max"], nd),
                   f"{s['n']}/{1 if key in ONCE else RUNS}"))

# ---- noise flags -----------------------------------------------------------------------------
noisy = []
for key, metric, label in [("ours_sw", "mpps", "ours sw"), ("peer_dist", "burst_cycles_per_packet", "distributor"),
                           ("peer_same", "mpps", "same-work peer"),
                           ("ours_rtc", "mpps", "ours rtc"), ("peer_testpmd", "mpps", "testpmd"),
                           ("ours_ring", "ring_burst_spsc_cycles", "ours hand-off"),
                           ("ours_lpm", "ours_4k_burst_uniform_cycles", "ours LPM burst (4 KiB)"),
                           ("ours_lpm", "rte_lpm_bulk_uniform_cycles", "rte_lpm bulk"),
                           ("peer_ring", "2core_legacy_SPSC_bulk32", "rte_ring 2-core"),
                           ("ours_router", "rtc_router_mpps", "router rtc"),
                           ("ours_router", "sw_router_mpps", "router sw")]:
    s = stat(key, metric)
    if s and s["min"] > 0 and s["max"] / s["min"] > 1.3:
        noisy.append(f"{label}: max/min = {s['max'] / s['min']:.2f}")

# ---- output ----------------------------------------------------------------------------------
summary = {"machine": machine, "rows": rows, "reasons": reasons, "problems": problems,
           "callgrind": cg, "callgrind_lpm": cg_lpm, "info": info, "raw": rawtab, "seconds": dict(secs)}
with open(f"{RAW}/summary.json", "w") as f:
    json.dump(summary, f, indent=1, default=str)

print()
print(f"vnfdp benchmarks — {machine.get('date', '')} — {machine.get('model', '?')}, {NCPU} CPUs, "
      f"TSC {tsc_hz / 1e9:.3f} GHz" if tsc_hz else "TSC n/a")
print(f"{RUNS} rounds, medians (per-round ratio min–max); raw outputs in {RAW}/")
print()
w = max(len(r["name"]) for r in rows)
for r in rows:
    print(f"{r['name']:<{w}}  ours {r['ours']}")
    print(f"{'':<{w}}  peer {r['peer']}")
    print(f"{'':<{w}}  ratio {r['ratio']}{rng(r['ratio_range'])}  target {r['target']}  met: {yn(r['met']).strip('*')}"
          + (f"  [{r['note']}]" if r['note'] else ""))
print()
for c in cg:
    if "error" in c:
        print(f"instructions/packet, {c['mode']}: n/a ({c['error']})")
    else:
        s = f"instructions/packet, {c['mode']}: {c['ir_per_pkt']:.0f} (Ir(200k)−Ir(20k))/180k; {c['ir_per_pkt_raw']:.0f} Ir(200k)/200k"
        if "ir_per_pkt_excl_wait" in c:
            s += f"; {c['ir_per_pkt_excl_wait']:.0f} without the busy-wait ({100 * c['wait_share']:.0f} % of Ir)"
        print(s)
for lset, c in cg_lpm.items():
    if "error" in c:
        print(f"instructions/lookup, LPM {lset}: n/a ({c['error']})")
    else:
        print(f"instructions/lookup, LPM {lset}: " +
              ", ".join(f"{f} {v:.1f}" for f, v in sorted(c.items()) if not f.startswith("_")))
if results.get("peer_lpm"):
    d = results["peer_lpm"][0]
    print(f"lpm_perf_autotest (information): lookup {fnum(d.get('lookup_cycles'))}, bulk "
          f"{fnum(d.get('bulk_cycles'))}, x4 {fnum(d.get('x4_cycles'))} cycles")
elif "peer_lpm" in reasons:
    print(f"lpm_perf_autotest: {na('peer_lpm')}")
for label, dm, m, dp, wk in info:
    if not m:
        print(f"{label}: {dm}")
    else:
        print(f"{label}: delivered {dm} Mpps, offered {m} Mpps, dropped {dp}, per worker {wk}")
if scaling:
    print(f"rtc scaling 1 → 2 workers: {scaling:.2f}×")
if problems:
    print("\nPROBLEMS:"); [print("  - " + p) for p in problems]
if noisy:
    print("\nnoisy (max/min > 1.3): " + "; ".join(noisy))
kp_out = readf(f"{RAW}/kernel_path.out")
if kp_out:
    print(kp_out.rstrip().split("\nwrote ")[0])
print(f"\ntotal time {machine.get('elapsed', '?')} s")

if not OUT_MD:
    sys.exit(0)

# ---- plots: docs/bench/*.svg (bench/plots.py draws them; the input is saved as plots.json) ------
PLOT_DIR = os.path.join(os.path.dirname(OUT_MD) or ".", "bench")
PLOT_REL = os.path.basename(PLOT_DIR)


def plot_ratio_rows():
    return [dict(r["plot"], range=r["ratio_range"], met=r["met"]) for r in rows if r.get("plot")]


def per_round_values(key, metric):
    by = {d["round"]: d.get(metric) for d in results.get(key, [])}
    return [by.get(r) if isinstance(by.get(r), (int, float)) and not isinstance(by.get(r), bool) else None
            for r in range(1, RUNS + 1)]


PER_ROUND_PANELS = [
    ("Cross-core cache-line round trip (distributor autotest)", "TSC ticks",
     [("peer_dist", "cacheline_ticks", "round trip")]),
    ("Toeplitz hash, IPv4 4-tuple", "TSC cycles/hash",
     [("ours_rss", "ipv4_4tuple_cycles", "ours"), ("peer_thash", "rte_softrss_len12", "rte_softrss")]),
    ("IPv4 LPM, burst 32, uniform, 4 KiB pages", "TSC cycles/lookup",
     [("ours_lpm", "ours_4k_burst_uniform_cycles", "ours"),
      ("ours_lpm", "rte_lpm_bulk_uniform_cycles", "rte_lpm_lookup_bulk")]),
    ("IPv4 LPM, single, uniform, 4 KiB pages", "TSC cycles/lookup",
     [("ours_lpm", "ours_4k_uniform_cycles", "ours"), ("ours_lpm", "rte_lpm_uniform_cycles", "rte_lpm_lookup")]),
    ("Cross-core hand-off, burst 32", "TSC cycles/packet",
     [("ours_ring", "ring_burst_spsc_cycles", "ours"), ("peer_ring", "2core_legacy_SPSC_bulk32", "rte_ring SP/SC")]),
    ("sw mode, lossless, RX/TX + 1 worker", "TSC cycles/packet",
     [("ours_sw", "cycles_per_packet", "ours"), ("peer_dist", "burst_cycles_per_packet", "distributor"),
      ("peer_same", "cycles_per_packet", "same-work"), ("peer_same_ourhash", "cycles_per_packet", "same-work, our hash")]),
    ("Run to completion, echo, 1 core", "Mpps",
     [("ours_rtc", "mpps", "ours"), ("peer_testpmd", "mpps", "testpmd macswap")]),
    ("Router vs echo, same process (router_bench)", "Mpps",
     [("ours_router", "rtc_router_mpps", "router rtc"), ("ours_router", "rtc_echo_mpps", "echo rtc"),
      ("ours_router", "sw_router_mpps", "router sw"), ("ours_router", "sw_echo_mpps", "echo sw")]),
]


def plot_per_round():
    return {"rounds": RUNS, "panels": [
        {"title": title, "unit": unit,
         "series": [{"name": name, "values": per_round_values(key, metric)} for key, metric, name in series]}
        for title, unit, series in PER_ROUND_PANELS]}


CG_LABEL = {"rtc": "ours: rtc, 1 worker, echo", "sw": "ours: sw, lossless, 1 worker",
            "peer": "same-work DPDK peer (dist_peer_bench)",
            "router": "ours: rtc, router, 1 024 routes", "router_echo": "ours: rtc, echo on router frames"}


def plot_instructions():
    out = []
    for c in cg:
        total = c.get("ir_per_pkt_excl_wait", c.get("ir_per_pkt"))
        out.append({"label": CG_LABEL.get(c["mode"], c["mode"]), "error": c.get("error"), "total": total,
                    "wait": c["ir_per_pkt"] - total if "ir_per_pkt_excl_wait" in c else 0,
                    "functions": c.get("top_functions", [])})
    return out


def kp_label(name):
    words = {"vnfdp": "vnfdp", "testpmd": "testpmd", "kudp": "kernel UDP", "afxdp": "AF_XDP",
             "afpacket": "AF_PACKET", "sink": "sink", "echo": "echo"}
    return " ".join(words.get(w, w) for w in name.split("_"))


def kp_stat(runs, key, scale=1.0):
    v = [x[key] * scale for x in runs if isinstance(x.get(key), (int, float))]
    return [statistics.median(v), min(v), max(v)] if v else None


def plot_kernel_path():
    """The kernel-path numbers from bench/kernel_path.sh's summary.json, per load, in its order."""
    s = json.loads(readf(f"{RAW}/kernel_path/summary.json") or "{}")
    km = s.get("machine", {})
    titles = {"fixed": f"fixed {int(km.get('rate', 0)) / 1000:,.0f} kpps offered ({km.get('secs', '?')} s)",
              "max": f"unthrottled ({int(km.get('packets', 0)):,} frames)"}
    loads = []
    for load in (km.get("loads") or "fixed max").split():
        recv = []
        for k, runs in s.get("runs", {}).items():
            name, _, ld = k.rpartition(".")
            if ld != load:
                continue
            off = kp_stat(runs, "offered_pps", 1e-3)
            recv.append({"label": kp_label(name), "family": kp_label(name.split("_")[0]),
                         "offered": off[0] if off else None, "rx": kp_stat(runs, "rx_pps", 1e-3),
                         "cpu": kp_stat(runs, "proc_cpu")})
        loads.append({"title": titles.get(load, load), "receivers": recv})
    return {"loads": loads}


def plot_data():
    d = {"ratios": plot_ratio_rows(), "per_round": plot_per_round()}
    if cg:
        d["instructions"] = plot_instructions()
    if kp_rc == "0" and os.path.exists(f"{RAW}/kernel_path/summary.json"):
        d["kernel_path"] = plot_kernel_path()
    return d


kp_rc = (readf(f"{RAW}/kernel_path.rc") or "").strip()
plots_written = []
try:
    sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
    sys.path.insert(0, "bench")
    import plots  # noqa: E402 - bench/plots.py, next to this script
    pdata = plot_data()
    with open(f"{RAW}/plots.json", "w") as f:
        json.dump(pdata, f, indent=1)
    plots_written = plots.write_plots(pdata, PLOT_DIR)
    print(f"wrote {', '.join(os.path.join(PLOT_DIR, n) for n in plots_written)}")
except Exception as e:  # noqa: BLE001 - the tables are still written without the plots
    problems.append(f"plots: bench/plots.py failed: {e}")
    print(f"plots: bench/plots.py failed: {e}", file=sys.stderr)


def plot_embed(name, alt, caption, keep_old=False):
    """The image and its one-line caption, when the SVG was written in this run or, with
    keep_old (the kernel-path section kept from the old file), is there from an earlier run."""
    if name in plots_written or (keep_old and os.path.exists(os.path.join(PLOT_DIR, name))):
        A(f"![{alt}]({PLOT_REL}/{name})")
        A("")
        A(caption)
        A("")

# ---- docs/benchmarks.md ----------------------------------------------------------------------
def cmd(key):
    c = commands.get(key)
    return c if c else "(not run)"


la0 = (readf(f"{RAW}/loadavg.start") or "?").split()[:3]
la1 = (readf(f"{RAW}/loadavg.end") or "?").split()[:3]
L = []
A = L.append
A("# Benchmarks")
A("")
A("Generated by `make bench` (`O=build bash bench/run.sh`); do not edit by hand. Every item ran "
  f"once in each of {RUNS} rounds, ours next to its DPDK peer, so both sides see the "
  "same machine noise. Figures are medians; the ratio range in brackets is the lowest and "
  "highest per-round ratio. The plots (SVG files in "
  f"`{PLOT_DIR}/`, drawn by `bench/plots.py` from the same numbers in every run) show the ratios "
  "against the targets, every round's values, the instructions per packet and the kernel-path rates.")
A("")
A("## Machine")
A("")
A(f"- date: {machine.get('date', '?')}; total run time {machine.get('elapsed', '?')} s")
A(f"- CPU: {machine.get('model', '?')}, {NCPU} vCPUs ({machine.get('hypervisor') or 'no'} hypervisor), "
  f"TSC {tsc_hz / 1e9:.3f} GHz (the rate `vnfdp bench` measures; all cycle figures are TSC cycles)"
  if tsc_hz else f"- CPU: {machine.get('model', '?')}, {NCPU} vCPUs, TSC n/a")
A(f"- kernel {machine.get('kernel', '?')}; DPDK (dpdk-dev) {machine.get('dpdk', '?')}; {machine.get('valgrind', '?')}; {machine.get('cc', '?')}")
A(f"- source: {machine.get('git', '?')}; hugepages: {machine.get('hugepages', '?')} (DPDK runs with `--no-huge`)")
A(f"- load average at start {' '.join(la0)}, at end {' '.join(la1)} (other work on the machine shows here)")
A("")
A("## Results against the targets (DESIGN.md §6)")
A("")
A("| what | ours | peer, same run | ratio (per-round range) | target | met? |")
A("|---|---|---|---|---|---|")
for r in rows:
    note = f" — {r['note']}" if r["note"] else ""
    A(f"| {r['name']} | {r['ours']} | {r['peer']} | {r['ratio']}{rng(r['ratio_range'])} | {r['target']}{note} | {yn(r['met'])} |")
A("")
plot_embed("ratios.svg", "Ours vs the DPDK peer: median ratio per headline row with per-round range and target",
           "Each bar is a row of the table above: the median ratio of ours to the peer on a log scale "
           "(right of 1×: ours faster or cheaper), the whisker the lowest and highest per-round ratio, "
           "the dashed red line the target where it is a ratio (the Toeplitz and hand-off targets are "
           "absolute TSC cycles, written on the right); green met, red missed, grey: router/echo in "
           "the same engine, not a peer.")
A("### Instructions per packet (callgrind)")
A("")
if not cg:
    A("Not measured (BENCH_CALLGRIND=0 or valgrind missing).")
else:
    A("`valgrind --tool=callgrind` counts every instruction executed (Ir) by all threads; it runs "
      "the threads one at a time. Per packet = (Ir of a 200 000-packet run − Ir of a 20 000-packet "
      "run) / 180 000, which removes start-up and tear-down; the plain Ir/200 000 is shown too. "
      "valgrind runs DPDK's EAL (`--no-huge`) and the same-work peer without trouble; the peer's "
      "Ir(200k)/200k includes EAL start-up (memory set-up, driver loading), which the difference "
      "removes. Debian ships librte_distributor without symbols for its static functions, so they "
      "show as addresses.")
    A("")
    A("| mode | Ir/packet (200k − 20k) | Ir(200k)/200k | notes |")
    A("|---|---|---|---|")
    for c in cg:
        if "error" in c:
            A(f"| {c['mode']} | n/a | n/a | {c['error']} |"); continue
        notes = []
        v = f"{c['ir_per_pkt']:,.0f}"
        if "ir_per_pkt_excl_wait" in c:
            v = f"{c['ir_per_pkt_excl_wait']:,.0f} without the busy-wait; {c['ir_per_pkt']:,.0f} in all"
            if c["mode"] == "peer":
                notes.append(f"{100 * c['wait_share']:.0f} % of all Ir is the two lcores spinning in "
                             "librte_distributor's handshake loops (lcore 0 waiting in "
                             "rte_distributor_process for the worker's cache line, the worker in "
                             "rte_distributor_request_pkt/get_pkt for lcore 0's): under callgrind a "
                             "waiting thread spins until its time slice ends. Excluded: the "
                             "instructions of librte_distributor that ran more than 4 times per packet")
            else:
                notes.append(f"{100 * c['wait_share']:.0f} % of all Ir is the RX thread spinning in the "
                             f"lossless wait loop ({c['wait_loop']}, {c['spin_iters_per_pkt']:,.0f} "
                             "iterations per packet): under callgrind the waiting thread spins until "
                             "its time slice ends. Excluded: the instructions of the function holding "
                             "that loop that ran more than 4 times per packet")
        notes += c.get("warn", [])
        label = {"rtc": "`rtc`, 1 worker, echo", "sw": "`sw`, lossless, 1 worker",
                 "router": "`rtc`, 1 worker, router, 1 024 routes (`router_bench`)",
                 "router_echo": "`rtc`, 1 worker, echo on the router's frames (`router_bench`)",
                 "peer": "same-work DPDK peer (`dist_peer_bench`, both lcores)"}.get(c["mode"], c["mode"])
        A(f"| {label} | {v} | {c['ir_per_pkt_raw']:,.0f} | {'; '.join(notes)} |")
    A("")
    plot_embed("instructions.svg", "Instructions per packet by function, ours and the same-work DPDK peer",
               "Instructions (Ir) per packet from the table above, each bar split into its top "
               "functions (own instructions, inlined code counted in the caller) and the rest; `sw` "
               "and the same-work DPDK peer do the same work on two threads, and the peer's spinning "
               "in librte_distributor under callgrind is drawn apart (light grey).")
    for c in cg:
        if c.get("top_functions"):
            A(f"Top functions, `{c['mode']}` (Ir per packet, inlined code counted in its caller; "
              "busy-wait excluded): " +
              ", ".join(f"`{f}` {v:.0f}" for f, v in c["top_functions"]) + ".")
            A("")
A("### Delivered, dropped and 2-worker lines (information)")
A("")
A("| run | delivered Mpps (min–max) | offered (rx) Mpps | dropped | packets per worker (median) |")
A("|---|---|---|---|---|")
for label, dm, m, dp, wk in info:
    A(f"| {label} | {dm} | {m} | {dp} | {wk} |")
A("")
if scaling:
    A(f"`rtc` scaling from 1 to 2 workers: {scaling:.2f}× (2 workers use both vCPUs, the main thread sleeps).")
    A("")
lossy = stat("info_sw_lossy", "drop_pct")
cons = [d.get("conserved") for k in PARSERS if k.startswith(("ours_sw", "ours_rtc", "info_"))
        for d in results.get(k, [])]
A("On 2 vCPUs the `sw` 2-worker run puts the RX/TX thread and worker 1 on the same CPU (threads "
  "are pinned round-robin), so it shows oversubscription, not scaling. Without `--lossless` the RX "
  "thread never waits: what does not fit in a worker's ring and overflow queue is dropped and "
  "counted as `worker_ring_full`" +
  (f" ({lossy['median']:.1f} % with 1 worker, {lossy['min']:.1f}–{lossy['max']:.1f} % across rounds)." if lossy else ".") +
  (f" Every packet was accounted for (`conserved`) in all {len(cons)} `vnfdp bench` runs." if cons and all(cons) else
   " **Some runs were not conserved** (see Problems)." if cons else ""))
A("")
A("### IPv4 LPM lookup, all variants (information)")
A("")
A("`lpm_bench`: 1 024 routes, 64 Ki addresses per set, TSC cycles per lookup (throughput: independent "
  "lookups), ours and rte_lpm in the same process on the same routes and addresses. Each cell is the "
  f"median over the {RUNS} rounds of lpm_bench's own median of 7 timed runs of 40 passes each (lowest–highest round). "
  "\"uniform\" addresses are random 32-bit values (nearly every lookup misses the caches and the "
  "TLB); \"routed\" ones fall inside a random non-default route 90 % of the time. Ir/lookup from "
  "callgrind (`lpm_bench --callgrind uniform|routed`): inclusive Ir of each timed loop / (calls × "
  "65 536), including storing the result and mapping a miss to 0xffffffff; rte_lpm's bulk loop also "
  "converts the success bit, as its caller must.")
A("")
A("| addresses | lookup | ours, huge pages (THP) | ours, 4 KiB pages | rte_lpm (4 KiB, `--no-huge`) | "
  "rte_lpm / ours, 4 KiB (per-round range) | Ir/lookup ours | Ir/lookup rte_lpm |")
A("|---|---|---|---|---|---|---|---|")


def lpm_cell(metric, nd=2):
    st = stat("ours_lpm", metric)
    return "n/a" if st is None else f"{fnum(st['median'], nd)} ({fnum(st['min'], nd)}–{fnum(st['max'], nd)})"


for lset in ("uniform", "routed"):
    for kind, ov, pv, ofn, pfn, label in (
            ("burst", "ours_burst", "rte_lpm_bulk", "lookups_ours_burst", "lookups_rte_bulk",
             "burst 32: `lpm_lookup_burst` / `rte_lpm_lookup_bulk`"),
            ("single", "ours", "rte_lpm", "lookups_ours", "lookups_rte",
             "single: `lpm_lookup` / `rte_lpm_lookup`")):
        o4 = med("ours_lpm", f"{ov.replace('ours', 'ours_4k', 1)}_{lset}_cycles")
        pe = med("ours_lpm", f"{pv}_{lset}_cycles")
        rr = paired("ours_lpm", f"{pv}_{lset}_cycles", "ours_lpm",
                    f"{ov.replace('ours', 'ours_4k', 1)}_{lset}_cycles", lambda a, b: a / b)
        c = cg_lpm.get(lset, {})
        ir = lambda f: "n/a" if "error" in c or f not in c else f"{c[f]:.1f}"  # noqa: E731
        A(f"| {lset} | {label} | {lpm_cell(f'{ov}_{lset}_cycles')} | "
          f"{lpm_cell(ov.replace('ours', 'ours_4k', 1) + f'_{lset}_cycles')} | {lpm_cell(f'{pv}_{lset}_cycles')} | "
          + (f"{pe / o4:.2f}×{rng(rr)}" if o4 and pe else "n/a") + f" | {ir(ofn)} | {ir(pfn)} |")
A("")
lpm_notes = []
if lpm_runs:
    lpm_notes.append(f"Our table needed {lpm_runs[0].get('ours_tbl8_groups', '?')} tbl8 groups; "
                     + (f"AnonHugePages of the process: {lpm_thp[0] // 1024} MiB (THP backed our default table)."
                        if lpm_thp and lpm_thp[0] > 0 else
                        "AnonHugePages of the process: 0, so the \"huge pages\" column ran on 4 KiB pages too."
                        if lpm_thp else "AnonHugePages unknown."))
    lpm_notes.append(lpm_answers()[0].upper() + lpm_answers()[1:] + ".")
for lset, c in cg_lpm.items():
    if "error" in c:
        lpm_notes.append(f"callgrind, {lset}: n/a ({c['error']}).")
    elif c.get("_calls"):
        lpm_notes.append(f"callgrind, {lset}: calls per loop " +
                         ", ".join(f"`{f}` {n}" for f, n in sorted(c["_calls"].items())) + ".")
if lpm_notes:
    A(" ".join(lpm_notes))
    A("")
pl = results.get("peer_lpm", [])
if pl:
    d = pl[0]
    fails = d.get("lookup_fails_pct")
    A("DPDK's own benchmark, `lpm_perf_autotest` (run once, after the rounds): "
      + (f"{d['routes']:,} routes, " if d.get("routes") else "")
      + f"Average LPM Lookup {fnum(d.get('lookup_cycles'))} cycles, BULK LPM Lookup {fnum(d.get('bulk_cycles'))}, "
      f"LPM LookupX4 {fnum(d.get('x4_cycles'))}"
      + (f" (fails = {fails:.1f} %)" if fails is not None else "")
      + (f"; Average LPM Add {fnum(d.get('add_cycles'), 0)}, Delete {fnum(d.get('delete_cycles'), 0)} cycles"
         if d.get("add_cycles") else "")
      + ". It loads a BGP-like table of about a million routes and feeds each lookup's result into the "
      "next iteration, so it is closer to latency and touches far more tbl8 groups: information only, "
      "not comparable with the throughput rows above.")
else:
    A(f"DPDK's own benchmark, `lpm_perf_autotest`: {na('peer_lpm')}.")
A("")
A("### Router: 1 024 routes, 1 024 flows (information)")
A("")
A("`router_bench`: the router app and the echo app on the same frames, with the same configuration "
  "(our address, the routes, static ARP entries for the gateways) and engine settings, alternating "
  "in one process (router, echo, router, echo …), so router/echo and the cycle difference are what "
  "routing adds to the engine's own cost. Medians over the rounds of router_bench's own medians "
  "(lowest–highest round); Ir/packet from callgrind, `rtc` only (the router's work is the same in "
  "both modes).")
A("")
A("| mode | router, Mpps | echo, Mpps | router/echo | TSC cycles/pkt, router | echo | routing adds | "
  "Ir/pkt, router | echo | routing adds |")
A("|---|---|---|---|---|---|---|---|---|---|")


def rt_cell(metric, nd=2):
    st = stat("ours_router", metric)
    return "n/a" if st is None else f"{fnum(st['median'], nd)} ({fnum(st['min'], nd)}–{fnum(st['max'], nd)})"


for mode, label in (("rtc", "`rtc`, 1 worker"), ("sw", "`sw`, 1 RX/TX core + 1 worker, lossless")):
    ir = [None, None]
    if mode == "rtc":
        for i, k in enumerate(("router", "router_echo")):
            c = cg_by.get(k, {})
            ir[i] = c.get("ir_per_pkt_excl_wait", c.get("ir_per_pkt")) if "error" not in c else None
    A(f"| {label} | {rt_cell(f'{mode}_router_mpps')} | {rt_cell(f'{mode}_echo_mpps')} | "
      f"{rt_cell(f'{mode}_ratio')} | {fnum(med('ours_router', f'{mode}_router_cycles_per_packet'))} | "
      f"{fnum(med('ours_router', f'{mode}_echo_cycles_per_packet'))} | "
      f"{fnum(med('ours_router', f'{mode}_added_cycles'))} | "
      + (" | ".join(fnum(x, 0) for x in ir) + f" | {fnum(ir[0] - ir[1], 0)}" if all(ir) else
         "n/a | n/a | n/a" if mode == "rtc" else "— | — | —") + " |")
A("")
if rt_runs:
    d0 = rt_runs[0]
    lens = d0.get("route_lengths") or {}
    A(f"Table: {d0.get('routes', '?'):,} routes (prefix lengths: "
      + ", ".join(f"/{l} {n}" for l, n in sorted(lens.items(), key=lambda x: int(x[0])))
      + f"), {d0.get('gateways', '?')} gateways, all {d0.get('gateways_used', '?')} used; "
      f"{d0.get('flows_nested', '?')} of the {d0.get('flows', '?'):,} flows go to an address that more "
      f"than one route covers. Each router_bench run: {d0.get('rounds', '?')} router/echo pairs per mode "
      f"of {d0.get('packets', 0):,} packets. " + router_checks()[0].upper() + router_checks()[1:] + ".")
else:
    A(f"router_bench: {na('ours_router')}.")
A("")
A("### Per round")
A("")
A("The distributor's cache-line round trip (measured at the start of that test) indicates how "
  "expensive a cross-core transfer was in that round.")
A("")
PR = [("peer_dist", "cacheline_ticks", "cache-line round trip, ticks", 0),
      ("ours_ring", "ring_burst_spsc_cycles", "ours hand-off, cycles/pkt", 2),
      ("peer_ring", "2core_legacy_SPSC_bulk32", "rte_ring SP/SC bulk 32, cycles/elem", 2),
      ("ours_sw", "cycles_per_packet", "ours `sw` lossless, cycles/pkt", 1),
      ("peer_dist", "burst_cycles_per_packet", "distributor burst, cycles/pkt", 1),
      ("peer_same", "cycles_per_packet", "same-work peer, cycles/pkt", 1),
      ("peer_same_ourhash", "cycles_per_packet", "same-work peer, our hash, cycles/pkt", 1),
      ("ours_rtc", "mpps", "ours `rtc`, Mpps", 2),
      ("peer_testpmd", "mpps", "testpmd macswap, Mpps", 2),
      ("ours_rss", "ipv4_4tuple_cycles", "ours Toeplitz IPv4, cycles", 1),
      ("peer_thash", "rte_softrss_len12", "rte_softrss len 12, cycles", 1),
      ("ours_lpm", "ours_4k_burst_uniform_cycles", "ours LPM burst, 4 KiB, uniform, cycles", 2),
      ("ours_lpm", "rte_lpm_bulk_uniform_cycles", "rte_lpm bulk, uniform, cycles", 2),
      ("ours_lpm", "ours_4k_uniform_cycles", "ours LPM single, 4 KiB, uniform, cycles", 2),
      ("ours_lpm", "rte_lpm_uniform_cycles", "rte_lpm single, uniform, cycles", 2),
      ("ours_router", "rtc_router_mpps", "router `rtc`, Mpps", 2),
      ("ours_router", "rtc_ratio", "router/echo `rtc`", 2),
      ("ours_router", "sw_ratio", "router/echo `sw`", 2)]
A("| round | " + " | ".join(p[2] for p in PR) + " |")
A("|---|" + "---|" * len(PR))
for r in range(1, RUNS + 1):
    cells = []
    for key, metric, _, nd in PR:
        v = [d.get(metric) for d in results.get(key, []) if d["round"] == r]
        cells.append(fnum(v[0], nd) if v and isinstance(v[0], (int, float)) else "n/a")
    A(f"| {r} | " + " | ".join(cells) + " |")
A("")
plot_embed("per_round.svg", "Every round's values, ours next to its peer",
           f"The per-round table as bars (one group per round, rounds 1–{RUNS} left to right; TSC "
           "cycles, ticks or Mpps from 0): bars of one colour that differ between rounds are machine "
           "noise, and a round with a slow cache-line round trip (top left) is slow in every "
           "cross-core figure.")
# The kernel-path section (bench/kernel_path.sh writes it whole, between its markers).
kp_sec = readf(f"{RAW}/kernel_path/section.md")
kp_rc = (readf(f"{RAW}/kernel_path.rc") or "").strip()
KP_CAPTION = ("Received kpps (bar; black tick: what trafgen sent) and the receiver process's CPU in % "
              "of one CPU, median with min–max over the rounds, for every receiver and load of the "
              "kernel-path tables above: vnfdp blue, testpmd orange, the kernel's UDP stack grey.")
if kp_sec and kp_rc == "0":
    L.extend(kp_sec.rstrip("\n").split("\n"))
    A("")
    if "kernel_path.svg" in plots_written:
        A("### Kernel path, plotted")
        A("")
        plot_embed("kernel_path.svg", "Kernel I/O path on veth: received kpps and receiver CPU", KP_CAPTION)
elif kp_rc or kp_sec:
    why = [l for l in (readf(f"{RAW}/kernel_path.err") or "").splitlines() if l.strip() and not l.startswith("[kpath")]
    A("<!-- kernel-path:begin (written by bench/kernel_path.sh; make bench regenerates it) -->")
    A("## Kernel I/O path on veth: AF_XDP, AF_PACKET and the kernel's UDP stack")
    A("")
    A("Not run in this `make bench`: " + (f"`{why[-1]}`" if why else f"bench/kernel_path.sh exited with status {kp_rc or '?'}")
      + f" (raw output in `{RAW}/kernel_path.err`). Run it alone with `O={O} KPATH_MD=docs/benchmarks.md bash bench/kernel_path.sh`.")
    A("<!-- kernel-path:end -->")
    A("")
else:
    # Not run in this make bench (BENCH_KPATH=0): keep the section the file already has.
    old = readf(OUT_MD) or ""
    b = old.find("<!-- kernel-path:begin"); e = old.find("<!-- kernel-path:end -->")
    if b >= 0 and e > b:
        L.extend(old[b:e + len("<!-- kernel-path:end -->")].split("\n"))
        A("")
        if os.path.exists(os.path.join(PLOT_DIR, "kernel_path.svg")):
            A("### Kernel path, plotted")
            A("")
            plot_embed("kernel_path.svg", "Kernel I/O path on veth: received kpps and receiver CPU", KP_CAPTION,
                       keep_old=True)
A("## Raw medians")
A("")
A("| metric | unit | median | min | max | runs |")
A("|---|---|---|---|---|---|")
for t in rawtab:
    A("| " + " | ".join(t) + " |")
A("")
if problems or noisy:
    A("## Problems seen in this run")
    A("")
    for p in problems:
        A(f"- {p}")
    if noisy:
        A(f"- noisy items (max/min > 1.3 across rounds): {'; '.join(noisy)}")
    A("")
A("## Commands")
A("")
A(f"Each round runs these in this order (`{O}` is the build directory; DPDK gets both vCPUs with "
  "`-l 0-1`, main lcore 0 and one worker or forwarding lcore on 1, and a separate "
  "`--file-prefix` per test):")
A("")
A("```sh")
for key in ("ours_rss", "peer_thash", "ours_lpm", "ours_ring", "peer_ring", "ours_sw", "peer_dist",
            "peer_same", "peer_same_ourhash", "ours_rtc",
            "peer_testpmd", "ours_router", "info_sw_lossy", "info_rtc2", "info_sw2", "info_sw2_lossless",
            "peer_lpm"):
    if key == "peer_lpm":
        A("# once, after all rounds (about 3.5 minutes):")
    c = cmd(key)
    if c == "(not run)":
        A(f"# {key}: not run ({reasons.get(key, 'no data')})")
        continue
    if key == "peer_testpmd":
        c = f"timeout -s INT {TPMD_SECS} {c} </dev/null"
    A(c)
A("```")
A("")
A("testpmd prints `Rx-pps` for each of its two ports every second; the peer figure is the sum of "
  "both ports, median over the non-zero periods after the first (start-up). Instruction counts, "
  "once per mode:")
A("")
A("```sh")
for key in ("cg_rtc_20000", "cg_rtc_200000", "cg_sw_20000", "cg_sw_200000", "cg_peer_20000", "cg_peer_200000",
            "cg_lpm_uniform", "cg_lpm_routed", "cg_router_20000", "cg_router_200000",
            "cg_router_echo_20000", "cg_router_echo_200000"):
    if key in commands:
        A(commands[key])
A("```")
A("")
A("## What each peer measures, and caveats")
A("")
A("- **Machine noise.** This is a shared 2-vCPU VM: each benchmark thread competes with whatever "
  "else runs, and cross-core cache-line transfers cost hundreds of cycles (see the distributor's "
  "cache-line round trip above). Run-to-run spread of 10–50 % is normal; compare ratios from the "
  "same run rather than absolute figures across runs or machines.")
cl = stat("peer_dist", "cacheline_ticks")
if cl and cl["min"] > 0 and cl["max"] / cl["min"] > 1.5:
    A(f"- **vCPU placement.** The distributor's cache-line round trip ranged from {cl['min']:.0f} to "
      f"{cl['max']:.0f} ticks across rounds: the cost of moving a cache line between the two "
      "vCPUs is not stable on this VM (where the host runs them, and what else it runs, changes), "
      "so every cross-core figure (hand-off, `sw` mode, distributor, rte_ring two-core rows) is "
      "noisier than the single-core ones. Look at the per-round table and per-round ratios, not "
      "only the medians.")
A("- **TSC cycles are not core cycles.** Every cycle figure is wall-clock time at the TSC rate; "
  "the cores may run at another (turbo) clock, so instructions per packet divided by TSC cycles "
  "per packet is not the real IPC.")
A("- **Toeplitz.** `rss_bench` times our table-driven hash over 1 024 pre-generated tuples "
  "(throughput, median of 5 passes) and checks it bit for bit against `rte_softrss` (from "
  "`<rte_thash.h>`, same key) over a million random tuples. `thash_perf_autotest` times "
  "`rte_softrss` in a similar loop, 32 768 passes over 1 024 random tuples, with the same 40 key "
  "bytes. Debian builds "
  "librte_hash for `-march=corei7`, so the autotest skips its GFNI rows even on CPUs with GFNI.")
A("- **IPv4 LPM.** `lpm_bench` (bench/lpm_bench.c) builds our DIR-24-8 table (dataplane/lpm.c) and "
  "DPDK's `rte_lpm` from the same 1 024 routes (0/1 and 128/1 stand in for a default route, as "
  "rte_lpm has no /0; the rest random, mostly /16–/24) and times every variant once per pass over the "
  "same 64 Ki addresses (7 timed runs of 40 passes, median): ours single and burst 32 on the table as `lpm_create` maps "
  "it (MADV_HUGEPAGE, which THP backs when the kernel allows) and on a copy with MADV_NOHUGEPAGE, and "
  "`rte_lpm_lookup` and `rte_lpm_lookup_bulk` (32) on rte_lpm's table in EAL memory under `--no-huge` "
  "(4 KiB pages). The headline rows compare the 4 KiB figures, like for like; the huge-page figure "
  "is information. Before timing, the program checks that every variant gives the same next hop "
  "for all 131 072 addresses and exits 1 if not (shown under Problems). `lpm_perf_autotest` uses "
  "about a million routes and a dependent-lookup loop, so it is reported, not compared.")
A("- **Hand-off.** `ring_bench` moves packet pointers from CPU 0 to CPU 1 through our SPSC ring in "
  "bursts of 32 and divides by the element count. `ring_perf_autotest`'s two-core rows are cycles "
  "per element too (in DPDK 22.11; its single-core burst/bulk rows are per enqueue+dequeue pair of "
  "bursts, hence the separate unit above). Neither touches packet data.")
A("- **`sw` mode vs rte_distributor.** `vnfdp bench --mode sw --lossless` runs the real path on 2 "
  "threads: the RX/TX thread reads 64-byte UDP frames from the in-memory generator (a copy per "
  "frame), parses them, computes the Toeplitz hash, hands bursts to the worker over the SPSC ring; "
  "the worker runs the echo app (swaps MAC, IP and ports, so it writes every frame) and hands the "
  "frames back for TX. Cycles per packet are wall-clock TSC over all packets. "
  "`distributor_perf_autotest` (burst mode, 1 worker) sends the same 64 mbufs again and again with "
  "a precomputed `hash.usr`; its worker only counts them; nothing parses, hashes or writes packet "
  "data, and the timer stops when the last burst is handed over. `--lossless` makes our RX thread "
  "wait for ring space as the distributor does; without it we queue and then drop (`worker_ring_full`). "
  "So the autotest row is a lower bound of what the distributor alone costs, not a peer doing our work.")
A("- **`sw` mode vs the same-work DPDK peer.** `build/bench/dist_peer_bench` (bench/dist_peer_bench.c, "
  "built against Debian's libdpdk) runs our `sw` pipeline with DPDK's pieces on the same 2 lcores: "
  "lcore 0 allocates a burst of 32 mbufs from an `rte_mempool` (8 191 mbufs, per-lcore cache 256), "
  "copies our generator's frames into them (`rte_memcpy`; the frames are read from a libvnfdp "
  "in-memory port, so the bytes and the flow order are ours: 1 024 UDP flows, 64 bytes), parses "
  "them by hand with `rte_ether_hdr`/`rte_ipv4_hdr`/`rte_udp_hdr` and the checks our `pkt_parse` "
  "makes on that path (length, VLAN tags, IPv4 version, IHL, total length, fragment bits, UDP/TCP "
  "header against the payload), computes `rte_softrss` over the 4-tuple with our default key "
  "(0x6d5a repeated, 40 bytes) into `hash.usr`, calls `rte_distributor_process` (burst "
  "algorithm, 1 worker), takes `rte_distributor_returned_pkts` and \"transmits\" them: counts and "
  "`rte_pktmbuf_free_bulk` (our in-memory TX also only counts). The worker on lcore 1 loops on "
  "`rte_distributor_get_pkt` (up to 8 mbufs, one cache line, per call), swaps MACs, IPv4 addresses "
  "and ports and hands the frames back with its next call. Before timing, it checks that its "
  "`rte_softrss` equals our `rss_hash_frame` for every flow and that the echo swap is right; "
  "after, that sent = returned = transmitted = what the worker handled, that every mbuf is back in "
  "the pool, and that a sum over the echoed port words matches (the worker adds one 32-bit word "
  "per frame for that, which ours does not). Timing: 1 000 000 packets of warm-up, then "
  "`--packets` from the first allocation to the last free; ours is timed from thread start to the "
  "last TX (no warm-up; start-up is well under 1 ms of a run of about a second). What differs by "
  "design: the distributor hands over 8 packets per cache-line handshake and blocks lcore 0 in "
  "`rte_distributor_process` until the worker has taken the previous line (at most about 3 lines "
  "in flight), while our RX thread queues whole bursts in a 2 048-entry ring; rte_distributor "
  "also tracks in-flight flow tags to keep a flow on one worker, where ours uses a fixed RETA. "
  "The `--hash ours` run replaces `rte_softrss` with our table-driven hash (libvnfdp's "
  "`rss_hash_ipv4`) and changes nothing else, to show how much of the difference is the hash." +
  (lambda a, b, c: f" In this run: peer {a:.1f} cycles/pkt with rte_softrss, {b:.1f} with our hash, "
   f"ours {c:.1f}." if a and b and c else "")(med("peer_same", "cycles_per_packet"),
                                               med("peer_same_ourhash", "cycles_per_packet"),
                                               med("ours_sw", "cycles_per_packet")) +
  f" Reproduce: `make {O}/bench/dist_peer_bench` (needs dpdk-dev: `make deps-bench`), then "
  f"`{O}/bench/dist_peer_bench --no-huge -m 1024 -l 0-1 --no-pci --file-prefix x -- --packets 20000000` "
  "next to `vnfdp bench --mode sw --lossless --workers 1 --io-cores 1`. Built without libdpdk the "
  "program says so and exits 77, which shows here as n/a.")
A("- **Run to completion vs testpmd.** `vnfdp bench --mode rtc --workers 1` runs one thread: "
  "generator RX (a frame copy), parse, echo swap, TX. `dpdk-testpmd --forward-mode=macswap` on two "
  "`net_null,copy=1` ports runs one forwarding lcore that polls both ports; net_null copy=1 "
  "allocates an mbuf and copies a 64-byte frame into it on RX, testpmd swaps the MAC addresses "
  "only (no IP parse, no IP or port swap), and net_null copies the frame out and frees the mbuf on "
  "TX. Our in-memory backend copies once (RX); its TX only counts the frames, which then go back to "
  "our buffer pool. The peer figure is the sum of both ports, i.e. everything that one lcore forwards.")
A("- **Router.** `router_bench` (bench/router_bench.c) configures our address 192.168.0.1/24, 1 024 "
  "distinct random routes inside 16.0.0.0/4 (/8–/24, mostly /24 as in lpm_bench; they nest, so the "
  "longest match decides) via 16 gateways on that subnet, and a static ARP entry for each gateway, so "
  "every next hop resolves on the worker's lock-free ARP lookup and no ARP frame is sent. The traffic "
  "is 1 024 UDP flows of 64-byte frames (TTL 64, header checksum right), each to a random address "
  "inside a random route, which the in-memory port replays cyclically (`io_mem_load_frames`); a fixed "
  "seed makes table and frames the same in every run. Per packet the router checks the IPv4 header "
  "checksum, rejects local, broadcast and bad-source addresses, looks the destination up in the "
  "DIR-24-8 table and decrements the TTL with an incremental checksum update; the engine then looks "
  "the gateway up in the ARP table and writes both MACs. The peer is echo, the app of the rows above, "
  "on the same frames with the same configuration and engine settings, run alternately with the "
  "router in the same process; there is no DPDK peer (dpdk-dev installs no l3fwd). This echo runs "
  "with the router's configuration (the address turns on the engine's ARP and local-address stage) "
  "on frames loaded with `io_mem_load_frames`, so it is not the same run as the echo rows above: "
  "compare router with echo inside router_bench. Each run is timed as "
  "`vnfdp bench` times it (TSC and wall clock from `dist_start` until every packet has left). Checks: "
  "before timing, one 4 096-packet run per mode and app sends every frame through a TX hook that "
  "checks TTL 63, the IPv4 checksum, the destination MAC against the gateway that a naive "
  "longest-prefix search over the route list picks, the source MAC and the untouched bytes (echo: "
  "the swap); after every run the snapshot must be conserved with rx = tx = packets, no drops and no "
  "ARP request; the program exits 1 and names the first problem otherwise. Reproduce: "
  f"`make {O}/bench/router_bench && {O}/bench/router_bench` (5 pairs per mode of 10 M packets, "
  "10–15 s; `--mode rtc|sw`, `--packets N`, `--rounds N`, `--json` for the line run.sh reads; "
  "`--callgrind --mode rtc --app router|echo --packets N` for one run under valgrind).")
A("- **Instruction counts** are per packet of the whole process (all threads), independent of "
  "clock noise. The `sw` figure is the sum of the RX/TX thread and the worker, so it is comparable "
  "to two cores' work, not one; the same-work peer's is the sum of its two lcores.")
A("")
os.makedirs(os.path.dirname(OUT_MD) or ".", exist_ok=True)
with open(OUT_MD, "w") as f:
    f.write("\n".join(L))
print(f"wrote {OUT_MD}")
PY
rc=$?
log "done in $(($(date +%s) - T_START)) s"
exit $rc
