#!/usr/bin/env python3
"""Numbers quoted in results/README.md for papers 001, 003 and 004, read from a results
directory's summary.csv and trajectories.csv (standard library only).

  python3 scripts/paper_checks_001_003_004.py curves  results/arora2018_depth [--at 100,1000,...]
      per model (problem x model) at its best learning rate (fewest iterations to target,
      then lowest final gap): gap l - l* at the given iterations (last checkpoint <= it)
  python3 scripts/paper_checks_001_003_004.py emulation results/arora2018_emulation
      paper 003 Fig. 2: for every e2e_precond(depth=N) run, the gd run on deep_linear depth N of the
      same problem: largest relative loss difference and largest ||W_e|| difference over their
      common checkpoints, and both iteration counts to target
  python3 scripts/paper_checks_001_003_004.py final   results/cohen_razin_completion
      every run: status, iterations, final gap and every recorded metric at the last checkpoint
  python3 scripts/paper_checks_001_003_004.py norms   results/cohen_razin_norms_diverge
      paper 001 Prop. 5: at every checkpoint, does ||W_e||_F >= 1/sqrt(6 l) - 2 hold where
      det W_e > 0; final ||W_e||_F sqrt(l) (-> 1/sqrt(6) = 0.408 when the norm diverges); det signs
  python3 scripts/paper_checks_001_003_004.py sv      results/cohen_razin_singular_values
      paper 001 Theorem 3: first iteration at which each of the top singular values reaches half
      its final value, and the final values
  python3 scripts/paper_checks_001_003_004.py svplot  results/cohen_razin_singular_values
      DIR/plots/singular_values_by_depth.svg (one panel per run, its top singular values against
      iteration, as paper 001 Fig. 3), with its .gp script and .dat data; needs gnuplot
  python3 scripts/paper_checks_001_003_004.py normsplot results/cohen_razin_norms_diverge
      DIR/plots/norm_vs_loss.svg: ||W_e||_F against the loss for every run, with Prop. 5's bound
      1/sqrt(6 l) - 2; needs gnuplot
  python3 scripts/paper_checks_001_003_004.py itersplot results/bartlett_targets
      DIR/plots/iters_vs_depth.svg: per problem, the best iterations to target (over the tuned
      learning rates) against arch.depth; unreached cells are left out, and so are the
      negative-eigenvalue targets (their question is the loss floor, not a count: see the gap
      plots); needs gnuplot
"""
import csv
import math
import os
import subprocess
import sys


def load(d):
    runs = list(csv.DictReader(open(f"{d}/summary.csv", newline="")))
    traj = {}
    for r in csv.DictReader(open(f"{d}/trajectories.csv", newline="")):
        traj.setdefault(r["run_id"], []).append(r)
    for v in traj.values():
        v.sort(key=lambda r: int(r["iteration"]))
    return runs, traj


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def best_runs(runs):
    best = {}
    for s in runs:
        if s["status"] == "diverged":
            continue
        key = (s["problem"], s["model"])
        it = int(s["iters_to_target"]) if s["iters_to_target"] else 10**18
        v = (it, num(s["final_gap"]))
        if key not in best or v < best[key][0]:
            best[key] = (v, s)
    return [s for _, s in best.values()]


def curves(d, at):
    runs, traj = load(d)
    for s in best_runs(runs):
        tr = traj[s["run_id"]]
        cells = []
        for i in at:
            c = [r for r in tr if int(r["iteration"]) <= i]
            cells.append(f"{i}:{num(c[-1]['gap']):.2e}" if c else f"{i}:-")
        print(f"{s['problem']} | {s['model']} | {s['tuned']} | {s['status']} "
              f"{s['iterations']} | " + " ".join(cells))


def emulation(d):
    runs, traj = load(d)
    for e in runs:
        if "e2e_precond(depth=" not in e["model"]:
            continue
        n = e["model"].split("e2e_precond(depth=")[1].split(")")[0].split(",")[0]
        g = next(s for s in runs if s["problem"] == e["problem"] and s["model"].endswith("+gd")
                 and s["arch.depth"] == n)
        te = {r["iteration"]: r for r in traj[e["run_id"]]}
        tg = {r["iteration"]: r for r in traj[g["run_id"]]}
        common = [i for i in te if i in tg]
        dl = max(abs(num(te[i]["loss"]) - num(tg[i]["loss"])) / num(tg[i]["loss"]) for i in common)
        dn = max((abs(num(te[i].get("end_to_end_norm")) - num(tg[i].get("end_to_end_norm")))
                  for i in common), default=float("nan"))
        print(f"{e['problem']} | depth {n}: {len(common)} common checkpoints, max relative loss "
              f"difference {dl:.2e}, max ||W_e|| difference {dn:.2e} | iterations to target "
              f"gd {g['iters_to_target'] or '-'}, e2e_precond {e['iters_to_target'] or '-'}")


