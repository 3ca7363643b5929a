#!/usr/bin/env bash
# The benchmark plots (bench/plots.py, called by bench/run.sh's analysis) on small fixtures made
# here, and the plots docs/benchmarks.md shows:
#   bench_plots.xml            every SVG parses as XML (xml.etree)
#   bench_plots.ratios         one bar per row with a ratio, bar length ∝ |log ratio| from 1×,
#                              whiskers and target marks, the labels; a row without a ratio says n/a
#   bench_plots.per_round      one bar per round and series, height ∝ value, the series names in the
#                              legend; a missing round and an empty panel say n/a
#   bench_plots.instructions   segment widths ∝ Ir per function, "other functions" = the rest,
#                              the busy-wait noted; a mode whose callgrind run failed says n/a
#   bench_plots.kernel_path    bar widths ∝ received kpps and CPU %; no kernel-path data says n/a
#   bench_plots.empty          empty or null inputs give "n/a" charts, not a crash
#   bench_plots.deterministic  the same input gives byte-identical files
#   bench_plots.analysis       bench/run.sh's analysis (BENCH_ANALYSE_ONLY) on a raw directory
#                              with one item writes the SVGs and embeds the ones it wrote
#   bench_plots.docs           every bench/*.svg that docs/benchmarks.md embeds is in the repo
#                              and parses
# Needs python3 only (no DPDK, no root, no build).
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   bench_plots.$1"; }
fail() {
	echo "FAIL bench_plots.$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/  /'
}

if ! command -v python3 >/dev/null; then
	echo "skip bench_plots (no python3)"
	exit 0
fi

cat >"$tmp/input.json" <<'EOF'
{
 "ratios": [
  {"label": "Alpha hash", "sub": "vs peer A · TSC cycles/hash", "value": 2.0, "range": [1.5, 2.5],
   "target_text": "target: ours ≤ 12 cycles", "met": true},
  {"label": "Beta lookup", "sub": "vs peer B", "value": 0.5, "range": [0.25, 1.0], "target": 1.0,
   "target_text": "target: ≥ 1.0×", "met": false},
  {"label": "Gamma mode", "sub": "vs peer C · Mpps", "value": 8.0, "range": null, "target": 1.3, "met": true},
  {"label": "Delta missing", "sub": "vs peer D", "value": null, "range": null, "met": null}
 ],
 "per_round": {"rounds": 3, "panels": [
  {"title": "Panel One", "unit": "TSC cycles/packet",
   "series": [{"name": "ours-series", "values": [10, 20, 40]}, {"name": "peer-series", "values": [30, null, 15]}]},
  {"title": "Panel Empty", "unit": "Mpps", "series": [{"name": "nothing", "values": [null, null, null]}]}
 ]},
 "instructions": [
  {"label": "ours: mode x", "total": 100, "wait": 0, "functions": [["fa", 60], ["fb", 30]]},
  {"label": "peer: mode y", "total": 200, "wait": 50, "functions": [["fc", 150]]},
  {"label": "ours: broken", "error": "callgrind run with 20000 packets: exit code 1", "total": null}
 ],
 "kernel_path": null
}
EOF
cat >"$tmp/kpath.json" <<'EOF'
{"kernel_path": {"loads": [{"title": "unthrottled", "receivers": [
  {"label": "vnfdp AF_XDP sink", "family": "vnfdp", "offered": 520, "rx": [500, 450, 530], "cpu": [80, 70, 90]},
  {"label": "testpmd AF_XDP rxonly", "family": "testpmd", "offered": 260, "rx": [250, 240, 255], "cpu": [100, 99, 101]},
  {"label": "kernel UDP sink", "family": "kernel UDP", "rx": null, "cpu": null}]}]}}
EOF
echo '{"ratios": [], "per_round": null, "instructions": [], "kernel_path": {"loads": []}}' >"$tmp/empty.json"

run_plots() { # input outdir
	python3 -B bench/plots.py "$1" "$2" >"$tmp/plots.out" 2>&1 || { cat "$tmp/plots.out"; return 1; }
}

