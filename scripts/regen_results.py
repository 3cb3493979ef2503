#!/usr/bin/python3
"""Rerun committed experiments and check that their numbers did not change.

    /usr/bin/python3 scripts/regen_results.py [--apply] [--jobs 2] NAME...

For each NAME, runs configs/NAME.yaml from scratch into a scratch directory,
plots it (`lnnbench plot`), and compares its summary.csv with the committed results/NAME/summary.csv:
every run (matched by problem, architecture, optimizer and seed) and every
column the two share except the timing columns (seconds_*, the run id, the
spec hash, which includes plugin file hashes) must be equal as text - the
runs are deterministic, so any difference is a change in what the code
computes and is listed. Runs present in only one of the two are listed too.

With --apply, the rerun's lnnbench-written files replace the committed ones
(summary.csv, summary.md, manifest.json, trajectories.csv and plots/); plot
files that lnnbench wrote before under a name it no longer writes are
removed, files written by other scripts (e.g. scripts/paper002_theorem6.py's
beta_*.svg) are kept. Exit status: 0 all equal (or applied), 1 a difference
without --apply, 2 bad usage or a run that failed.
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMING = re.compile(r"^(run_id|spec_hash|seconds_.*|.*_seconds|message)$")
KEY = ("problem", "architecture", "optimizer", "seed")
LNB_PLOT = re.compile(r"^(p\d+_|perf_profile|ecdf_)")


def rows(path):
    with open(path, newline="") as f:
        return {tuple(r[k] for k in KEY): r for r in csv.DictReader(f)}


def compare(old_path, new_path):
    old, new = rows(old_path), rows(new_path)
    diffs = []
    for key in sorted(set(old) | set(new)):
        if key not in new:
            diffs.append("only in the committed summary: %s" % (key,))
            continue
        if key not in old:
            diffs.append("only in the rerun: %s" % (key,))
            continue
        a, b = old[key], new[key]
        for col in sorted(set(a) & set(b)):
            if TIMING.match(col) or a[col] == b[col]:
                continue
            diffs.append("%s: %s: %r -> %r" % (key, col, a[col], b[col]))
    return diffs


def apply(src, dst):
    for name in ("summary.csv", "summary.md", "manifest.json", "trajectories.csv"):
        if os.path.exists(os.path.join(src, name)):
            shutil.copy2(os.path.join(src, name), os.path.join(dst, name))
    sp, dp = os.path.join(src, "plots"), os.path.join(dst, "plots")
    new = set(os.listdir(sp)) if os.path.isdir(sp) else set()
    os.makedirs(dp, exist_ok=True)
    for name in os.listdir(dp):
        if LNB_PLOT.match(name) and name not in new:
            os.remove(os.path.join(dp, name))
    for name in new:
        shutil.copy2(os.path.join(sp, name), os.path.join(dp, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="+", metavar="NAME")
    ap.add_argument("--apply", action="store_true")
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--lnnbench", default=os.path.join(ROOT, "build", "bin", "lnnbench"))
    args = ap.parse_args()
    status = 0
    scratch = tempfile.mkdtemp(prefix="lnb-regen-")
    try:
        for name in args.names:
            cfg = os.path.join(ROOT, "configs", name + ".yaml")
            dst = os.path.join(ROOT, "results", name)
            if not os.path.isfile(cfg) or not os.path.isfile(os.path.join(dst, "summary.csv")):
                print("regen_results.py: %s: needs configs/%s.yaml and results/%s/summary.csv"
                      % (name, name, name), file=sys.stderr)
                return 2
            out = os.path.join(scratch, name)
            p = subprocess.run([args.lnnbench, "run", cfg, "--out", out, "--jobs", args.jobs,
                                "--quiet"], capture_output=True, text=True)
            if p.returncode not in (0, 1):  # 1: some run did not converge, still written
                print("regen_results.py: %s: lnnbench run exited %d:\n%s" %
                      (name, p.returncode, p.stderr), file=sys.stderr)
                return 2
            p = subprocess.run([args.lnnbench, "plot", out], capture_output=True, text=True)
            if p.returncode != 0:
                print("regen_results.py: %s: lnnbench plot exited %d:\n%s" %
                      (name, p.returncode, p.stderr), file=sys.stderr)
                return 2
            diffs = compare(os.path.join(dst, "summary.csv"), os.path.join(out, "summary.csv"))
            print("%s: %s" % (name, "identical numbers" if not diffs else
                              "%d difference(s)" % len(diffs)))
            for d in diffs[:20]:
                print("  " + d)
            if len(diffs) > 20:
                print("  ... %d more" % (len(diffs) - 20))
            if args.apply:
                apply(out, dst)
            elif diffs:
                status = 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
