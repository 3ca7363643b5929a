#!/usr/bin/env python3
"""bench/plots.py — SVG plots of the benchmark results (docs/bench/*.svg).

bench/run.sh's analysis imports this module and calls write_plots(data, outdir) with the numbers
it has just put into docs/benchmarks.md; it also saves that input as $O/bench-raw/plots.json, so

    python3 bench/plots.py build/bench-raw/plots.json docs/bench

redraws the plots alone.  Plain SVG text, no plotting library: every coordinate is printed with one
decimal and nothing depends on the clock, so the same input gives byte-identical files.

Input (each key optional; a chart is written for each key present):
  ratios       [{label, sub, value, range: [lo, hi] | null, target: x | null, target_text, met,
                 kind: "peer" | "self"}]                                -> ratios.svg
  per_round    {rounds, panels: [{title, unit, series: [{name, values: [per round | null]}]}]}
                                                                         -> per_round.svg
  instructions [{label, total, wait, functions: [[name, Ir], ...], error}] -> instructions.svg
  kernel_path  {loads: [{title, receivers: [{label, family, offered, rx: [med, lo, hi],
                 cpu: [med, lo, hi]}]}]} | null                          -> kernel_path.svg
A value that is null is drawn as "n/a"; a chart whose data is null or empty says "n/a".
"""
import json
import math
import os
import sys
from xml.sax.saxutils import escape

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#222222"
GRID = "#dddddd"
MUTED = "#666666"
MET = "#3a7d44"
MISSED = "#c0392b"
NO_TARGET = "#5b7fa6"
SELF = "#9a9a9a"
TARGET = "#c0392b"
SERIES = ["#1f5fa8", "#e08a1e", "#7a5195", "#2a9d8f"]
FAMILY = {"vnfdp": "#1f5fa8", "testpmd": "#e08a1e", "kernel UDP": "#9a9a9a"}
# Function colours in instructions.svg: distinct hues first; a function beyond the list joins
# "other functions" rather than reuse a colour.
FUNCS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
         "#ff9da7", "#1b3a6b", "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d", "#499894", "#7f3c00"]
OTHER = "#c8c8c8"
CHAR_W = 0.6  # average glyph width as a fraction of the font size, to fit labels
QUOTE = {'"': "&quot;"}


def num(x):
    """A coordinate: fixed one decimal, so output does not depend on float repr."""
    return f"{x:.1f}"


def text_width(s, size):
    return len(s) * size * CHAR_W