def final(d):
    runs, traj = load(d)
    skip = {"run_id", "iteration", "seconds", "loss", "gap"}
    for s in runs:
        last = traj[s["run_id"]][-1]
        mets = " ".join(f"{k}={num(v):.4g}" for k, v in last.items() if k not in skip)
        print(f"{s['problem']} | {s['model']} | {s['tuned']} | {s['status']} {s['iterations']} "
              f"| gap {num(last['gap']):.3e} | {mets}")


def norms(d):
    runs, traj = load(d)
    for s in runs:
        tr = traj[s["run_id"]]
        checked = viol = 0
        for r in tr:
            l = num(r["loss"])
            if r["det_sign"] == "1" and l > 0:
                checked += 1
                if num(r["end_to_end_norm"]) < 1 / math.sqrt(6 * l) - 2:
                    viol += 1
        signs = "".join({"1": "+", "-1": "-", "0": "0"}.get(r["det_sign"], "?") for r in tr)
        first_off = next((r["iteration"] for r in tr if r["det_sign"] != tr[0]["det_sign"]),
                         "never")
        last = tr[-1]
        print(f"{s['model']} | {s['status']} {s['iterations']} | loss {num(last['loss']):.3e} "
              f"| ||W||_F {num(last['end_to_end_norm']):.4g} | ||W||_F sqrt(l) "
              f"{num(last['end_to_end_norm']) * math.sqrt(num(last['loss'])):.4f} | "
              f"sigma2 {num(last.get('singular_values_2')):.2e} | bound violated at "
              f"{viol}/{checked} det>0 checkpoints | det sign first differs from t=0 at "
              f"{first_off} | signs {signs}")


def sv(d):
    runs, traj = load(d)
    for s in runs:
        tr = traj[s["run_id"]]
        k = 1
        while f"singular_values_{k + 1}" in tr[-1]:
            k += 1
        fin = [num(tr[-1][f"singular_values_{i}"]) for i in range(1, k + 1)]
        half = []
        for i in range(1, k + 1):
            half.append(next((int(r["iteration"]) for r in tr
                              if num(r[f"singular_values_{i}"]) >= 0.5 * fin[i - 1]), None))
        rec = num(tr[-1].get("reconstruction_error"))
        print(f"{s['model']} | {s['tuned']} | {s['status']} {s['iterations']} | "
              f"reconstruction_error {rec:.3e} | final sigma "
              + " ".join(f"{x:.3g}" for x in fin) + " | half-time " + " ".join(map(str, half)))


def gnuplot(plots, name, script):
    with open(os.path.join(plots, name + ".gp"), "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", name + ".gp"], cwd=plots, check=True)
    print(os.path.join(plots, name + ".svg"))


def svplot(d):
    runs, traj = load(d)
    plots = os.path.join(d, "plots")
    os.makedirs(plots, exist_ok=True)
    name = "singular_values_by_depth"
    k = 1
    while f"singular_values_{k + 1}" in traj[runs[0]["run_id"]][-1]:
        k += 1
    with open(os.path.join(plots, name + ".dat"), "w") as f:
        f.write(f"# from {d}: iteration then singular_values_1..{k}, one block per run\n")
        for s in runs:
            f.write(f"# {s['model']} {s['tuned']}\n")
            for r in traj[s["run_id"]]:
                f.write(r["iteration"] + " " + " ".join(r[f"singular_values_{i}"]
                                                        for i in range(1, k + 1)) + "\n")
            f.write("\n\n")
    n = len(runs)
    lines = [f"set terminal svg size {380 * n},420 dynamic enhanced font 'Sans,12' background rgb 'white'",
             f"set output '{name}.svg'", f"set multiplot layout 1,{n}",
             "set xlabel 'iteration'", "set ylabel 'singular value'", "set grid lc rgb '#dddddd'",
             "set key off"]
    for j, s in enumerate(runs):
        last = traj[s["run_id"]][-1]
        depth = s["model"].split("depth=")[1].split(",")[0].split(")")[0]
        title = (f"depth {depth}, {s['tuned']}: rec. error "
                 f"{num(last.get('reconstruction_error')):.2g}")
        lines.append(f"set title '{title}' noenhanced")
        lines.append("plot " + ", ".join(f"'{name}.dat' index {j} using 1:{i + 1} with lines lw 2"
                                         for i in range(1, k + 1)))
    lines.append("unset multiplot")
    gnuplot(plots, name, "\n".join(lines) + "\n")


