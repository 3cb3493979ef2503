#!/usr/bin/env python3
"""Paper 000 ("On the Role of Initialization on the Implicit Bias in Deep
Learning"): numbers for results/README.md from the CSVs of the init_bias_*
configs. Standard library only; reads summary.csv and trajectories.csv.

usage: python3 scripts/paper000_check.py lsq        results/init_bias_lsq
       python3 scripts/paper000_check.py compact    results/init_bias_compact
       python3 scripts/paper000_check.py paths      results/init_bias_paths
       python3 scripts/paper000_check.py depth      results/init_bias_depth_stability
       python3 scripts/paper000_check.py orthogonal results/init_bias_orthogonal

lsq:        x + y = 0 (d = 2). projection_2d is a fixed 2 x 2 map P of W_e; P is
            recovered from the iteration-0 rows of the two `linear, init: given`
            cells (y0 = (3, 1) and (-2, 4)) and inverted, so every start y0 and
            end y_T is known. Theorem 4's limit V2 V2^T y0 + theta* (here
            (y0_1 - y0_2)/2 (1, -1)) is compared with y_T.
compact:    per run: status, iterations to the target, and the zig-zag
            coefficient c_k = 1/(1 - gamma_k) = rho_k / rho_{k+1} (Algorithm 3)
            or its square (Algorithm 4), from rho recorded at every iteration:
            how often c_k - 1 changes sign, and how often the loss increases.
paths:      per condition number: projected path length of each method (sum
            of the 2-D segment lengths between checkpoints), and the largest
            distance between the projected Algorithm 3 and Algorithm 4 paths
            (Hausdorff distance of the two checkpoint sets), relative to
            Algorithm 3's projected path length (Algorithms 3 and 4 start at
            the same y0 = A^T v0; GD starts at 0).
depth:      per shape of C (rank_one, full) and seed: final ||y - theta*|| and
            layer_norm_product against the depth; counts of seeds where each is monotone in depth; the bound
            ||y - theta*|| <= product * ||C|| (||C|| = 1); the same counts
            from N = 2 on (the linear model N = 1 sits at exactly ||C||).
orthogonal: per problem: final ||y - theta*|| per seed and depth; how many
            runs end within 1e-6 (and 1e-2) of theta*; per seed whether depth 5 is closer
            than depth 1.
"""
import csv
import math
import re
import sys


def load(dirname):
    with open(dirname + "/summary.csv", newline="") as f:
        runs = {r["run_id"]: r for r in csv.DictReader(f)}
    traj = {}
    with open(dirname + "/trajectories.csv", newline="") as f:
        for r in csv.DictReader(f):
            traj.setdefault(r["run_id"], []).append(r)
    return runs, traj


def num(s):
    return float(s) if s not in ("", None) else float("nan")


