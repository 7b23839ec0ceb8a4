#!/usr/bin/python3
# bench/publish.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The one command that regenerates docs/performance.md, docs/performance.json
# and docs/performance.png (BENCH.md, "Publishing"). For every workload of
# `qsock-bench --list` it runs one `qsock-bench --compare WORKLOAD` invocation
# (with --instructions for the pingpongs and udp-flood), then tcp-pingpong
# --same-cpu with 0, 1 000 and 10 000 idle connections per side (--idle, one
# invocation each), keeps its markdown
# tables as printed and its --json runs, checks each BENCH.md target against
# the medians of those runs, adds the hand-written profile notes
# (bench/performance-notes.md) and draws the chart with bench/plot.py.
# A failed invocation does not stop the others; it is shown on the page and
# makes the exit status 1. Run with /usr/bin/python3 from anywhere:
#
#   meson setup build-bench --buildtype=release -Dbench_peers=true
#   meson compile -C build-bench
#   bench/publish.py build-bench [--runs R] [--quick] [--pin | --same-cpu]
#                    [--workloads a,b,c] [--notes FILE]
#
# --workloads re-runs only those workloads: the page keeps the other
# sections (and their JSON lines) from its previous run, and says so.

import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
PAGE = os.path.join(DOCS, "performance.md")
JSON_FILE = os.path.join(DOCS, "performance.json")
PNG = os.path.join(DOCS, "performance.png")
PLOT = os.path.join(ROOT, "bench", "plot.py")
DEFAULT_NOTES = os.path.join(ROOT, "bench", "performance-notes.md")
PYTHON = "/usr/bin/python3"

PINGPONGS = {"tcp-pingpong", "local-pingpong", "udp-pingpong", "tls-pingpong"}
INSTRUCTIONS = PINGPONGS | {"udp-flood"}

# --quick: reduced sizes per workload (the driver's defaults otherwise).
QUICK_SIZES = {
    "tcp-stream": ["--bytes", "256M"],
    "local-stream": ["--bytes", "256M"],
    "tcp-fanin": ["--bytes", "2M"],          # per connection, 100 connections
    "tcp-pingpong": ["--count", "20000"],
    "local-pingpong": ["--count", "20000"],
    "udp-pingpong": ["--count", "20000"],
    "udp-flood": ["--count", "200000"],
    "readline": ["--count", "200000"],
    "tcp-connections": ["--count", "2000"],  # hold phase: the default 1 000
    "tls-stream": ["--bytes", "256M"],
    "tls-pingpong": ["--count", "20000"],
    "tls-handshakes": ["--count", "500"],
}

# tcp-pingpong --same-cpu with N idle connections per side, for raw, qsock,
# gio and qt: (N, round trips, round trips with --quick). Each GLib source
# or Qt socket notifier costs every main-loop iteration time, so gio and qt
# need 4–70 ms per round trip at N = 10 000: the counts keep their runs
# under about a minute. The driver's default count at N = 0.
IDLE_IMPLS = "raw,qsock,gio,qt"
IDLE_COUNTS = [(0, None, "20000"), (1000, "10000", "2000"), (10000, "400", "100")]


def idle_key(n):
    """The name of the runs of tcp-pingpong --same-cpu with @n idle connections."""
    return "tcp-pingpong --same-cpu" + (f" --idle {n}" if n else "")


def run_name(run):
    """The group a --json run belongs to: its workload, and the options
    that make its runs a comparison of their own (bench/plot.py uses it)."""
    params = run.get("params", {})
    if run["workload"] == "tcp-pingpong" and params.get("same_cpu"):
        return idle_key(params.get("idle", 0))
    return run["workload"]


def rel(path):
    """@path relative to the source root when it lies inside it."""
    path = os.path.abspath(path)
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def fail(message):
    print("publish.py: " + message, file=sys.stderr)


# ---- running ---------------------------------------------------------------

