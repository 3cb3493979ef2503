#!/usr/bin/env python3
"""Paper 002 (Yun, Krishnan & Mobahi 2021), Sec. 6: predictions and checks for
configs/yun2021_regression.yaml and configs/yun2021_classification.yaml.

usage: python3 scripts/paper002_theorem6.py regression     RESULTS_DIR
       python3 scripts/paper002_theorem6.py classification RESULTS_DIR
       python3 scripts/paper002_theorem6.py predict
       python3 scripts/paper002_theorem6.py plot regression|classification RESULTS_DIR

Both configs use d = 2, so W_e = beta^T is itself the 2-D point. lnnbench
records it through the core metric projection_2d, a fixed 2 x 2 map P
(projection_2d = P beta); P is recovered here from the iteration-0 rows, where
beta(0) = alpha^2 z is known from the config, and inverted.

regression: for every run, the final beta against Theorem 6's predicted
limit point (gradient flow; GD with eta = 1e-3 differs by O(eta)), for the
2-layer networks of the config (tensor form f(x) = v1^T M(x) v2, compact SVD
M(x) = U1 diag(s) U2^T):
  fully-connected (deep_linear depth 2, width 2): v1 = our W1 row-major
      (paper W1 = our W1^T), v2 = our W2; U1 = I2 (x) x/|x|, U2 = I2, s = (|x|, |x|);
  diagonal: U1 = U2 = I, s = x;
  conv k = (2, 2): s = (3, 1), U1 = [u+, u-], U2 = [u+, -u-], u+- = (1, +-1)/sqrt2.
  Prediction: e_l = U_l^T vbar_l, nu = g^{-1}(y / alpha^2) with
  g(nu) = sum_j s_j ((e1_j^2 + e2_j^2)/2 sinh(2 s_j nu) + e1_j e2_j cosh(2 s_j nu)),
  v1 = alpha U1 (e1 cosh(s nu) + e2 sinh(s nu)) + alpha (I - U1 U1^T) vbar1,
  v2 = alpha U2 (e1 sinh(s nu) + e2 cosh(s nu)) + alpha (I - U2 U2^T) vbar2.

classification: the final direction beta/|beta| against the three max-margin
directions (l2: (1, 2)/sqrt5, l1: (0, 1), DFT-l1: (1, 1)/sqrt2), and the
final loss (the paper: L <~ 1e-5 after 2e6 steps).
predict: the Theorem 6 limit points for the config's directions (no run needed).
plot: RESULTS_DIR/plots/beta_<task>.svg (+ .gp, .dat), beta in its true
coordinates, one panel per alpha (needs gnuplot).
Standard library only.
"""
import csv
import math
import re
import sys

X = (1.0, 2.0)
Y = 1.0
XN = math.hypot(*X)
XH = (X[0] / XN, X[1] / XN)
R2 = math.sqrt(2.0)


def parse_list(s):
    return [float(v) for v in re.findall(r"[-+0-9.eE]+", s)]


def directions(arch, params):
    """(kind, alpha, vbar1, vbar2, z) from the summary.csv row of a run."""
    if arch.startswith("deep_linear"):
        z = parse_list(params["arch.init_matrix"])
        alpha = float(params["arch.scale"])
        # balanced factorization of the 1 x 2 matrix z (sign irrelevant):
        # W1 = sqrt|z| zhat^T (row 1; row 2 zero), W2 = (sqrt|z|, 0)
        n = math.hypot(*z)
        r = math.sqrt(n)
        vb1 = [r * z[0] / n, r * z[1] / n, 0.0, 0.0]
        vb2 = [r, 0.0]
        return "fc", alpha, vb1, vb2, z
    rows = parse_list(params.get("arch.init_directions") or params["arch.init_filters"])
    alpha = float(params["arch.alpha"])
    vb1, vb2 = rows[0:2], rows[2:4]
    kind = "diag" if arch.startswith("diagonal") else "conv"
    z = beta_of(kind, vb1, vb2)
    return kind, alpha, vb1, vb2, z