if ! run_plots "$tmp/input.json" "$tmp/a" || ! run_plots "$tmp/kpath.json" "$tmp/k" ||
	! run_plots "$tmp/empty.json" "$tmp/e" || ! run_plots "$tmp/input.json" "$tmp/b"; then
	fail run "bench/plots.py failed: $(tail -3 "$tmp/plots.out")"
	exit 0
fi

if diff -r "$tmp/a" "$tmp/b" >/dev/null; then ok deterministic; else
	fail deterministic "two runs on the same input differ: $(diff -r "$tmp/a" "$tmp/b" | head -3)"
fi

# The checks on the drawn files; prints ok/FAIL lines itself.
python3 -B - "$tmp" <<'PY'
import math, os, sys
import xml.etree.ElementTree as ET

T = sys.argv[1]
NS = "{http://www.w3.org/2000/svg}"


def report(name, problems):
    if problems:
        print(f"FAIL bench_plots.{name}")
        for p in problems:
            print(f"  {p}")
    else:
        print(f"ok   bench_plots.{name}")


def load(path, problems):
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        problems.append(f"{path}: {e}")
        return None


def texts(root):
    return [t.text or "" for t in root.iter(NS + "text")]


def groups(root, cls):
    """{data-label: element} of the <g class=cls> groups."""
    return {g.get("data-label"): g for g in root.iter(NS + "g") if g.get("class") == cls}


def rects(el, cls):
    return [r for r in el.iter(NS + "rect") if r.get("class") == cls]


def proportional(pairs, what, problems, tol=0.15):
    """pairs of (drawn length, value): one scale for all, within rounding of one decimal."""
    pairs = [(d, v) for d, v in pairs if v]
    if not pairs:
        problems.append(f"{what}: nothing drawn")
        return
    k = pairs[0][0] / pairs[0][1]
    for d, v in pairs:
        if abs(d - k * v) > tol:
            problems.append(f"{what}: length {d} for value {v}, expected {k * v:.2f}")


# ---- xml --------------------------------------------------------------------------------------
xml_problems = []
docs = {}
for sub in ("a", "k", "e"):
    for name in sorted(os.listdir(os.path.join(T, sub))):
        docs[f"{sub}/{name}"] = load(os.path.join(T, sub, name), xml_problems)
expect = {"a/ratios.svg", "a/per_round.svg", "a/instructions.svg", "a/kernel_path.svg", "k/kernel_path.svg",
          "e/ratios.svg", "e/per_round.svg", "e/instructions.svg", "e/kernel_path.svg"}
if set(docs) != expect:
    xml_problems.append(f"files written: {sorted(docs)}, expected {sorted(expect)}")
report("xml", xml_problems)
if xml_problems:
    sys.exit(0)

# ---- ratios -----------------------------------------------------------------------------------
p = []
root = docs["a/ratios.svg"]
rows = groups(root, "row")
if list(rows) != ["Alpha hash", "Beta lookup", "Gamma mode", "Delta missing"]:
    p.append(f"rows {list(rows)}")
else:
    bars = {k: rects(g, "bar") for k, g in rows.items()}
    if [len(b) for b in bars.values()] != [1, 1, 1, 0]:
        p.append(f"bars per row {[len(b) for b in bars.values()]}, expected 1 1 1 0")
    else:
        vals = {"Alpha hash": 2.0, "Beta lookup": 0.5, "Gamma mode": 8.0}
        proportional([(float(bars[k][0].get("width")), abs(math.log2(v))) for k, v in vals.items()],
                     "ratio bar length vs |log2 ratio|", p)
        parity = [l for l in root.iter(NS + "line") if l.get("class") == "parity"]
        x1 = float(parity[0].get("x1")) if parity else None
        for k, v in vals.items():
            x = float(bars[k][0].get("x"))
            if x1 is None or (v > 1 and abs(x - x1) > 0.15) or (v < 1 and abs(x + float(bars[k][0].get("width")) - x1) > 0.15):
                p.append(f"{k}: the bar does not start at the 1× line")
    if not any("n/a" in t for t in texts(rows["Delta missing"])):
        p.append("the row without a ratio has no n/a note")
    nrange = sum(1 for l in root.iter(NS + "line") if l.get("class") == "range")
    ntarget = sum(1 for l in root.iter(NS + "line") if l.get("class") == "target")
    if (nrange, ntarget) != (2, 2):
        p.append(f"{nrange} range whiskers and {ntarget} target marks, expected 2 and 2")
    for want in ("Alpha hash", "vs peer A · TSC cycles/hash", "2.00× (1.50–2.50)", "0.50× (0.25–1.00)",
                 "target: ours ≤ 12 cycles", "target met", "target missed", "ratio target"):
        if want not in texts(root):
            p.append(f"no text {want!r}")
    if not any(t.startswith("ratio, × (log scale") for t in texts(root)):
        p.append("no axis title")