class Invocation:
    def __init__(self, workload, argv, key=None):
        self.workload = workload
        self.key = key or workload   # its runs' run_name ()
        self.argv = argv
        self.stdout = ""
        self.stderr = []
        self.status = None
        self.seconds = 0.0
        self.kept = None    # --workloads: the section kept from the previous page

    @property
    def failed(self):
        return self.status != 0

    def command(self):
        return shlex.join(self.argv)


def run(inv):
    """Runs @inv from the source root; its stderr goes to ours as it comes
    (and is kept), its stdout (the tables) is captured."""
    start = datetime.datetime.now(datetime.timezone.utc)
    try:
        proc = subprocess.Popen(inv.argv, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    except OSError as e:
        inv.stderr.append(str(e))
        inv.status = 127
        return

    def pump():
        for line in proc.stderr:
            sys.stderr.write(line)
            inv.stderr.append(line.rstrip("\n"))

    reader = threading.Thread(target=pump)
    reader.start()
    inv.stdout = proc.stdout.read()
    reader.join()
    inv.status = proc.wait()
    inv.seconds = (datetime.datetime.now(datetime.timezone.utc) - start).total_seconds()


def run_shown(inv, label):
    """Runs @inv, saying so, and copies its tables to our stdout."""
    print(f"publish.py: [{label}] {inv.command()}", file=sys.stderr, flush=True)
    run(inv)
    sys.stdout.write(inv.stdout)
    sys.stdout.flush()
    if inv.failed:
        fail(f"FAILED: {inv.key}: exit status {inv.status}: {inv.command()}")
    return inv


def list_workloads(bench):
    out = subprocess.run([bench, "--list"], check=True, stdout=subprocess.PIPE, text=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


# ---- what the driver printed and wrote -------------------------------------

def parse_tables(stdout):
    """{table title: {impl: cells}} from qsock-bench's markdown tables, where
    cells are | impl | median | min | max | unit | × raw | × qt |."""
    tables, title = {}, None
    for line in stdout.splitlines():
        if line.startswith("### "):
            title = line[4:].strip()
            tables[title] = {}
        elif title and line.startswith("| ") and not line.startswith("| impl |"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and not set(cells[0]) <= {"-"}:
                tables[title][cells[0]] = cells[1:]
    return tables


def load_runs(path):
    runs = []
    if not os.path.exists(path):
        return runs
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                runs.append(json.loads(line))
    return runs


class Results:
    """Medians of the --json runs, with the tables as a fall-back for what
    the JSON does not hold (why a row is missing; udp-flood's instructions
    per datagram sent)."""

    def __init__(self, runs, invocations):
        self.runs = runs
        self.tables = {}
        self.invocations = {inv.key: inv for inv in invocations}
        for inv in invocations:
            # Titles as the runs' names: "tcp-pingpong --idle 1000" → inv.key.
            for title, rows in parse_tables(inv.stdout).items():
                suffix = title[len(title.split(":")[0]):]
                self.tables[inv.key + suffix] = rows

    def values(self, workload, impl, field="value"):
        """@field of @impl's runs in the group @workload (a run_name ())."""
        return [r[field] for r in self.runs
                if run_name(r) == workload and r["impl"] == impl and r.get(field) is not None]

    def median(self, workload, impl, field="value"):
        v = self.values(workload, impl, field)
        return statistics.median(v) if v else None

    def unit(self, workload):
        for r in self.runs:
            if run_name(r) == workload:
                return r["unit"]
        return ""

    def loss_pct(self, workload, impl):
        """udp-flood: median loss, from value × seconds = datagrams received."""
        losses = [max(0.0, 100.0 * (1 - r["value"] * r["seconds"] / r["params"]["count"]))
                  for r in self.runs
                  if run_name(r) == workload and r["impl"] == impl and r.get("seconds")]
        return statistics.median(losses) if losses else None

    def table_median(self, title, impl):
        cells = self.tables.get(title, {}).get(impl)
        try:
            return float(cells[0])
        except (TypeError, ValueError, IndexError):
            return None

    def why_missing(self, workload, impl):
        """Why @impl has no number on @workload."""
        base = workload.split(":")[0]
        cells = self.tables.get(workload, self.tables.get(base, {})).get(impl)
        if cells:
            return cells[0]  # "SKIP: …", "FAIL" or "—"
        inv = self.invocations.get(base)
        if inv is None:
            return "workload not run"
        if inv.failed:
            return f"invocation failed (exit status {inv.status})"
        return "not in the table"


# ---- targets ---------------------------------------------------------------

def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.2f}"


class Check:
    """One condition of a BENCH.md target: met, missed or not measured."""

    def __init__(self, target, condition, state, measured):
        self.target, self.condition, self.state, self.measured = target, condition, state, measured


def missing(res, needs):
    """"not measured" details, or None if every (workload, impl, value) is there."""
    gaps = [f"{impl}: {res.why_missing(w, impl)}" for w, impl, v in needs if v is None]
    return "; ".join(gaps) if gaps else None


def compare(res, target, workload, a, b, factor, strict):
    """@a's median ≥ (or >) @factor × @b's median on @workload."""
    va, vb = res.median(workload, a), res.median(workload, b)
    op = ">" if strict else "≥"
    cond = f"`{a}` {op} {'' if factor == 1 else f'{factor}× '}`{b}`"
    gap = missing(res, [(workload, a, va), (workload, b, vb)])
    if gap:
        return Check(target, cond, "not measured", gap)
    unit = res.unit(workload)
    extra = ""
    if workload == "udp-flood":
        extra = f" (loss {a} {fmt(res.loss_pct(workload, a))} %, {b} {fmt(res.loss_pct(workload, b))} %)"
    ratio = va / vb if vb else float("inf")
    ok = ratio > factor if strict else ratio >= factor
    return Check(target, cond, "met" if ok else "missed",
                 f"{a} {fmt(va)} / {b} {fmt(vb)} {unit} = {ratio:.3f}×{extra}")


def instr_compare(res, target, workload, a, b, factor):
    """@a's instructions per round trip ≤ @factor × @b's on @workload."""
    va, vb = (res.median(workload, i, "instructions") for i in (a, b))
    cond = f"`{a}` instr/rt ≤ {'' if factor == 1 else f'{factor}× '}`{b}`"
    gap = missing(res, [(workload, a, va), (workload, b, vb)])
    if gap:
        return Check(target, cond, "not measured", gap)
    ratio = va / vb if vb else float("inf")
    return Check(target, cond, "met" if ratio <= factor else "missed",
                 f"{a} {fmt(va)} / {b} {fmt(vb)} instr/rt = {ratio:.3f}× "
                 "(client, callgrind, JSON `instructions`)")


def at_most(res, target, workload, impl, what, value, limit, source):
    cond = f"`{impl}` {what} ≤ {fmt(limit)}"
    gap = missing(res, [(workload, impl, value)])
    if gap:
        return Check(target, cond, "not measured", gap)
    return Check(target, cond, "met" if value <= limit else "missed",
                 f"{impl} {fmt(value)} ({source})")


def own_idle_ratio(res, target):
    """qsock at 10 000 idle connections against itself at none: the one
    condition that takes two invocations (their counts differ)."""
    w0, w1 = idle_key(0), idle_key(10000)
    v0, v1 = res.median(w0, "qsock"), res.median(w1, "qsock")
    cond = "`qsock` --idle 10000 ≥ 0.8× `qsock` --idle 0"
    gap = missing(res, [(w0, "qsock", v0), (w1, "qsock", v1)])
    if gap:
        return Check(target, cond, "not measured", gap)
    ratio = v1 / v0
    return Check(target, cond, "met" if ratio >= 0.8 else "missed",
                 f"{fmt(v1)} / {fmt(v0)} rt/s = {ratio:.3f}× (two invocations)")


def targets(res):
    checks = []
    for w in ("tcp-stream", "local-stream"):
        t = f"{w}: ≥ 0.95× raw, ahead of qt and gio"
        checks += [compare(res, t, w, "qsock", "raw", 0.95, False),
                   compare(res, t, w, "qsock", "qt", 1, True),
                   compare(res, t, w, "qsock", "gio", 1, True)]
    for w in ("tcp-pingpong", "local-pingpong", "udp-pingpong"):
        t = f"{w}: ≥ 0.9× raw, ahead of qt and gio, ≤ 5 000 instr/rt"
        checks += [compare(res, t, w, "qsock", "raw", 0.9, False),
                   compare(res, t, w, "qsock", "qt", 1, True),
                   compare(res, t, w, "qsock", "gio", 1, True),
                   at_most(res, t, w, "qsock", "instructions per round trip",
                           res.median(w, "qsock", "instructions"), 5000,
                           "client, callgrind, JSON `instructions`")]
    w = "udp-flood"
    t = "udp-flood: ≥ qt, ≥ 0.95× raw; ≤ 450 instr/dgram each way (qsock+batch ≤ 200)"
    checks += [compare(res, t, w, "qsock", "qt", 1, False),
               compare(res, t, w, "qsock", "raw", 0.95, False)]
    for impl, limit in (("qsock", 450), ("qsock+batch", 200)):
        checks += [
            at_most(res, t, w, impl, "instructions per datagram received",
                    res.median(w, impl, "instructions"), limit,
                    "server, callgrind, JSON `instructions`"),
            at_most(res, t, w, impl, "instructions per datagram sent",
                    res.table_median("udp-flood:instr-sent", impl), limit,
                    "client, callgrind, table `udp-flood:instr-sent`")]
    t = "tcp-connections: conn/s ≥ qt; idle bytes/conn ≤ qt"
    checks.append(compare(res, t, "tcp-connections", "qsock", "qt", 1, False))
    idle = "tcp-connections:idle"
    vq, vt = res.median(idle, "qsock"), res.median(idle, "qt")
    gap = missing(res, [(idle, "qsock", vq), (idle, "qt", vt)])
    cond = "`qsock` bytes/conn ≤ `qt`"
    if gap:
        checks.append(Check(t, cond, "not measured", gap))
    else:
        checks.append(Check(t, cond, "met" if vq <= vt else "missed",
                            f"qsock {fmt(vq)} / qt {fmt(vt)} bytes/conn "
                            f"(server VmRSS delta, JSON `{idle}`)"))
    checks.append(compare(res, "readline: ≥ 1.5× qt", "readline", "qsock", "qt", 1.5, False))
    w = idle_key(0)
    t = "tcp-pingpong --same-cpu: ≥ 0.85× raw, ≥ 2× qt"
    checks += [compare(res, t, w, "qsock", "raw", 0.85, False),
               compare(res, t, w, "qsock", "qt", 2, False)]
    w = idle_key(10000)
    t = "tcp-pingpong --idle 10000 --same-cpu: ≥ 0.8× qsock's --idle 0, ≥ 10× qt"
    checks += [compare(res, t, w, "qsock", "qt", 10, False), own_idle_ratio(res, t)]
    t = "python-qsock ≥ pyqt"
    for w in ("tcp-stream", "local-stream", "tcp-pingpong", "local-pingpong"):
        c = compare(res, t, w, "python-qsock", "pyqt", 1, False)
        c.condition = f"{w}: {c.condition}"
        checks.append(c)
    w = "tls-stream"
    t = "tls-stream: ≥ 0.9× raw GnuTLS, ≥ gio"
    checks += [compare(res, t, w, "qsock", "raw", 0.9, False),
               compare(res, t, w, "qsock", "gio", 1, False)]
    w = "tls-pingpong"
    t = "tls-pingpong: ≤ ½ gio's and ≤ qt's instr/rt"
    checks += [instr_compare(res, t, w, "qsock", "gio", 0.5),
               instr_compare(res, t, w, "qsock", "qt", 1)]
    w = "tls-handshakes"
    t = "tls-handshakes: ≥ 0.9× raw, ≥ gio"
    checks += [compare(res, t, w, "qsock", "raw", 0.9, False),
               compare(res, t, w, "qsock", "gio", 1, False)]
    return checks


# ---- the page --------------------------------------------------------------

def previous_page():
    """--workloads: the sections of the page as it is, {workload: text},
    and its "Commit:" and "Date:" lines."""
    sections, header, name = {}, {}, None
    if not os.path.exists(PAGE):
        return sections, header
    with open(PAGE, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                name = line[3:].strip()
                sections[name] = ""
            if name is not None:
                sections[name] += line
            if line.startswith(("- Commit:", "- Date:")):
                key, value = line[2:].split(":", 1)
                header.setdefault(key, value.strip())
    return sections, header


def kept_invocation(workload, text):
    """A workload not re-run: its section as the previous page had it."""
    argv = []
    for line in text.splitlines():
        if line.startswith("`") and line.endswith("`"):
            argv = shlex.split(line.strip("`"))
            break
    inv = Invocation(workload, argv)
    inv.kept = text
    inv.stdout = text
    inv.status = 1 if "**This invocation failed" in text else 0
    return inv


def machine():
    cores = len(os.sched_getaffinity(0))
    mem = "? GiB"
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = "unknown OS"
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    system = shlex.split(line.strip().split("=", 1)[1])[0]
    except OSError:
        pass
    return f"{cores} cores, {mem} RAM (MemTotal), {system}, loopback"


def git_commit():
    """`git rev-parse --short HEAD`, with -dirty when tracked files other
    than this page's outputs and notes differ from it."""
    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], check=True,
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        changes = git("status", "--porcelain", "--untracked-files=no", "--", ".",
                      *(":!" + rel(p) for p in (PAGE, JSON_FILE, PNG, DEFAULT_NOTES)))
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + ("-dirty" if changes else "")


def size(n):
    """12345678 → "12345678 bytes (11.8 MiB)"."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n} bytes ({n / scale:g} {unit})"
    return f"{n} bytes"


def sizes_line(res, inv):
    """The exact sizes the runs of @inv used, from their JSON params."""
    workload = inv.workload
    params = next((r["params"] for r in res.runs if run_name(r) == inv.key), None)
    if params is None:
        return None
    p = params
    if workload in ("tcp-stream", "local-stream", "tls-stream"):
        s = f"{size(p['bytes'])} in {p['write_size']}-byte writes"
    elif workload == "tcp-fanin":
        s = f"{p['conns']} connections × {size(p['bytes'])} in {p['write_size']}-byte writes"
    elif workload in PINGPONGS:
        s = f"{p['count']} round trips of {p['msg_size']} bytes"
    elif workload == "udp-flood":
        s = f"{p['count']} datagrams of {p['msg_size']} bytes"
    elif workload == "tcp-connections":
        s = f"{p['count']} connections opened and closed; {p['conns']} held idle"
    elif workload == "tls-handshakes":
        s = f"{p['count']} TLS 1.3 connections, each a full handshake, in sequence"
    elif workload == "readline":
        s = f"{p['count']} lines of 80 bytes in {p['write_size']}-byte writes"
    else:
        s = ", ".join(f"{k} {v}" for k, v in p.items() if k in ("bytes", "count", "conns"))
    if p.get("idle"):
        s += f"; {p['idle']} idle connections per side, round trip 0 not timed"
    instructions = "--instructions" in inv.argv
    if instructions and workload in PINGPONGS:
        s += "; instructions: 20 000 and 0 round trips under callgrind"
    elif instructions and workload == "udp-flood":
        s += "; instructions: 20 000 and 0 datagrams under callgrind"
    return s


def write_idle_summary(w, res):
    """The three tcp-pingpong --same-cpu invocations with idle connections
    side by side."""
    impls = IDLE_IMPLS.split(",")
    own0 = res.median(idle_key(0), "qsock")
    w("## tcp-pingpong with idle connections\n")
    w("Round trips per second (medians of the three invocations above): a 64-byte "
      "tcp-pingpong, both processes pinned to one CPU (`--same-cpu`), while each side "
      "also holds N idle connected sockets on the same main loop, watched for reading "
      "as a server of many mostly idle clients watches them. `raw` waits in "
      "`epoll_wait()` on all of them (at N = 0, in `poll()` on its one socket).\n")
    w("| idle sockets per side | round trips | " + " | ".join(impls)
      + " | qsock × raw | qsock × qt | qsock × its N = 0 |")
    w("|---" * (len(impls) + 5) + "|")
    for n, _, _ in IDLE_COUNTS:
        key = idle_key(n)
        v = {impl: res.median(key, impl) for impl in impls}
        params = next((r["params"] for r in res.runs if run_name(r) == key), {})

        def ratio(a, b):
            return f"{a / b:.2f}" if a is not None and b else "—"
        w(f"| {n:,} | {params.get('count', '—'):,} | ".replace(",", " ")
          + " | ".join(fmt(v[i]) for i in impls)
          + f" | {ratio(v['qsock'], v['raw'])} | {ratio(v['qsock'], v['qt'])}"
          f" | {ratio(v['qsock'], own0)} |")
    w("")


def write_page(args, invocations, res, notes_path, started, finished):
    publish_cmd = ["bench/publish.py", rel(args.builddir)]
    if args.runs is not None:
        publish_cmd += ["--runs", str(args.runs)]
    if args.quick:
        publish_cmd.append("--quick")
    if args.pin:
        publish_cmd.append("--pin")
    if args.same_cpu:
        publish_cmd.append("--same-cpu")
    if args.workloads:
        publish_cmd += ["--workloads", args.workloads]
    if args.notes is not None:
        publish_cmd += ["--notes", rel(args.notes)]
    failed = [inv for inv in invocations if inv.failed]
    runs = args.runs if args.runs is not None else 5
    out = []
    w = out.append

    w("<!-- docs/performance.md\n"
      "     SPDX-License-Identifier: LGPL-2.1-or-later\n"
      "     Generated by bench/publish.py: do not edit; run it again. -->\n")
    w("# Performance\n")
    w("qsock measured against plain sockets (`raw`), Qt 6 QtNetwork (`qt`), GIO (`gio`) "
      "and, from Python, PyQt6 (`pyqt`) by `qsock-bench` under the rules of BENCH.md: "
      "server and client in two processes, the same implementation on both sides, "
      "loopback, exact counts checked on every run. Each workload comes from one "
      f"`qsock-bench --compare` invocation: one discarded warm-up run per implementation, "
      f"then {runs} alternated round{'s' if runs != 1 else ''}. Each figure is the median "
      f"of those {runs} run{'s' if runs != 1 else ''} "
      "(min and max beside it); `× raw` and `× qt` are that median divided by raw's or Qt's "
      "median in the same invocation. `instr/rt` and `instr/dgram` are user-space "
      "instructions counted by `valgrind --tool=callgrind` as (Ir(20 000) − Ir(0)) / 20 000 "
      "for one side (the client; for udp-flood each side, `instr-received` being the "
      "server's per datagram it received); there, and for bytes/conn, lower is better.\n")
    w("## How this page was made\n")
    w(f"- Command: `{shlex.join(publish_cmd)}`")
    w(f"- Commit: `{git_commit()}`")
    w(f"- Date: {started:%Y-%m-%d %H:%M} UTC (finished {finished:%H:%M} UTC)")
    w(f"- Machine: {machine()}")
    w(f"- `--pin`: {'yes (server on CPU 0, client on CPU 1)' if args.pin else 'no'}")
    if args.same_cpu:
        w("- `--same-cpu`: yes (server and client both on CPU 1)")
    kept = [inv.workload for inv in invocations if inv.kept is not None]
    if kept:
        w(f"- Re-run by this command: {', '.join(i.workload for i in invocations if i.kept is None)}. "
          f"Kept from the previous page ({', '.join(f'{k.lower()} {v}' for k, v in args.previous.items())}): "
          f"{', '.join(kept)}")
    w(f"- Sizes: {'reduced (`--quick`)' if args.quick else 'BENCH.md defaults'}; "
      "each workload below gives its own")
    if failed:
        w("- **Failed invocations: " + ", ".join(f"{i.key} (exit status {i.status})"
                                                for i in failed) + "**")
    else:
        w("- Failed invocations: none")
    w("\nThe `qsock-bench` invocations, in order (JSON lines appended to "
      f"`{rel(JSON_FILE)}`):\n")
    w("```sh")
    for inv in invocations:
        w(inv.command())
    w("```\n")

    for inv in invocations:
        if inv.kept is not None:
            w(inv.kept.rstrip("\n") + "\n")
            continue
        w(f"## {inv.key}\n")
        w(f"`{inv.command()}`\n")
        sizes = sizes_line(res, inv)
        if sizes:
            w(f"Sizes: {sizes}.\n")
        if inv.failed:
            w(f"**This invocation failed (exit status {inv.status}).** Its last messages:\n")
            w("```")
            w("\n".join(inv.stderr[-15:]) or "(none)")
            w("```\n")
        w(inv.stdout.strip("\n") + "\n" if inv.stdout.strip() else "(no tables printed)\n")

    write_idle_summary(w, res)

    w("## Targets\n")
    w("Each BENCH.md target, condition by condition, checked by bench/publish.py "
      f"against the medians of the runs in `{rel(JSON_FILE)}` (above: the same runs). "
      "A condition whose implementation was skipped or failed is not measured.\n")
    w("| target | condition | measured | result |")
    w("|---|---|---|---|")
    checks = targets(res)
    previous = None
    for c in checks:
        state = {"met": "met", "missed": "**missed**"}.get(c.state, c.state)
        target = c.target if c.target != previous else ""
        previous = c.target
        w(f"| {target} | {c.condition} | {c.measured.replace('|', '/')} | {state} |")
    counts = {s: sum(c.state == s for c in checks) for s in ("met", "missed", "not measured")}
    w(f"\n{counts['met']} met, {counts['missed']} missed, "
      f"{counts['not measured']} not measured.\n")

    w("## What the profiles showed\n")
    if notes_path is not None:
        with open(notes_path, encoding="utf-8") as f:
            w(f.read().strip("\n") + "\n")
    else:
        w(f"(No notes: `{rel(DEFAULT_NOTES)}` is missing.)\n")
    w("![ratios](performance.png)")

    with open(PAGE, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


# ---- main ------------------------------------------------------------------

def main(argv):
    parser = argparse.ArgumentParser(
        prog="bench/publish.py",
        description="Regenerate docs/performance.md, .json and .png with qsock-bench.")
    parser.add_argument("builddir", metavar="BUILDDIR",
                        help="a release build with -Dbench_peers=true")
    parser.add_argument("--runs", type=int, metavar="R",
                        help="counted rounds per invocation (qsock-bench's default: 5)")
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument("--pin", action="store_true", help="server on CPU 0, client on CPU 1")
    parser.add_argument("--same-cpu", action="store_true", help="server and client both on CPU 1")
    parser.add_argument("--workloads", metavar="a,b,c",
                        help="re-run only these; keep the page's other sections")
    parser.add_argument("--notes", metavar="FILE",
                        help="profile notes to include (default bench/performance-notes.md)")
    args = parser.parse_args(argv[1:])

    bench = os.path.join(os.path.abspath(args.builddir), "bench", "qsock-bench")
    if not os.access(bench, os.X_OK):
        fail(f"{bench}: not built (meson setup {args.builddir} --buildtype=release "
             f"-Dbench_peers=true && meson compile -C {args.builddir})")
        return 2
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.pin and args.same_cpu:
        parser.error("--pin and --same-cpu exclude each other")
    notes_path = args.notes if args.notes is not None else (
        DEFAULT_NOTES if os.path.exists(DEFAULT_NOTES) else None)
    if notes_path is not None and not os.path.isfile(notes_path):
        parser.error(f"--notes {notes_path}: no such file")

    started = datetime.datetime.now(datetime.timezone.utc)
    workloads = list_workloads(bench)
    # "idle" names the tcp-pingpong --same-cpu --idle N sections.
    chosen = args.workloads.split(",") if args.workloads else workloads + ["idle"]
    if not set(chosen) <= set(workloads) | {"idle"}:
        parser.error(f"--workloads: neither idle nor in qsock-bench --list: "
                     f"{', '.join(set(chosen) - set(workloads))}")
    sections, args.previous = previous_page() if args.workloads else ({}, {})
    idle_keys = {idle_key(n) for n, _, _ in IDLE_COUNTS}

    def section_of(run):
        name = run_name(run)
        return name if name in idle_keys else name.split(":")[0]

    def is_chosen(section):
        return ("idle" if section in idle_keys else section) in chosen

    # qsock-bench appends: only the runs of the kept sections stay.
    kept_runs = [r for r in load_runs(JSON_FILE)
                 if not is_chosen(section_of(r)) and section_of(r) in sections]
    with open(JSON_FILE, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in kept_runs)
    invocations = []
    for n, workload in enumerate(workloads, 1):
        if workload not in chosen:
            if workload in sections:
                invocations.append(kept_invocation(workload, sections[workload]))
            continue
        cmd = [rel(bench), "--compare", workload, "--json", rel(JSON_FILE)]
        if args.runs is not None:
            cmd += ["--runs", str(args.runs)]
        if workload in INSTRUCTIONS:
            cmd.append("--instructions")
        if args.pin:
            cmd.append("--pin")
        if args.same_cpu:
            cmd.append("--same-cpu")
        if args.quick:
            cmd += QUICK_SIZES.get(workload, [])
        invocations.append(run_shown(Invocation(workload, cmd), f"{n}/{len(workloads)}"))
    for n, count, quick_count in IDLE_COUNTS:
        if "idle" not in chosen:
            if idle_key(n) in sections:
                invocations.append(kept_invocation("tcp-pingpong", sections[idle_key(n)]))
                invocations[-1].key = idle_key(n)
            continue
        cmd = [rel(bench), "--compare", "tcp-pingpong", "--impls", IDLE_IMPLS, "--same-cpu",
               "--json", rel(JSON_FILE)]
        if n:
            cmd += ["--idle", str(n)]
        if args.runs is not None:
            cmd += ["--runs", str(args.runs)]
        count = quick_count if args.quick else count
        if count is not None:
            cmd += ["--count", count]
        invocations.append(run_shown(Invocation("tcp-pingpong", cmd, idle_key(n)), f"idle {n}"))
    finished = datetime.datetime.now(datetime.timezone.utc)

    res = Results(load_runs(JSON_FILE), invocations)
    write_page(args, invocations, res, notes_path, started, finished)
    print(f"publish.py: wrote {rel(PAGE)} and {rel(JSON_FILE)}", file=sys.stderr)

    plot = subprocess.run([PYTHON, PLOT, JSON_FILE, PNG], cwd=ROOT)
    if plot.returncode != 0:
        fail(f"FAILED: bench/plot.py exited with status {plot.returncode}")
    else:
        print(f"publish.py: wrote {rel(PNG)}", file=sys.stderr)

    failed = [inv for inv in invocations if inv.failed and inv.kept is None]
    for inv in failed:
        fail(f"FAILED: {inv.key} (exit status {inv.status}): {inv.command()}")
    if failed or plot.returncode != 0:
        fail(f"{len(failed)} of {len(invocations)} invocations failed"
             + ("; the chart failed" if plot.returncode != 0 else ""))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