# ------------------------------------------------------------------ lsq
def lsq(dirname):
    runs, traj = load(dirname)
    given = {}
    for rid, r in runs.items():
        m = re.search(r"init_matrix=\[([-0-9.e]+),([-0-9.e]+)\]", r["architecture"])
        if r["architecture"].startswith("linear") and m:
            y0 = (float(m.group(1)), float(m.group(2)))
            row = traj[rid][0]
            given[y0] = (num(row["projection_2d_1"]), num(row["projection_2d_2"]))
    (b1, p1), (b2, p2) = list(given.items())[:2]
    # P [b1 b2] = [p1 p2]  ->  P = [p1 p2] [b1 b2]^-1
    det = b1[0] * b2[1] - b2[0] * b1[1]
    Bi = [[b2[1] / det, -b2[0] / det], [-b1[1] / det, b1[0] / det]]
    Pm = [[p1[i] * Bi[0][j] + p2[i] * Bi[1][j] for j in range(2)] for i in range(2)]
    dP = Pm[0][0] * Pm[1][1] - Pm[0][1] * Pm[1][0]

    def unproj(p):
        return ((Pm[1][1] * p[0] - Pm[0][1] * p[1]) / dP, (-Pm[1][0] * p[0] + Pm[0][0] * p[1]) / dP)

    out = []
    worst = 0.0
    for rid, r in runs.items():
        rows = traj[rid]
        y0 = unproj((num(rows[0]["projection_2d_1"]), num(rows[0]["projection_2d_2"])))
        yT = unproj((num(rows[-1]["projection_2d_1"]), num(rows[-1]["projection_2d_2"])))
        t = (y0[0] - y0[1]) / 2
        pred = (t, -t)
        err = max(abs(yT[0] - pred[0]), abs(yT[1] - pred[1])) if r["status"] == "converged" else float("nan")
        if r["status"] == "converged":
            worst = max(worst, err)
        arch = r["architecture"].replace("deep_linear(depth=1,", "(").replace(",init_std=3", "")
        out.append((arch, float(r["opt.lr"]), int(r["seed"]), y0, yT, pred, err, r["status"], r["iterations"],
                    num(rows[-1]["dist_to_reference"])))
    out.sort()
    print("| init | lr | seed | y0 | y_T | Theorem 4: V2 V2^T y0 + theta* | max abs diff | status | steps |")
    print("|---|---|---|---|---|---|---|---|---|")
    for arch, lr, seed, y0, yT, pred, err, st, it, dist in out:
        yt = "(%.6g, %.6g)" % yT if st == "converged" else "(|y| > 1e4)"
        print("| %s | %g | %d | (%.4f, %.4f) | %s | (%.6g, %.6g) | %.1e | %s | %s |" % (
            arch, lr, seed, y0[0], y0[1], yt, pred[0], pred[1], err, st, it))
    print("\nworst |y_T - prediction| over converged runs: %.2e" % worst)


# -------------------------------------------------------------- compact
def compact(dirname):
    runs, traj = load(dirname)
    print("| method | lr | status | steps | iters to target | gap at 100 / 300 / 1000 | sign changes of c_k - 1 | loss increases | max abs(c_k - 1) after step 50 |")
    print("|---|---|---|---|---|---|---|---|---|")
    order = []
    for rid, r in runs.items():
        a = r["architecture"]
        name = "GD (linear)" if a.startswith("linear") else ("Alg. 3 (compact_h1)" if "h1" in a else "Alg. 4 (compact_h2)")
        order.append((name, float(r["opt.lr"]), rid))
    order.sort()
    for name, lr, rid in order:
        r, rows = runs[rid], traj[rid]
        gaps = {int(x["iteration"]): num(x["gap"]) for x in rows}
        at = " / ".join(("%.1e" % gaps[k]) if k in gaps else "-" for k in (100, 300, 1000))
        it = [int(x["iteration"]) for x in rows]
        loss = [num(x["loss"]) for x in rows]
        ups = sum(1 for i in range(len(it) - 1) if it[i + 1] == it[i] + 1 and loss[i + 1] > loss[i])
        zz = "-"
        amp = "-"
        if "compact" in r["architecture"]:
            rho = [num(x["rho"]) for x in rows]
            p = 2 if "h2" in r["architecture"] else 1
            c = [(it[i], (rho[i] / rho[i + 1]) ** p) for i in range(len(it) - 1)
                 if it[i + 1] == it[i] + 1 and rho[i + 1] != 0]
            zz = str(sum(1 for i in range(len(c) - 1) if (c[i][1] - 1) * (c[i + 1][1] - 1) < 0))
            late = [abs(q - 1) for k, q in c if k >= 50 and math.isfinite(q)]
            amp = "%.2g" % max(late) if late else "-"
        print("| %s | %g | %s | %s | %s | %s | %s | %d | %s |" % (
            name, lr, r["status"], r["iterations"], r["iters_to_target"] or "-", at, zz, ups, amp))