report("ratios", p)

# ---- per round --------------------------------------------------------------------------------
p = []
root = docs["a/per_round.svg"]
panels = groups(root, "panel")
one = panels.get("Panel One")
if one is None or "Panel Empty" not in panels:
    p.append(f"panels {list(panels)}")
else:
    bars = rects(one, "bar")
    if len(bars) != 5:
        p.append(f"{len(bars)} bars in Panel One, expected 5 (3 + 2, one round n/a)")
    else:
        vals = [10, 30, 20, 40, 15]  # round by round, series by series, skipping the null
        proportional([(float(b.get("height")), v) for b, v in zip(bars, vals)], "per-round bar height", p)
        bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars}
        if len(bottoms) != 1:
            p.append(f"bars do not share the zero line: {sorted(bottoms)}")
    for want in ("ours-series", "peer-series", "TSC cycles/packet", "round", "1", "2", "3"):
        if want not in texts(one):
            p.append(f"Panel One: no text {want!r}")
    if sum(1 for t in texts(one) if t == "n/a") != 1:
        p.append("Panel One: the missing round is not marked n/a once")
    if rects(panels["Panel Empty"], "bar") or not any(t.startswith("n/a") for t in texts(panels["Panel Empty"])):
        p.append("Panel Empty: bars drawn or no n/a note")
report("per_round", p)

# ---- instructions -----------------------------------------------------------------------------
p = []
root = docs["a/instructions.svg"]
rows = groups(root, "row")
segs = {k: [(r.find(NS + "title").text, float(r.get("width"))) for r in rects(g, "seg")] for k, g in rows.items()}
want = {"ours: mode x": [("fa", 60), ("fb", 30), ("other functions", 10)],
        "peer: mode y": [("fc", 150), ("other functions", 50)], "ours: broken": []}
got_names = {k: [t[len(k) + 2:].rsplit(" ", 2)[0] for t, _ in v] for k, v in segs.items()}
if got_names != {k: [n for n, _ in v] for k, v in want.items()}:
    p.append(f"segments {got_names}")
else:
    proportional([(w, v) for k in want for (_, w), (_, v) in zip(segs[k], want[k])], "segment width vs Ir", p)
if not any("n/a (callgrind run with 20000 packets" in t for t in texts(rows.get("ours: broken", root))):
    p.append("the failed mode has no n/a note")
for want_t in ("100 Ir/pkt", "200 Ir/pkt", "+ 50 busy-wait under callgrind, not drawn", "instructions (Ir) per packet",
               "fa", "fb", "fc", "other functions"):
    if want_t not in texts(root):
        p.append(f"no text {want_t!r}")
report("instructions", p)

# ---- kernel path ------------------------------------------------------------------------------
p = []
if not any(t.startswith("n/a") for t in texts(docs["a/kernel_path.svg"])):
    p.append("kernel_path null: no n/a note")
root = docs["k/kernel_path.svg"]
bars = [(r.find(NS + "title").text, float(r.get("width"))) for r in rects(root, "bar")]
rx = [(w, v) for (t, w), v in zip([b for b in bars if b[0].endswith("kpps received")], (500, 250))]
cpu = [(w, v) for (t, w), v in zip([b for b in bars if b[0].endswith("% CPU")], (80, 100))]
if len(bars) != 4:
    p.append(f"{len(bars)} bars, expected 4 (2 receivers × received and CPU; the third is n/a)")