def normsplot(d):
    runs, traj = load(d)
    plots = os.path.join(d, "plots")
    os.makedirs(plots, exist_ok=True)
    name = "norm_vs_loss"
    with open(os.path.join(plots, name + ".dat"), "w") as f:
        f.write(f"# from {d}: loss, ||W_e||_F, det sign; one block per run\n")
        for s in runs:
            f.write(f"# {s['model']}\n")
            for r in traj[s["run_id"]]:
                f.write(f"{r['loss']} {r['end_to_end_norm']} {r['det_sign']}\n")
            f.write("\n\n")
    titles = []
    for s in runs:
        a = s["model"]
        depth = a.split("depth=")[1].split(",")[0]
        sign = "det<0" if "-0.1" in a else "det>0"
        titles.append(f"depth {depth}, {sign}")
    lines = ["set terminal svg size 900,600 dynamic enhanced font 'Sans,13' background rgb 'white'",
             f"set output '{name}.svg'", "set logscale xy", "set xlabel 'loss l(W_e)'",
             "set ylabel '||W_e||_F' noenhanced", "set grid lc rgb '#dddddd'",
             "set key outside right noenhanced", "set xrange [*:*] reverse",
             "set format x '10^{%L}'", "set format y '10^{%L}'",
             "f(x) = 1/sqrt(6*x) - 2"]
    parts = [f"'{name}.dat' index {j} using 1:2 with linespoints pt 7 ps 0.4 lw 2 "
             f"dt {1 if 'det>0' in t else 2} title '{t}'" for j, t in enumerate(titles)]
    parts.append("[1e-9:0.02] f(x) with lines lw 2 lc rgb 'black' dt 3 "
                 "title 'Prop. 5: 1/sqrt(6 l) - 2'")
    lines.append("plot " + ", \\\n  ".join(parts))
    gnuplot(plots, name, "\n".join(lines) + "\n")


def itersplot(d):
    runs, _ = load(d)
    plots = os.path.join(d, "plots")
    os.makedirs(plots, exist_ok=True)
    name = "iters_vs_depth"
    probs = []
    for s in runs:
        if s["problem"] not in probs and "negative_eigenvalue" not in s["problem"]:
            probs.append(s["problem"])
    with open(os.path.join(plots, name + ".dat"), "w") as f:
        f.write(f"# from {d}: depth, fewest iterations to target over the tuned settings, lr\n")
        for pr in probs:
            f.write(f"# {pr}\n")
            best = {}
            for s in runs:
                if s["problem"] == pr and s["iters_to_target"]:
                    dep, it = int(s["arch.depth"]), int(s["iters_to_target"])
                    if dep not in best or it < best[dep][0]:
                        best[dep] = (it, s["tuned"])
            for dep in sorted(best):
                f.write(f"{dep} {best[dep][0]} {best[dep][1]}\n")
            f.write("\n\n")
    lines = ["set terminal svg size 900,600 dynamic enhanced font 'Sans,13' background rgb 'white'",
             f"set output '{name}.svg'", "set logscale xy 2", "set logscale y 10",
             "set xlabel 'depth L'", "set ylabel 'iterations to target (best lr)'",
             "set grid lc rgb '#dddddd'", "set key below left Left reverse noenhanced maxcols 1",
             "set format y '10^{%L}'"]
    def label(pr):
        if "eigenvalues=[" in pr and "kind=symmetric" in pr:
            ev = [float(x) for x in pr.split("eigenvalues=[")[1].split("]")[0].split(",")]
            return f"SPD, kappa = {max(ev) / min(ev):.0f}, spectrum [{min(ev):g}, {max(ev):g}]"
        return pr.split("(", 1)[1].rstrip(")").replace("kind=", "")

    # lnnbench plot's palette (Okabe-Ito without its yellow, which is hard to see on white)
    colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    parts = [f"'{name}.dat' index {j} using 1:2 with linespoints pt 7 lw 2 "
             f"lc rgb '{colors[j % len(colors)]}' title '{label(pr)}'"
             for j, pr in enumerate(probs)]
    lines.append("plot " + ", \\\n  ".join(parts))
    gnuplot(plots, name, "\n".join(lines) + "\n")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, d = argv[1], argv[2].rstrip("/")
    if cmd == "curves":
        at = [10, 100, 1000, 2000, 5000, 10000, 20000]
        if len(argv) > 4 and argv[3] == "--at":
            at = [int(x) for x in argv[4].split(",")]
        curves(d, at)
    elif cmd == "emulation":
        emulation(d)
    elif cmd == "final":
        final(d)
    elif cmd == "norms":
        norms(d)
    elif cmd == "sv":
        sv(d)
    elif cmd == "svplot":
        svplot(d)
    elif cmd == "normsplot":
        normsplot(d)
    elif cmd == "itersplot":
        itersplot(d)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