# ---------------------------------------------------------------- paths
def paths(dirname):
    runs, traj = load(dirname)
    by = {}
    for rid, r in runs.items():
        cond = re.search(r"condition=([0-9.e+]+)", r["problem"]).group(1)
        a = r["architecture"]
        name = "GD" if a.startswith("linear") else ("Alg3" if "h1" in a else "Alg4")
        pts = [(num(x["projection_2d_1"]), num(x["projection_2d_2"])) for x in traj[rid]]
        by.setdefault(float(cond), {})[name] = (pts, r, traj[rid])
    print("| condition | projected path length GD / Alg. 3 / Alg. 4 | Alg. 4 / Alg. 3 length | Alg. 3 projected start-end distance | max distance Alg. 3 path <-> Alg. 4 path | ||y_T - theta*|| GD / Alg. 3 / Alg. 4 | steps GD / Alg. 3 / Alg. 4 |")
    print("|---|---|---|---|---|---|---|")
    for cond in sorted(by):
        d = by[cond]
        L = {}
        for k, (pts, r, rows) in d.items():
            L[k] = sum(math.dist(pts[i], pts[i + 1]) for i in range(len(pts) - 1))
        # Alg. 3 and 4 start at the same y0 = A^T v0 (same v0 stream, rho_0 = 1);
        # GD (linear, init zero) starts at 0
        se = math.dist(d["Alg3"][0][0], d["Alg3"][0][-1])

        def hd(P, Q):
            return max(min(math.dist(p, q) for q in Q) for p in P)

        P3, P4 = d["Alg3"][0], d["Alg4"][0]
        H = max(hd(P3, P4), hd(P4, P3))
        dist = " / ".join("%.3g" % num(d[k][2][-1]["dist_to_reference"]) for k in ("GD", "Alg3", "Alg4"))
        steps = " / ".join(d[k][1]["iterations"] for k in ("GD", "Alg3", "Alg4"))
        print("| %g | %.4f / %.4f / %.4f | %.3f | %.4f | %.4f (%.1f%% of Alg. 3's path length) | %s | %s |" % (
            cond, L["GD"], L["Alg3"], L["Alg4"], L["Alg4"] / L["Alg3"], se, H, 100 * H / L["Alg3"], dist, steps))


# ---------------------------------------------------------------- depth
def depth(dirname):
    runs, traj = load(dirname)
    shapes = {}
    for rid, r in runs.items():
        N = int(re.search(r"depth=(\d+)", r["architecture"]).group(1))
        sh = re.search(r"perturbation_shape=(\w+)", r["architecture"])
        last = traj[rid][-1]
        shapes.setdefault(sh.group(1) if sh else "rank_one", {}).setdefault(int(r["seed"]), {})[N] = (
            num(last["dist_to_reference"]), num(last["layer_norm_product"]),
            num(last["first_layer_range_distance"]), r["status"])
    for shape in sorted(shapes):
        print("\n## C: %s\n" % shape)
        depth_table(shapes[shape])
    st = {}
    for r in runs.values():
        st[r["status"]] = st.get(r["status"], 0) + 1
    print("statuses:", st)