else:
    proportional(rx, "received kpps bar width", p)
    proportional(cpu, "CPU bar width", p)
if sum(1 for t in texts(root) if t == "n/a") != 2:
    p.append("the receiver without data is not n/a in both panels")
for want_t in ("vnfdp AF_XDP sink", "testpmd AF_XDP rxonly", "kernel UDP sink", "unthrottled",
               "received, kpps (64-byte frames)", "receiver process CPU, % of one CPU"):
    if want_t not in texts(root):
        p.append(f"no text {want_t!r}")
if sum(1 for l in root.iter(NS + "line") if l.get("class") == "offered") != 2:
    p.append("not one offered-rate tick per receiver with an offered rate")
report("kernel_path", p)

# ---- empty inputs -----------------------------------------------------------------------------
p = []
for name in ("ratios.svg", "per_round.svg", "instructions.svg", "kernel_path.svg"):
    r = docs[f"e/{name}"]
    if rects(r, "bar") or rects(r, "seg") or not any(t.startswith("n/a") for t in texts(r)):
        p.append(f"{name}: bars drawn or no n/a note for empty input")
report("empty", p)
PY

# bench/run.sh's analysis on a raw directory holding one rtc round and nothing else.
mkdir -p "$tmp/o/bench-raw" "$tmp/o/docs"
printf 'date=2000-01-01 00:00 UTC\nmodel=fixture\ncpus=2\nelapsed=1\n' >"$tmp/o/bench-raw/machine.env"
printf 'rc=0\nsecs=1\nok=1\n' >"$tmp/o/bench-raw/ours_rtc.1.meta"
echo '{"elapsed_s": 0.5, "mpps": 40.0, "cycles_per_packet": 50.0, "tsc_hz": 2000000000.0, "rx": 20000000,
 "tx": 20000000, "drops_total": 0, "conserved": true, "workers": [{"packets": 20000000}]}' | tr -d '\n' \
	>"$tmp/o/bench-raw/ours_rtc.1.out"
if BENCH_ANALYSE_ONLY=1 O="$tmp/o" BENCH_MD="$tmp/o/docs/benchmarks.md" bash bench/run.sh >"$tmp/run.out" 2>&1; then
	python3 -B - "$tmp/o/docs" <<'PY'
import os, re, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
md = open(os.path.join(d, "benchmarks.md")).read()
refs = re.findall(r"!\[[^\]]*\]\((bench/[^)]+\.svg)\)", md)
p = []
if refs != ["bench/ratios.svg", "bench/per_round.svg"]:
    p.append(f"embedded {refs}, expected ratios and per_round (no callgrind, no kernel path in the fixture)")
for r in refs:
    try:
        ET.parse(os.path.join(d, r))
    except (ET.ParseError, OSError) as e:
        p.append(f"{r}: {e}")
nbars = open(os.path.join(d, "bench/per_round.svg")).read().count('class="bar"')
if nbars != 1:
    p.append(f"per_round.svg: {nbars} bars for one measured value")
print("FAIL bench_plots.analysis\n  " + "\n  ".join(p) if p else "ok   bench_plots.analysis")
PY
else
	fail analysis "bench/run.sh exited non-zero:" "$(tail -5 "$tmp/run.out")"
fi

# The plots docs/benchmarks.md embeds are committed next to it.
p=
for ref in $(grep -o '](bench/[^)]*\.svg)' docs/benchmarks.md | sed 's/^](//; s/)$//'); do
	f=docs/$ref
	if [ ! -f "$f" ]; then
		p="$p [$f: missing]"
	elif git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git ls-files --error-unmatch "$f" >/dev/null 2>&1; then
		p="$p [$f: not in git]"
	elif ! python3 -B -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$f" 2>/dev/null; then
		p="$p [$f: not well-formed XML]"
	fi
done
if [ -z "$p" ]; then ok docs; else fail docs "docs/benchmarks.md embeds:$p"; fi