class Canvas:
    """An SVG document built element by element; svg() returns its text."""

    def __init__(self, width, height, title):
        self.width = width
        self.height = height
        self.title = title
        self.parts = []

    def open_group(self, cls, label=None):
        attr = f' data-label="{escape(label, QUOTE)}"' if label else ""
        self.parts.append(f'<g class="{cls}"{attr}>')

    def close_group(self):
        self.parts.append("</g>")

    def rect(self, x, y, w, h, fill, cls=None, tip=None, stroke=None):
        a = f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" fill="{fill}"'
        if stroke:
            a += f' stroke="{stroke}" stroke-width="0.8"'
        if cls:
            a += f' class="{cls}"'
        self.parts.append(a + (f"><title>{escape(tip)}</title></rect>" if tip else "/>"))

    def line(self, x1, y1, x2, y2, stroke=INK, width=1.0, dash=None, cls=None):
        a = (f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
             f'stroke="{stroke}" stroke-width="{width:.1f}"')
        if dash:
            a += f' stroke-dasharray="{dash}"'
        if cls:
            a += f' class="{cls}"'
        self.parts.append(a + "/>")

    def text(self, x, y, s, size=12, anchor="start", fill=INK, bold=False, cls=None, rotate=False):
        a = f'<text x="{num(x)}" y="{num(y)}" font-size="{size}"'
        if anchor != "start":
            a += f' text-anchor="{anchor}"'
        if fill != INK:
            a += f' fill="{fill}"'
        if bold:
            a += ' font-weight="bold"'
        if cls:
            a += f' class="{cls}"'
        if rotate:
            a += f' transform="rotate(-90 {num(x)} {num(y)})"'
        self.parts.append(a + f">{escape(s)}</text>")

    def svg(self):
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}" font-family="{FONT}">')
        return "\n".join([head, f"<title>{escape(self.title)}</title>",
                          f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="#ffffff"/>']
                         + self.parts + ["</svg>", ""])


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def na_chart(title, why):
    """A small chart that only says the data is missing."""
    c = Canvas(720, 90, title)
    c.text(16, 30, title, 15, bold=True)
    c.text(16, 62, f"n/a: {why}", 13, fill=MUTED, cls="na")
    return c.svg()


def nice_step(span, n=5):
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw * 0.999:
            return m * mag
    return 10 * mag


def linear_ticks(vmax, n=5):
    """Ticks 0, step, ..., top with top >= vmax; a round step."""
    vmax = vmax if vmax > 0 else 1.0
    step = nice_step(vmax, n)
    count = math.ceil(vmax / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def tick_label(t, step):
    if step >= 1 and float(step).is_integer():
        return f"{t:,.0f}"
    if step >= 1:
        return f"{t:,.1f}"
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    if abs(step * 10 ** digits - round(step * 10 ** digits)) > 1e-6:
        digits += 1
    return f"{t:.{digits}f}"


def legend_swatch(c, x, y, color, label, kind="box"):
    """One legend entry at (x, y) (text baseline); returns the x after it."""
    if kind == "box":
        c.rect(x, y - 10, 12, 12, color)
    elif kind == "dash":
        c.line(x, y - 4, x + 14, y - 4, color, 2.0, "4 2")
    elif kind == "range":
        c.line(x, y - 4, x + 14, y - 4, color, 1.2)
        c.line(x, y - 8, x, y, color, 1.2)
        c.line(x + 14, y - 8, x + 14, y, color, 1.2)
    elif kind == "tick":
        c.line(x + 7, y - 11, x + 7, y + 1, color, 2.0)
    else:
        c.line(x, y - 4, x + 14, y - 4, color, 1.5)
    c.text(x + 18, y, label, 11)
    return x + 18 + text_width(label, 11) + 16


# ---- (a) ours vs peer: ratio per headline row, log scale ---------------------------------------

LBL_W = 330
PLOT_X0 = LBL_W
PLOT_X1 = LBL_W + 430


def ratio_domain(rows):
    """Powers of two around every value, range end and target, always including 0.5 and 2."""
    v = [1.0]
    for r in rows:
        v += [x for x in [r.get("value"), r.get("target")] + list(r.get("range") or []) if is_num(x) and x > 0]
    lo = 2.0 ** math.floor(math.log2(min(v) / 1.05))
    hi = 2.0 ** math.ceil(math.log2(max(v) * 1.05))
    return min(lo, 0.5), max(hi, 2.0)


def ratio_color(r):
    if r.get("kind") == "self":
        return SELF
    if r.get("met") is None:
        return NO_TARGET
    return MET if r["met"] else MISSED


def ratio_value_text(r):
    rg = r.get("range")
    s = f"{r['value']:.2f}×"
    return s + (f" ({rg[0]:.2f}–{rg[1]:.2f})" if rg and is_num(rg[0]) and is_num(rg[1]) else "")


def draw_ratio_row(c, r, y, xof, band):
    """One headline row: label, bar from 1× to the ratio, per-round range, target."""
    c.open_group("row", r.get("label", ""))
    c.text(LBL_W - 10, y + band / 2 - 2, r.get("label", ""), 12, "end")
    if r.get("sub"):
        c.text(LBL_W - 10, y + band / 2 + 11, r["sub"], 10, "end", MUTED)
    mid = y + band / 2
    v = r.get("value")
    if not is_num(v) or v <= 0:
        c.text(xof(1.0) + 6, mid + 4, "n/a", 11, fill=MUTED, cls="na")
    else:
        x0, x1 = sorted((xof(1.0), xof(v)))
        c.rect(x0, mid - 8, max(x1 - x0, 0.5), 16, ratio_color(r), "bar", f"{r.get('label', '')}: {ratio_value_text(r)}")
        rg = r.get("range")
        if rg and is_num(rg[0]) and is_num(rg[1]) and rg[0] > 0:
            a, b = xof(rg[0]), xof(rg[1])
            c.line(a, mid, b, mid, INK, 1.2, cls="range")
            c.line(a, mid - 5, a, mid + 5, INK, 1.2)
            c.line(b, mid - 5, b, mid + 5, INK, 1.2)
        c.text(PLOT_X1 + 10, mid - 1, ratio_value_text(r), 11)
    t = r.get("target")
    if is_num(t) and t > 0:
        c.line(xof(t), y + 2, xof(t), y + band - 2, TARGET, 2.0, "4 2", "target")
    if r.get("target_text"):
        c.text(PLOT_X1 + 10, mid + 12, r["target_text"], 10, fill=MUTED)
    c.close_group()


def ratio_chart(rows):
    title = "Ours vs the DPDK peer, per headline row (median ratio, per-round range, target)"
    if not rows:
        return na_chart(title, "no headline rows in this run")
    band, top = 38, 58
    lo, hi = ratio_domain(rows)
    span = math.log2(hi) - math.log2(lo)

    def xof(v):
        return PLOT_X0 + (math.log2(v) - math.log2(lo)) / span * (PLOT_X1 - PLOT_X0)

    ybot = top + band * len(rows)
    c = Canvas(PLOT_X1 + 230, ybot + 96, title)
    c.text(16, 24, title, 15, bold=True)
    c.text(16, 42, "bars start at 1× (parity); right of 1×: ours faster or cheaper; whiskers: lowest and "
           "highest per-round ratio", 11, fill=MUTED)
    k = lo
    while k <= hi * 1.0001:
        c.line(xof(k), top, xof(k), ybot, GRID if k != 1.0 else INK, 1.0 if k != 1.0 else 1.5,
               cls=None if k != 1.0 else "parity")
        c.text(xof(k), ybot + 16, (f"{k:g}×"), 11, "middle")
        k *= 2
    for i, r in enumerate(rows):
        draw_ratio_row(c, r, top + i * band, xof, band)
    c.text((PLOT_X0 + PLOT_X1) / 2, ybot + 36, "ratio, × (log scale; > 1: ours better)", 12, "middle")
    x = 16
    for color, label, kind in ratio_legend(rows):
        x = legend_swatch(c, x, ybot + 66, color, label, kind)
    return c.svg()


def ratio_legend(rows):
    """The legend entries of the colours and marks the rows use."""
    used = {ratio_color(r) for r in rows if is_num(r.get("value"))}
    out = [(col, label, "box") for col, label in ((MET, "target met"), (MISSED, "target missed"),
                                                 (NO_TARGET, "no pass/fail"), (SELF, "router / echo (no peer)"))
           if col in used]
    if any(r.get("range") for r in rows):
        out.append((INK, "per-round range", "range"))
    if any(is_num(r.get("target")) for r in rows):
        out.append((TARGET, "ratio target", "dash"))
    return out


# ---- (b) every round's value, small multiples ---------------------------------------------------

PANEL_W, PANEL_H = 470, 210


def draw_panel(c, p, rounds, ox, oy):
    """One metric group: grouped bars per round, one colour per series, y from 0 in the unit."""
    c.open_group("panel", p.get("title", ""))
    c.text(ox + 8, oy + 16, p.get("title", ""), 12, bold=True)
    series = p.get("series") or []
    x = ox + 8
    for i, s in enumerate(series):
        x = legend_swatch(c, x, oy + 33, SERIES[i % len(SERIES)], s.get("name", ""))
    px0, px1, py0, py1 = ox + 62, ox + PANEL_W - 12, oy + 44, oy + PANEL_H - 34
    vals = [v for s in series for v in s.get("values", []) if is_num(v)]
    c.text(ox + 14, (py0 + py1) / 2, p.get("unit", ""), 10, "middle", MUTED, rotate=True)
    if not vals or rounds <= 0:
        c.text((px0 + px1) / 2, (py0 + py1) / 2, "n/a (no data in this run)", 12, "middle", MUTED, cls="na")
        c.close_group()
        return
    ticks = linear_ticks(max(vals))
    top = ticks[-1]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else top

    def yof(v):
        return py1 - v / top * (py1 - py0)

    for t in ticks:
        c.line(px0, yof(t), px1, yof(t), GRID if t else INK, 1.0)
        c.text(px0 - 5, yof(t) + 4, tick_label(t, step), 10, "end")
    gw = (px1 - px0) / rounds
    bw = gw * 0.8 / max(len(series), 1)
    for r in range(rounds):
        gx = px0 + r * gw + gw * 0.1
        c.text(px0 + (r + 0.5) * gw, py1 + 15, f"{r + 1}", 10, "middle")
        for i, s in enumerate(series):
            v = (s.get("values") or [])[r] if r < len(s.get("values") or []) else None
            bx = gx + i * bw
            if is_num(v):
                c.rect(bx, yof(v), bw * 0.92, py1 - yof(v), SERIES[i % len(SERIES)], "bar",
                       f"round {r + 1}, {s.get('name', '')}: {v:,.2f} {p.get('unit', '')}")
            else:
                c.text(bx + bw / 2, py1 - 4, "n/a", 8, "middle", MUTED, cls="na", rotate=True)
    c.text((px0 + px1) / 2, py1 + 28, "round", 10, "middle", MUTED)
    c.close_group()


def per_round_chart(data):
    title = "Every round's value: ours next to its peer in the same round"
    panels = (data or {}).get("panels") or []
    rounds = int((data or {}).get("rounds") or 0)
    if not panels:
        return na_chart(title, "no per-round data in this run")
    cols = 2
    nrows = math.ceil(len(panels) / cols)
    c = Canvas(cols * PANEL_W + 20, nrows * PANEL_H + 56, title)
    c.text(16, 24, title, 15, bold=True)
    c.text(16, 42, "one group of bars per round, left to right; bars of unequal height within a series "
           "are machine noise between rounds", 11, fill=MUTED)
    for i, p in enumerate(panels):
        draw_panel(c, p, rounds, 10 + (i % cols) * PANEL_W, 52 + (i // cols) * PANEL_H)
    return c.svg()


# ---- (c) instructions per packet, stacked by function -----------------------------------------

IR_LBL_W = 300
IR_PLOT_W = 680
IR_TOP_FUNCS = 5


def function_colors(modes):
    """The same colour for the same function in every row, in order of first appearance; one
    colour per function (those beyond the palette are drawn as part of "other functions")."""
    colors = {}
    for m in modes:
        for name, _ in (m.get("functions") or [])[:IR_TOP_FUNCS]:
            if name not in colors and len(colors) < len(FUNCS):
                colors[name] = FUNCS[len(colors)]
    return colors


def ir_segments(m, colors):
    """(name, Ir, colour) of a row's stacked segments: its top functions, then the rest."""
    segs = [(n, v, colors[n]) for n, v in (m.get("functions") or [])[:IR_TOP_FUNCS]
            if n in colors and is_num(v) and v > 0]
    rest = m["total"] - sum(v for _, v, _ in segs)
    if rest > 0.5:
        segs.append(("other functions", rest, OTHER))
    return segs


def ink_on(color):
    """Black or white text, whichever reads on the fill colour."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def segment_label(name, v, w):
    """What fits inside a segment w wide: name and Ir, Ir alone, or nothing."""
    for s in (f"{name} {v:.0f}", f"{v:.0f}"):
        if text_width(s, 9) + 6 <= w:
            return s
    return ""


def draw_ir_row(c, m, y, xof, colors):
    c.open_group("row", m.get("label", ""))
    c.text(IR_LBL_W - 10, y + 14, m.get("label", ""), 12, "end")
    if m.get("error") or not is_num(m.get("total")):
        c.text(xof(0) + 6, y + 14, f"n/a ({m.get('error') or 'no data'})", 11, fill=MUTED, cls="na")
        c.close_group()
        return
    x = xof(0)
    for name, v, color in ir_segments(m, colors):
        w = xof(v) - xof(0)
        c.rect(x, y, w, 20, color, "seg", f"{m.get('label', '')}: {name} {v:,.1f} Ir/packet", "#ffffff")
        lab = segment_label(name, v, w)
        if lab:
            c.text(x + 3, y + 14, lab, 9, fill=ink_on(color))
        x += w
    c.text(x + 6, y + 14, f"{m['total']:,.0f} Ir/pkt", 11, bold=True)
    if is_num(m.get("wait")) and m["wait"] > 0.5:
        c.text(x + 6, y + 27, f"+ {m['wait']:,.0f} busy-wait under callgrind, not drawn", 9, fill=MUTED)
    c.close_group()


def instructions_chart(modes):
    title = "Instructions per packet (callgrind, all threads), split by function"
    ok = [m for m in modes or [] if not m.get("error") and is_num(m.get("total"))]
    if not modes:
        return na_chart(title, "callgrind not run (BENCH_CALLGRIND=0 or valgrind missing)")
    colors = function_colors(ok)
    vmax = max([m["total"] for m in ok] or [1.0])
    ticks = linear_ticks(vmax)
    top_v = ticks[-1]
    band, top = 32, 56

    def xof(v):
        return IR_LBL_W + v / top_v * IR_PLOT_W

    ybot = top + band * len(modes)
    legend = list(colors) + ["other functions"]
    per_line = 4
    c = Canvas(IR_LBL_W + IR_PLOT_W + 230, ybot + 60 + 18 * math.ceil(len(legend) / per_line), title)
    c.text(16, 24, title, 15, bold=True)
    c.text(16, 42, "(Ir of a 200 000-packet run − Ir of a 20 000-packet run) / 180 000; a function's own "
           "instructions, inlined code counted in its caller", 11, fill=MUTED)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else top_v
    for t in ticks:
        c.line(xof(t), top - 4, xof(t), ybot, GRID if t else INK, 1.0)
        c.text(xof(t), ybot + 14, tick_label(t, step), 10, "middle")
    c.text(xof(top_v / 2), ybot + 32, "instructions (Ir) per packet", 12, "middle")
    for i, m in enumerate(modes):
        draw_ir_row(c, m, top + i * band + 4, xof, colors)
    for i, name in enumerate(legend):
        legend_swatch(c, 16 + (i % per_line) * 300, ybot + 58 + 18 * (i // per_line), colors.get(name, OTHER), name)
    return c.svg()


# ---- (d) kernel I/O path on veth ---------------------------------------------------------------

KP_LBL_W = 190
KP_A_W = 330
KP_B_W = 250
KP_GAP = 60
KP_ROW = 20


def kp_bar(c, label, val, x0, y, xof, color, unit):
    """One horizontal bar with its min–max whisker; val = [median, lo, hi] or None."""
    if not val or not is_num(val[0]):
        c.text(x0 + 4, y + 13, "n/a", 10, fill=MUTED, cls="na")
        return
    c.rect(x0, y + 3, xof(val[0]) - x0, KP_ROW - 6, color, "bar", f"{label}: {val[0]:,.1f} {unit}")
    if len(val) == 3 and is_num(val[1]) and is_num(val[2]):
        a, b = xof(val[1]), xof(val[2])
        c.line(a, y + KP_ROW / 2, b, y + KP_ROW / 2, INK, 1.0, cls="range")
        c.line(a, y + 6, a, y + KP_ROW - 6, INK, 1.0)
        c.line(b, y + 6, b, y + KP_ROW - 6, INK, 1.0)


def kp_axis(c, x0, width, vmax, y0, y1, label, nticks=4):
    """Vertical grid and tick labels of one panel; returns its value -> x function."""
    ticks = linear_ticks(vmax, nticks)
    top = ticks[-1]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else top
    for t in ticks:
        x = x0 + t / top * width
        c.line(x, y0, x, y1, GRID if t else INK, 1.0)
        c.text(x, y1 + 13, tick_label(t, step), 10, "middle")
    c.text(x0 + width / 2, y1 + 28, label, 11, "middle")
    return lambda v: x0 + v / top * width


def draw_kp_load(c, load, oy, vmax_rx):
    """One offered load: received kpps (with trafgen's offered rate) and the receiver's CPU."""
    recv = load.get("receivers") or []
    c.open_group("load", load.get("title", ""))
    c.text(16, oy + 16, load.get("title", ""), 13, bold=True)
    y0, y1 = oy + 26, oy + 26 + KP_ROW * max(len(recv), 1)
    ax = KP_LBL_W
    bx = KP_LBL_W + KP_A_W + KP_GAP
    xa = kp_axis(c, ax, KP_A_W, vmax_rx, y0, y1, "received, kpps (64-byte frames)")
    cpus = [r["cpu"][2] for r in recv if r.get("cpu") and is_num(r["cpu"][-1])]
    xb = kp_axis(c, bx, KP_B_W, max(cpus + [100.0]), y0, y1, "receiver process CPU, % of one CPU", 5)
    if not recv:
        c.text(ax + 6, y0 + 14, "n/a (no receiver ran)", 11, fill=MUTED, cls="na")
    for i, r in enumerate(recv):
        y = y0 + i * KP_ROW
        color = FAMILY.get(r.get("family"), SELF)
        c.text(KP_LBL_W - 8, y + 14, r.get("label", ""), 11, "end")
        kp_bar(c, r.get("label", ""), r.get("rx"), ax, y, xa, color, "kpps received")
        if is_num(r.get("offered")):
            x = xa(r["offered"])
            c.line(x, y + 1, x, y + KP_ROW - 1, INK, 2.0, cls="offered")
        kp_bar(c, r.get("label", ""), r.get("cpu"), bx, y, xb, color, "% CPU")
    c.close_group()
    return y1 + 40


def kernel_path_chart(data):
    title = "Kernel I/O path on veth: received rate and receiver CPU (median, min–max over rounds)"
    loads = (data or {}).get("loads") or []
    if not loads:
        return na_chart(title, "the kernel-path comparison did not run (bench/kernel_path.sh)")
    vals = [v for ld in loads for r in ld.get("receivers") or []
            for v in list(r.get("rx") or []) + [r.get("offered")] if is_num(v)]
    vmax = max(vals + [1.0])
    height = 56 + sum(26 + KP_ROW * max(len(ld.get("receivers") or []), 1) + 40 for ld in loads) + 30
    c = Canvas(KP_LBL_W + KP_A_W + KP_GAP + KP_B_W + 30, height, title)
    c.text(16, 24, title, 15, bold=True)
    c.text(16, 42, "trafgen on CPU 0 offers the load (black tick: what it actually sent); the receiver "
           "runs on CPU 1", 11, fill=MUTED)
    y = 52
    for ld in loads:
        y = draw_kp_load(c, ld, y, vmax)
    x = 16
    for fam, color in FAMILY.items():
        x = legend_swatch(c, x, height - 12, color, fam)
    x = legend_swatch(c, x, height - 12, INK, "offered (sent by trafgen)", "tick")
    legend_swatch(c, x, height - 12, INK, "min–max over rounds", "range")
    return c.svg()


# ---- files --------------------------------------------------------------------------------------

CHARTS = {"ratios": ("ratios.svg", ratio_chart), "per_round": ("per_round.svg", per_round_chart),
          "instructions": ("instructions.svg", instructions_chart),
          "kernel_path": ("kernel_path.svg", kernel_path_chart)}


def write_plots(data, outdir):
    """Writes one SVG per chart key present in data into outdir; returns the file names."""
    os.makedirs(outdir, exist_ok=True)
    written = []
    for key, (name, draw) in CHARTS.items():
        if key not in data:
            continue
        with open(os.path.join(outdir, name), "w") as f:
            f.write(draw(data[key]))
        written.append(name)
    return written


def main(argv):
    if len(argv) != 3:
        print("usage: plots.py INPUT.json OUTDIR", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        data = json.load(f)
    for name in write_plots(data, argv[2]):
        print(os.path.join(argv[2], name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