def svd_of(kind):
    """(U1 as list of columns, U2 as list of columns, s) of M(x)."""
    if kind == "fc":
        U1 = [[XH[0], XH[1], 0.0, 0.0], [0.0, 0.0, XH[0], XH[1]]]
        U2 = [[1.0, 0.0], [0.0, 1.0]]
        return U1, U2, [XN, XN]
    if kind == "diag":
        return [[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [X[0], X[1]]
    return [[1 / R2, 1 / R2], [1 / R2, -1 / R2]], [[1 / R2, 1 / R2], [-1 / R2, 1 / R2]], [3.0, 1.0]


def beta_of(kind, v1, v2):
    if kind == "fc":
        return [v1[i] * v2[0] + v1[2 + i] * v2[1] for i in range(2)]
    if kind == "diag":
        return [v1[0] * v2[0], v1[1] * v2[1]]
    return [v1[0] * v2[0] + v1[1] * v2[1], v1[0] * v2[1] + v1[1] * v2[0]]


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def theorem6(kind, alpha, vb1, vb2):
    U1, U2, s = svd_of(kind)
    e1 = [dot(u, vb1) for u in U1]
    e2 = [dot(u, vb2) for u in U2]

    def g(nu):
        return sum(sj * ((a * a + b * b) / 2 * math.sinh(2 * sj * nu) + a * b * math.cosh(2 * sj * nu))
                   for sj, a, b in zip(s, e1, e2))

    target = Y / alpha ** 2
    lo, hi = -1.0, 1.0
    while g(lo) > target:
        lo *= 2
    while g(hi) < target:
        hi *= 2
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if g(mid) < target:
            lo = mid
        else:
            hi = mid
    nu = 0.5 * (lo + hi)
    a1 = [a * math.cosh(sj * nu) + b * math.sinh(sj * nu) - a for sj, a, b in zip(s, e1, e2)]
    a2 = [a * math.sinh(sj * nu) + b * math.cosh(sj * nu) - b for sj, a, b in zip(s, e1, e2)]
    v1 = [alpha * (vb1[i] + sum(U1[j][i] * a1[j] for j in range(len(s)))) for i in range(len(vb1))]
    v2 = [alpha * (vb2[i] + sum(U2[j][i] * a2[j] for j in range(len(s)))) for i in range(len(vb2))]
    return beta_of(kind, v1, v2)


def load(dirname):
    with open(dirname + "/summary.csv", newline="") as f:
        runs = {r["run_id"]: r for r in csv.DictReader(f)}
    traj = {}
    with open(dirname + "/trajectories.csv", newline="") as f:
        for r in csv.DictReader(f):
            traj.setdefault(r["run_id"], []).append(r)
    return runs, traj


def projection(runs, traj):
    """P (2 x 2) with projection_2d = P beta, from the iteration-0 rows."""
    S = [[0.0] * 2 for _ in range(2)]  # sum beta beta^T
    T = [[0.0] * 2 for _ in range(2)]  # sum p beta^T
    for rid, r in runs.items():
        kind, alpha, vb1, vb2, z = directions(r["architecture"], r)
        if alpha < 0.1:
            continue  # tiny beta(0): poor conditioning, skip
        b0 = [alpha * alpha * v for v in z]
        row = traj[rid][0]
        assert int(row["iteration"]) == 0
        p = [float(row["projection_2d_1"]), float(row["projection_2d_2"])]
        for i in range(2):
            for j in range(2):
                S[i][j] += b0[i] * b0[j]
                T[i][j] += p[i] * b0[j]
    det = S[0][0] * S[1][1] - S[0][1] * S[1][0]
    Si = [[S[1][1] / det, -S[0][1] / det], [-S[1][0] / det, S[0][0] / det]]
    return [[sum(T[i][k] * Si[k][j] for k in range(2)) for j in range(2)] for i in range(2)]


def unproject(P, p):
    det = P[0][0] * P[1][1] - P[0][1] * P[1][0]
    return [(P[1][1] * p[0] - P[0][1] * p[1]) / det, (-P[1][0] * p[0] + P[0][0] * p[1]) / det]


def final_beta(P, rows, runs, rid):
    last = rows[-1]
    b = unproject(P, [float(last["projection_2d_1"]), float(last["projection_2d_2"])])
    # consistency with the exactly recorded |beta|
    if last.get("end_to_end_norm"):
        n = float(last["end_to_end_norm"])
        assert abs(math.hypot(*b) - n) <= 1e-9 * max(1.0, n), (rid, b, n)
    return b


NAMES = {"fc": "fully-connected", "diag": "diagonal", "conv": "conv (2,2)"}


def regression(dirname):
    runs, traj = load(dirname)
    P = projection(runs, traj)
    out = []
    worst = {}
    for rid, r in runs.items():
        kind, alpha, vb1, vb2, z = directions(r["architecture"], r)
        b = final_beta(P, traj[rid], runs, rid)
        pb = theorem6(kind, alpha, vb1, vb2)
        err = max(abs(b[0] - pb[0]), abs(b[1] - pb[1]))
        worst[(kind, alpha)] = max(worst.get((kind, alpha), 0.0), err)
        out.append((["fc", "diag", "conv"].index(kind), alpha, z, kind, b, pb, err, float(r["final_loss"]),
                    r["iterations"]))
    out.sort(key=lambda t: (t[0], t[1], t[2]))
    print("| network | alpha | z | GD beta(T) | Theorem 6 limit | max abs diff | final loss | steps |")
    print("|---|---|---|---|---|---|---|---|")
    for _, alpha, z, kind, b, pb, err, loss, it in out:
        print("| %s | %g | (%g, %g) | (%.4f, %.4f) | (%.4f, %.4f) | %.1e | %.1e | %s |" % (
            NAMES[kind], alpha, z[0], z[1], b[0], b[1], pb[0], pb[1], err, loss, it))
    print()
    print("worst |GD - prediction| per network and alpha:")
    for k in sorted(worst, key=lambda t: (["fc", "diag", "conv"].index(t[0]), t[1])):
        print("  %-16s alpha %-5g %.2e" % (NAMES[k[0]], k[1], worst[k]))


def classification(dirname):
    runs, traj = load(dirname)
    P = projection(runs, traj)
    mm = {"l2 (1,2)/sqrt5": (1 / math.sqrt(5), 2 / math.sqrt(5)), "l1 (0,1)": (0.0, 1.0),
          "DFT-l1 (1,1)/sqrt2": (1 / R2, 1 / R2)}
    own = {"fc": "l2 (1,2)/sqrt5", "diag": "l1 (0,1)", "conv": "DFT-l1 (1,1)/sqrt2"}
    out = []
    for rid, r in runs.items():
        kind, alpha, vb1, vb2, z = directions(r["architecture"], r)
        b = final_beta(P, traj[rid], runs, rid)
        n = math.hypot(*b)
        u = (b[0] / n, b[1] / n)
        ang = {k: math.degrees(math.acos(max(-1.0, min(1.0, dot(u, v))))) for k, v in mm.items()}
        out.append((["fc", "diag", "conv"].index(kind), alpha, z, kind, u, n, ang, float(r["final_loss"]),
                    r["iterations"]))
    out.sort(key=lambda t: (t[0], t[1], t[2]))
    print("| network | alpha | z | beta/norm(beta) at T | norm(beta) | angle to own max-margin dir. (deg) | final loss | steps |")
    print("|---|---|---|---|---|---|---|---|")
    for _, alpha, z, kind, u, n, ang, loss, it in out:
        print("| %s | %g | (%g, %g) | (%.4f, %.4f) | %.2f | %.2f | %.1e | %s |" % (
            NAMES[kind], alpha, z[0], z[1], u[0], u[1], n, ang[own[kind]], loss, it))


def plot(kind_of_task, dirname):
    """DIR/plots/beta_<task>.svg: beta trajectories in the true coordinates
    (projection_2d inverted), one panel per alpha, one colour per network,
    starts beta(0) = alpha^2 z as dots; regression: the Theorem 6 limits as open
    circles on the line of global minima; classification: the three max-margin
    directions as dashed rays in the networks' colours. Drawn with gnuplot from
    DIR/plots/beta_<task>.dat (kept beside the SVG with its .gp script)."""
    import os
    import subprocess
    runs, traj = load(dirname)
    P = projection(runs, traj)
    out = os.path.join(dirname, "plots")
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, "beta_" + kind_of_task)
    alphas = sorted({directions(r["architecture"], r)[1] for r in runs.values()})
    kinds = ["fc", "diag", "conv"]
    blocks = []  # (alpha, kind, rows, predicted)
    for rid, r in sorted(runs.items(), key=lambda t: int(t[0])):
        kind, alpha, vb1, vb2, z = directions(r["architecture"], r)
        pts = [unproject(P, [float(x["projection_2d_1"]), float(x["projection_2d_2"])]) for x in traj[rid]]
        pred = theorem6(kind, alpha, vb1, vb2) if kind_of_task == "regression" else None
        blocks.append((alpha, kind, pts, pred))
    with open(base + ".dat", "w") as f:
        idx = {}
        n = 0
        for a in alphas:
            for k in kinds:
                f.write("# alpha %g, %s: beta_1 beta_2 per checkpoint, runs separated by blank lines\n" % (a, NAMES[k]))
                for alpha, kind, pts, pred in blocks:
                    if alpha == a and kind == k:
                        for b in pts:
                            f.write("%.9g %.9g\n" % (b[0], b[1]))
                        f.write("\n")
                f.write("\n")
                idx[(a, k)] = n
                n += 1
        for a in alphas:
            f.write("# alpha %g: starts (beta(0)) and, for regression, Theorem 6 limits (network index 0-2)\n" % a)
            for alpha, kind, pts, pred in blocks:
                if alpha == a:
                    q = pred if pred else pts[-1]
                    f.write("%.9g %.9g %.9g %.9g %d\n" % (pts[0][0], pts[0][1], q[0], q[1], kinds.index(kind)))
            f.write("\n\n")
            idx[("marks", a)] = n
            n += 1
    col = {"fc": "#1f77b4", "diag": "#d62728", "conv": "#2ca02c"}
    lim = 1.2 if kind_of_task == "regression" else None
    with open(base + ".gp", "w") as g:
        g.write("# beta trajectories of %s (scripts/paper002_theorem6.py plot %s DIR)\n" % (dirname, kind_of_task))
        g.write("set terminal svg size %d,460 dynamic enhanced font 'Sans,12' background rgb 'white'\n" % (430 * len(alphas)))
        g.write("set output '%s'\n" % os.path.basename(base + ".svg"))
        g.write("set multiplot layout 1,%d\n" % len(alphas))
        g.write("set size ratio -1\nset xlabel 'beta_1'\nset ylabel 'beta_2'\nset key bottom left font ',9'\n")
        for a in alphas:
            g.write("set title 'alpha = %g'\n" % a)
            if kind_of_task == "regression":
                g.write("set xrange [-1.2:1.2]\nset yrange [-1.2:1.2]\n")
                g.write("plot (1 - x)/2 w l lc rgb '#bbbbbb' dt 2 t 'x.beta = 1 (global minima)', \\\n")
            else:
                # max-margin directions as dashed rays: l2 (1,2), l1 (0,1), DFT-l1 (1,1)
                g.write("unset arrow\n")
                for (u0, u1), c in (((1, 2), col["fc"]), ((0, 1), col["diag"]), ((1, 1), col["conv"])):
                    r = 6.5 / math.hypot(u0, u1)
                    g.write("set arrow from 0,0 to %g,%g nohead dt 2 lc rgb '%s'\n" % (u0 * r, u1 * r, c))
                g.write("set xrange [-1.5:5]\nset yrange [-1.5:6.5]\n")
                g.write("plot NaN notitle, \\\n")
            parts = []
            for k in kinds:
                parts.append("'%s' index %d using 1:2 w l lw 1.5 lc rgb '%s' t '%s'" % (
                    os.path.basename(base + ".dat"), idx[(a, k)], col[k], NAMES[k]))
            m = idx[("marks", a)]
            parts.append("'%s' index %d using 1:2:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 7 ps 0.6 lc rgb variable notitle" % (os.path.basename(base + ".dat"), m))
            if kind_of_task == "regression":
                parts.append("'%s' index %d using 3:4:(column(5)==0?0x1f77b4:column(5)==1?0xd62728:0x2ca02c) w p pt 6 ps 1.6 lc rgb variable notitle" % (os.path.basename(base + ".dat"), m))
            g.write("     " + ", \\\n     ".join(parts) + "\n")
        g.write("unset multiplot\n")
    subprocess.run(["gnuplot", os.path.basename(base + ".gp")], cwd=out, check=True)
    print("wrote", base + ".svg")


def predictions_only():
    """Theorem 6 limit points for the config's directions (no results needed)."""
    Z = [(0.9, 0.4), (-0.8, 0.6), (-0.6, -0.8), (0.5, -0.9)]
    print("| network | z | alpha = 0.01 | alpha = 0.5 | alpha = 1 |")
    print("|---|---|---|---|---|")
    for kind in ("fc", "diag", "conv"):
        for z in Z:
            cells = []
            for alpha in (0.01, 0.5, 1.0):
                if kind == "fc":
                    n = math.hypot(*z)
                    r = math.sqrt(n)
                    vb1, vb2 = [r * z[0] / n, r * z[1] / n, 0.0, 0.0], [r, 0.0]
                elif kind == "diag":
                    vb1, vb2 = [2.0, 2.0], [z[0] / 2, z[1] / 2]
                else:
                    vb1, vb2 = [2.0, 0.0], [z[0] / 2, z[1] / 2]
                pb = theorem6(kind, alpha, vb1, vb2)
                cells.append("(%.4f, %.4f)" % tuple(pb))
            print("| %s | (%g, %g) | %s |" % (NAMES[kind], z[0], z[1], " | ".join(cells)))


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "predict":
        predictions_only()
    elif len(sys.argv) == 3 and sys.argv[1] == "regression":
        regression(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "classification":
        classification(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "plot" and sys.argv[2] in ("regression", "classification"):
        plot(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