def depth_table(tab):
    depths = sorted({N for s in tab.values() for N in s})
    print("final ||y - theta*|| (and layer_norm_product) per seed; columns: deep_linear depth N = h + 1\n")
    print("| seed | " + " | ".join("N=%d" % N for N in depths) + " | dist monotone | product monotone |")
    print("|---|" + "---|" * len(depths) + "---|---|")
    inc_d = dec_d = inc_p = inc2 = dec2 = 0
    viol = 0
    cmax = 0.0
    for s in sorted(tab):
        row = tab[s]
        ds = [row[N][0] for N in depths]
        ps = [row[N][1] for N in depths]
        for N in depths:
            if row[N][0] > row[N][1] * row[N][2] * (1 + 1e-9):
                viol += 1
            cmax = max(cmax, abs(row[N][2] - 1))
        up = all(ds[i + 1] > ds[i] for i in range(len(ds) - 1))
        down = all(ds[i + 1] < ds[i] for i in range(len(ds) - 1))
        # the same from the first hidden layer on (N >= 2, h >= 1)
        inc2 += all(ds[i + 1] > ds[i] for i in range(1, len(ds) - 1))
        dec2 += all(ds[i + 1] < ds[i] for i in range(1, len(ds) - 1))
        pup = all(ps[i + 1] > ps[i] for i in range(len(ps) - 1))
        inc_d += up
        dec_d += down
        inc_p += pup
        print("| %d | " % s + " | ".join("%.3f (%.2f)" % (row[N][0], row[N][1]) for N in depths) +
              " | %s | %s |" % ("increasing" if up else ("decreasing" if down else "no"), "increasing" if pup else "no"))
    n = len(tab)
    print("\nseeds: %d; distance increasing in depth: %d, decreasing: %d, non-monotone: %d; "
          "norm product increasing: %d" % (n, inc_d, dec_d, n - inc_d - dec_d, inc_p))
    print("from N = 2 on (h >= 1): distance increasing: %d, decreasing: %d, non-monotone: %d"
          % (inc2, dec2, n - inc2 - dec2))
    print("bound ||y - theta*|| <= product * ||C|| violated in %d of %d runs; max | ||C||_final - 1 | = %.1e"
          % (viol, n * len(depths), cmax))


# ----------------------------------------------------------- orthogonal
def orthogonal(dirname):
    runs, traj = load(dirname)
    tab = {}
    for rid, r in runs.items():
        h = int(re.search(r"depth=(\d+)", r["architecture"]).group(1))
        xi = re.search(r"x_init=(\w+)", r["architecture"])
        last = traj[rid][-1]
        key = r["problem"] + (", x_init " + xi.group(1) if xi else "")
        tab.setdefault(key, {}).setdefault(int(r["seed"]), {})[h] = (
            num(last["dist_to_reference"]), num(last["orthogonality_error"]), r["status"], num(last["gap"]),
            int(r["iterations"]))
    for prob in sorted(tab):
        t = tab[prob]
        hs = sorted({h for s in t.values() for h in s})
        print("\n%s: final ||y - theta*|| per seed and depth h\n" % prob)
        print("| seed | " + " | ".join("h=%d" % h for h in hs) + " |")
        print("|---|" + "---|" * len(hs))
        hits = {h: 0 for h in hs}
        near = {h: 0 for h in hs}
        closer = farther = 0
        ortho = 0.0
        gap = 0.0
        for s in sorted(t):
            row = t[s]
            for h in hs:
                hits[h] += row[h][0] < 1e-6
                near[h] += row[h][0] < 1e-2
                ortho = max(ortho, row[h][1])
                gap = max(gap, row[h][3])
            closer += row[hs[-1]][0] < row[hs[0]][0] - 1e-9
            farther += row[hs[-1]][0] > row[hs[0]][0] + 1e-9
            print("| %d | " % s + " | ".join("%.2e" % row[h][0] for h in hs) + " |")
        print("\nwithin 1e-6 of theta*: " + ", ".join("h=%d: %d/%d" % (h, hits[h], len(t)) for h in hs))
        print("within 1e-2 of theta*: " + ", ".join("h=%d: %d/%d" % (h, near[h], len(t)) for h in hs))
        print("depth %d vs depth %d: closer in %d seeds, farther in %d" % (hs[-1], hs[0], closer, farther))
        its = sorted(row[h][4] for row in t.values() for h in hs)
        print("max orthogonality_error %.1e, max final gap %.1e, steps median %d max %d" % (
            ortho, gap, its[len(its) // 2], its[-1]))


if __name__ == "__main__":
    cmds = {"lsq": lsq, "compact": compact, "paths": paths, "depth": depth, "orthogonal": orthogonal}
    if len(sys.argv) != 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2])
