#!/usr/bin/python3
# bench/plot.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Draws docs/performance.png from a `qsock-bench --json FILE` file: for each
# workload, one bar per implementation with its median divided by raw's
# median; with --instructions, a WORKLOAD:instr group too (lower is better).
# Runs with options that make a comparison of their own (tcp-pingpong
# --same-cpu --idle N) are groups of their own, named by publish.run_name.
# Run with /usr/bin/python3 (python3-matplotlib):
#   bench/plot.py results.json docs/performance.png

import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

from publish import run_name  # noqa: E402  (bench/publish.py, beside this file)

IMPL_ORDER = ["raw", "qsock", "qsock+batch", "gio", "qt", "python-qsock", "pyqt"]
LOWER_IS_BETTER = {"bytes/conn", "instr/rt", "instr/dgram"}


def load(path):
    """{workload: {impl: [values]}} and {workload: unit}."""
    values, units = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            run = json.loads(line)
            add(values, units, run_name(run), run["impl"], run.get("value"), run["unit"])
            # --instructions: per round trip, or per datagram received.
            add(values, units, run_name(run) + ":instr", run["impl"],
                run.get("instructions"), "instr/rt")
    return values, units


def add(values, units, workload, impl, value, unit):
    if value is None:
        return
    values.setdefault(workload, {}).setdefault(impl, []).append(value)
    units[workload] = unit


def ratios(values):
    """{workload: {impl: median / raw median}} for workloads raw ran."""
    out = {}
    for workload, impls in values.items():
        raw = statistics.median(impls["raw"]) if "raw" in impls else 0
        if raw > 0:
            out[workload] = {impl: statistics.median(v) / raw for impl, v in impls.items()
                             if statistics.median(v) > 0}
        else:
            print(f"plot.py: {workload}: no raw median above 0, left out", file=sys.stderr)
    return out


def plot(table, units, out_path):
    workloads = sorted(table)
    impls = [i for i in IMPL_ORDER if any(i in table[w] for w in workloads)]
    impls += sorted({i for w in workloads for i in table[w]} - set(impls))
    width = 0.8 / max(len(impls), 1)
    fig, ax = plt.subplots(figsize=(max(8, 1.4 * len(workloads)), 5))
    for k, impl in enumerate(impls):
        xs = [n + k * width for n, w in enumerate(workloads) if impl in table[w]]
        ys = [table[w][impl] for w in workloads if impl in table[w]]
        ax.bar(xs, ys, width, label=impl)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")  # instruction ratios reach 50×, rates 0.1×
    ax.set_xticks([n + width * (len(impls) - 1) / 2 for n in range(len(workloads))])
    ax.set_xticklabels(
        [w + (" (lower is better)" if units[w] in LOWER_IS_BETTER else "") for w in workloads],
        rotation=30, ha="right")
    ax.set_ylabel("median / raw median")
    ax.set_title("qsock-bench: each implementation relative to raw")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_path, dpi=100)


def main(argv):
    if len(argv) != 3:
        print("usage: plot.py RESULTS.json OUT.png", file=sys.stderr)
        return 2
    values, units = load(argv[1])
    table = ratios(values)
    if not table:
        print("plot.py: no workload with a raw run in " + argv[1], file=sys.stderr)
        return 1
    plot(table, units, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
