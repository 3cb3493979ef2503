#!/usr/bin/python3
"""lnnbench against the natural PyTorch training loop on the perf workloads.

    /usr/bin/python3 benchmarks/compare_pytorch.py [--lnnbench build/bin/lnnbench]
        [--repeats 5] [--workloads W1,W2,...] [--out results/perf] [--scale 1.0]

Workloads (issue 6) come from configs/perf.yaml (W1, W2), configs/perf_w3.yaml,
configs/perf_w4.yaml and configs/perf_w5.yaml: architectures, optimizers,
learning rates, inits and iteration counts are read from those files. So that
both programs see the same data, this script draws it (numpy, fixed seeds,
shaped like the configs' problems), writes it as CSV, and runs lnnbench on a
derived config whose problem reads that CSV (W4's inline data point is used
as is).

W6 and W7 (issue 11, configs/perf_w6.yaml and perf_w7.yaml) and W8 (issue 12,
configs/perf_w8.yaml: W6's loop on the DeepOBS fmnist_mlp network, a ReLU MLP
784-1000-500-100-10 with biases) run on real data,
Debian dataset-fashion-mnist's gz IDX files (all 60000 training images, pixels
/ 255): lnnbench reads them through its `dataset` problem, the PyTorch worker
with Python's gzip + numpy, outside the timed loop. W6 is softmax regression
(nn.Linear(784, 10, bias=False), CrossEntropyLoss, mean) trained by SGD on
mini-batches of 128 for one epoch (469 steps, the last on the 96 images left
over): the worker walks a torch.randperm of the rows in slices of 128 (row
gather, zero_grad, forward, loss, backward, step, all timed). lnnbench's
`sampling: shuffle` draws its own permutation: the batch sizes are matched,
not the exact rows (a batch's rows do not change its cost). W7 is a depth-3
bias-free linear network (width 64) on the full batch with the squared loss
1/(2m) ||X W^T - Y||_F^2 on one-hot targets (the `dataset` plugin's scale),
20 GD steps; lnnbench's create (reading the images, l* by least squares over
60000 x 784) is outside its timer. Peak RSS of these two includes the data
(60000 x 784 doubles = 359 MiB per copy).

Run with a subset of the workloads that leaves some of W1-W5/F0 out (e.g.
--workloads W6,W7), the script keeps OUT/summary.md and rewrites only its own
section (marked by HTML comments naming the workloads; appended if absent),
and adds its raw data to OUT/raw.json under "sections". PyTorch (Debian python3-torch) runs float64 with the same thread count
(torch.set_num_threads = the config's `threads:`): bias-free nn.Linear layers
(or the diagonal network's vectors), autograd, torch.optim.SGD; paper 003's
end-to-end preconditioner (W5) as a torch.optim.Optimizer subclass doing the
same SVD-based update as lnnbench's e2e_precond.

The two programs alternate, --repeats times per workload, each run in its own
process (lnnbench `run --isolate off`; a python worker for PyTorch), so peak
RSS (getrusage of that process) is per workload. Seconds per iteration:
lnnbench's own timer (summary.csv seconds_per_iter: optimizer step + loss and
gradient, the harness loop) and, for PyTorch, perf_counter around the whole
training loop divided by the iterations (zero_grad, forward, loss, backward,
step). Data loading and setup are excluded from both. GFLOP/s and the dgemm
peak come from `lnnbench bench` on the same derived config (flops per step as
in bench.md; the peak is BLIS dgemm measured in that process at the same
thread count).

Writes OUT/summary.md (the table) and OUT/raw.json (every measurement).
"""
import argparse
import copy
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# id, config file, architecture block index and grid values, optimizer block
# index, target of the issue (lnnbench speed-up over PyTorch; None = report)
WORKLOADS = [
    ("W1", "perf.yaml", 0, {"width": 1}, 0, 10.0,
     "m = 2565, d = 128, k = 1; deep linear depth 3, width 1; GD"),
    ("W2", "perf.yaml", 0, {"width": 100}, 0, 50.0,
     "m = 2565, d = 128, k = 1; deep linear depth 3, width 100; GD"),
    ("W3", "perf_w3.yaml", 0, {}, 0, 1.0,
     "m = d = k = 256; deep linear depth 4, width 256; GD"),
    ("W4a", "perf_w4.yaml", 0, {}, 0, 100.0,
     "d = 2, one data point; 2-layer diagonal network; GD"),
    ("W4b", "perf_w4.yaml", 1, {}, 0, 100.0,
     "d = 2, one data point; 2-layer fully connected (width 2); GD"),
    ("W5a", "perf_w5.yaml", 0, {"depth": 1}, 1, None,
     "k = 16, d = 512, m = 1024; e2e_precond depth 3 on the single layer"),
    ("W5b", "perf_w5.yaml", 0, {"depth": 3}, 0, None,
     "k = 16, d = 512, m = 1024; deep linear depth 3 (width 512), GD"),
    ("W6", "perf_w6.yaml", 0, {}, 0, 1.5,
     "Fashion-MNIST m = 60000, d = 784, k = 10; softmax regression, SGD batches of 128, 1 epoch"),
    ("W7", "perf_w7.yaml", 0, {}, 0, 100.0,
     "Fashion-MNIST m = 60000, d = 784, k = 10; deep linear depth 3, width 64, full-batch "
     "squared loss; GD"),
    ("W8", "perf_w8.yaml", 0, {}, 0, 1.2,
     "Fashion-MNIST m = 60000, d = 784, k = 10; ReLU MLP 784-1000-500-100-10 with biases "
     "(DeepOBS fmnist_mlp), SGD batches of 128, 1 epoch"),
    ("F0", "perf_footprint.yaml", 0, {}, 0, None,
     "footprint probe: m = d = k = 16, deep linear depth 2; GD (libraries initialized)"),
]
FOOTPRINT = "F0"  # its peak RSS is each program's footprint with its libraries initialized


def die(msg, code=2):
    print("compare_pytorch.py: " + msg, file=sys.stderr)
    sys.exit(code)


# --------------------------------------------------------------------- data

def make_data(np, problem, seed):
    """(X, Y, problem block for lnnbench, loss scale c) for a config's problem."""
    rng = np.random.default_rng(seed)
    plugin = problem["plugin"]
    if plugin == "lsq" and "A" in problem:  # inline (W4)
        X = np.array(problem["A"], dtype=np.float64)
        Y = np.array(problem["b"], dtype=np.float64).reshape(X.shape[0], -1)
        return X, Y, dict(problem), 0.5 / X.shape[0]
    if plugin == "lp_regression":
        if problem.get("p", 2) != 2:
            die("only p = 2 workloads are compared")
        if problem.get("preset") == "ethanol":
            m, d, k = 2565, 128, 1
            corr, noise = 0.95, 0.5
        else:
            m, d, k = problem["m"], problem["d"], problem.get("k", 1)
            corr, noise = problem.get("correlation", 0.0), problem.get("noise", 0.0)
        # AR(1) features, linear targets plus noise, standardized columns
        X = np.empty((m, d))
        X[:, 0] = rng.standard_normal(m)
        for j in range(1, d):
            X[:, j] = corr * X[:, j - 1] + math.sqrt(1 - corr * corr) * rng.standard_normal(m)
        Y = X @ (rng.standard_normal((d, k)) / math.sqrt(d)) + noise * rng.standard_normal((m, k))
        X = (X - X.mean(0)) / X.std(0)
        Y = (Y - Y.mean(0)) / Y.std(0)
        block = {"plugin": "lp_regression", "p": 2, "standardize": False}
        return X, Y, block, 0.5 / m
    if plugin == "lsq":
        m, d, k = problem.get("m", 100), problem.get("d", 20), problem.get("k", 1)
        cond, noise = problem.get("condition", 1.0), problem.get("noise", 0.0)
        q = min(m, d)
        U, _ = np.linalg.qr(rng.standard_normal((m, q)))
        V, _ = np.linalg.qr(rng.standard_normal((d, q)))
        s = math.sqrt(m) * np.logspace(0, -math.log10(cond), q)
        X = (U * s) @ V.T
        Y = X @ (rng.standard_normal((k, d)) / math.sqrt(d)).T + noise * rng.standard_normal((m, k))
        block = {"plugin": "lsq", "k": k}
        if problem.get("reduction", "mean") == "sum":
            block["reduction"] = "sum"
            return X, Y, block, 0.5
        return X, Y, block, 0.5 / m
    die("no data generator for problem plugin '%s'" % plugin)


FMNIST_DIR = "/usr/share/datasets/fashion-mnist"


def load_fmnist(np, subset=0):
    """(X m x 784 in [0, 1], labels m) from dataset-fashion-mnist's gz IDX files."""
    import gzip
    paths = [os.path.join(FMNIST_DIR, "train-images-idx3-ubyte.gz"),
             os.path.join(FMNIST_DIR, "train-labels-idx1-ubyte.gz")]
    for p in paths:
        if not os.path.isfile(p):
            die("%s missing: apt-get install dataset-fashion-mnist" % p)
    with gzip.open(paths[0], "rb") as f:
        raw = f.read()
    n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    X = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows * cols) / 255.0
    with gzip.open(paths[1], "rb") as f:
        lab = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    if subset:
        X, lab = X[:subset], lab[:subset]
    return X, lab


# ------------------------------------------------------------ torch worker

def worker(spec_path):
    import numpy as np
    import torch

    with open(spec_path) as f:
        spec = json.load(f)
    torch.set_num_threads(spec["threads"])
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(spec["seed"])
    k = spec["k"]
    ds = spec.get("dataset")
    if ds:  # Fashion-MNIST from the gz IDX files, outside the timed loop
        Xn, lab = load_fmnist(np, ds.get("subset", 0))
        X = torch.tensor(Xn)
        labels = torch.tensor(lab)
        Y = torch.nn.functional.one_hot(labels, k).to(torch.float64)
    else:
        data = np.loadtxt(spec["data"], delimiter=",", ndmin=2)
        X = torch.tensor(data[:, :-k])
        Y = torch.tensor(data[:, -k:])
    m, d = X.shape
    c = spec["c"]
    arch, opt = spec["arch"], spec["opt"]
    depth = int(arch.get("depth", 2))

    if arch["plugin"] == "deep_linear":
        width = int(arch.get("width", d))
        dims = [d] + [width] * (depth - 1) + [k]
        model = torch.nn.Sequential(
            *[torch.nn.Linear(dims[i], dims[i + 1], bias=False) for i in range(depth)])
        with torch.no_grad():
            for layer in model:
                if arch.get("init", "gaussian") == "gaussian":
                    layer.weight.normal_(0.0, float(arch.get("init_std", 0.01)))
    elif arch["plugin"] == "diagonal":  # beta = w_1 o ... o w_L, y = X beta
        alpha = float(arch.get("alpha", 0.1))

        class Diagonal(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = torch.nn.ParameterList(
                    [torch.nn.Parameter(alpha * torch.randn(d)) for _ in range(depth)])

            def forward(self, x):
                beta = self.w[0]
                for w in self.w[1:]:
                    beta = beta * w
                return (x @ beta).unsqueeze(1)

        model = Diagonal()
    elif arch["plugin"] == "mlp":  # W8: dense layers with biases and an activation between
        if arch.get("activation", "relu") != "relu" or int(arch.get("overparameterize", 1)) != 1:
            raise SystemExit("worker: only the plain ReLU mlp is compared")
        dims = [d] + [int(w) for w in arch.get("widths", [])] + [k]
        bias = bool(arch.get("bias", True))
        layers = []
        for i in range(len(dims) - 1):
            lin = torch.nn.Linear(dims[i], dims[i + 1], bias=bias)
            with torch.no_grad():  # lnnbench's glorot: N(0, 2/(in + out)); biases start at 0
                if arch.get("init", "he") != "glorot":
                    raise SystemExit("worker: mlp init %s" % arch.get("init"))
                torch.nn.init.xavier_normal_(lin.weight)
                if bias:
                    lin.bias.zero_()
            layers.append(lin)
            if i < len(dims) - 2:
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
    elif arch["plugin"] == "linear":
        model = torch.nn.Linear(d, k, bias=False)
        with torch.no_grad():  # lnnbench's linear starts at zero (init: zero)
            model.weight.zero_()
    else:
        raise SystemExit("worker: architecture %s" % arch["plugin"])

    lr = float(opt.get("lr", 0.01))
    if opt["plugin"] == "gd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr,
                                    weight_decay=float(opt.get("weight_decay", 0.0)))
    elif opt["plugin"] == "e2e_precond":
        N = int(opt.get("depth", 2))

        class E2EPrecond(torch.optim.Optimizer):
            """paper 003 Eq. 9 on a single layer W (k x d), via one thin SVD."""

            def __init__(self, params):
                super().__init__(params, dict(lr=lr))

            @torch.no_grad()
            def step(self):
                for group in self.param_groups:
                    for W in group["params"]:
                        G = W.grad
                        U, s, Vh = torch.linalg.svd(W, full_matrices=False)
                        tol = max(W.shape) * torch.finfo(W.dtype).eps * s[0]
                        s = torch.where(s > tol, s, torch.zeros_like(s))
                        pw = [s ** (2.0 * j / N) for j in range(N)]
                        P = (G @ Vh.T) * pw[N - 1] @ Vh + U @ ((U.T @ G) * pw[N - 1][:, None])
                        if N > 2:
                            C = sum(torch.outer(pw[j - 1], pw[N - j]) for j in range(2, N))
                            P += U @ (((U.T @ G @ Vh.T) * C) @ Vh)
                        W.sub_(group["lr"] * P)

        optimizer = E2EPrecond(model.parameters())
    else:
        raise SystemExit("worker: optimizer %s" % opt["plugin"])

    iters = spec["iters"]
    if ds and ds["loss"] == "softmax":  # W6: mini-batch SGD on the mean cross-entropy
        crit = torch.nn.CrossEntropyLoss()
        B = spec["batch_size"]
        gen = torch.Generator().manual_seed(spec["seed"])
        t0 = time.perf_counter()
        perm = torch.randperm(m, generator=gen)
        for s in range(0, iters * B, B):
            idx = perm[s:s + B]
            optimizer.zero_grad()
            loss = crit(model(X[idx]), labels[idx])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            final = float(crit(model(X), labels))
    else:
        if ds and ds["loss"] != "squared":
            raise SystemExit("worker: dataset loss %s" % ds["loss"])
        t0 = time.perf_counter()
        for _ in range(iters):
            optimizer.zero_grad()
            loss = ((model(X) - Y) ** 2).sum() * c
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            final = float(((model(X) - Y) ** 2).sum() * c)
    print(json.dumps({"seconds_per_iter": seconds / iters, "final_loss": final,
                      "torch": torch.__version__}))


# ---------------------------------------------------------------- driver

GNU_TIME = "/usr/bin/time"


def run_measured(cmd, env=None):
    """Run cmd; return (returncode, stdout, stderr, peak RSS in bytes).

    The peak RSS is GNU time's %M: Linux copies the RSS high-water mark of a
    process image into ru_maxrss at exec, so a child forked from this (large)
    Python process would report at least Python's RSS; GNU time forks from a
    small process instead."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        p = subprocess.run([GNU_TIME, "-f", "%M", "-o", rss.name] + cmd, stdout=out,
                           stderr=err, env=env)
        out.seek(0)
        err.seek(0)
        text = rss.read().strip().splitlines()
        kb = int(text[-1]) if text and text[-1].isdigit() else -1
        return p.returncode, out.read().decode(), err.read().decode(), kb * 1024


def human(nbytes):
    return "%.1f MiB" % (nbytes / 2**20)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--lnnbench", default=os.path.join(ROOT, "build", "bin", "lnnbench"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workloads", default=",".join(w[0] for w in WORKLOADS))
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "perf"))
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every iteration count (quick checks: 0.1)")
    ap.add_argument("--bench-min-time", default="0.5",
                    help="--benchmark_min_time of the lnnbench bench runs")
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker)

    try:
        import numpy as np
        import yaml
    except ImportError as e:
        die("needs numpy and PyYAML (Debian: apt-get install python3-numpy python3-yaml): %s" % e)
    probe = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        die("PyTorch is not importable by %s. Install Debian's python3-torch "
            "(apt-get install -y python3-torch) and run this script with /usr/bin/python3.\n%s"
            % (sys.executable, probe.stderr.strip().splitlines()[-1] if probe.stderr else ""))
    torch_version = probe.stdout.strip()
    if not os.access(GNU_TIME, os.X_OK):
        die("needs GNU time (%s) to measure peak RSS: apt-get install time" % GNU_TIME)
    if not os.access(args.lnnbench, os.X_OK):
        die("%s is not an executable; build lnnbench first (scripts/build.sh) or pass --lnnbench"
            % args.lnnbench)
    help_text = subprocess.run([args.lnnbench, "bench", "--help"], capture_output=True, text=True)
    if help_text.returncode != 0:
        die("%s has no `bench` command (configure with libbenchmark-dev installed)" % args.lnnbench)

    wanted = args.workloads.split(",")
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="lnb-perf-")
    raw = {"workloads": {}, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "loadavg_start": os.getloadavg()}
    try:
        jobs = []
        for wid, cfgname, ai, avals, oi, target, desc in WORKLOADS:
            if wid not in wanted:
                continue
            with open(os.path.join(ROOT, "configs", cfgname)) as f:
                cfg = yaml.safe_load(f)
            arch = copy.deepcopy(cfg["architectures"][ai])
            arch.update(avals)
            opt = copy.deepcopy(cfg["optimizers"][oi])
            opt.pop("with", None)
            for block in (arch, opt):
                for key, val in block.items():
                    if isinstance(val, list) and key not in ("widths", "A", "b"):
                        die("%s: %s.%s is a grid axis; name one value in WORKLOADS"
                            % (cfgname, block["plugin"], key))
            threads = int(cfg.get("threads", 1))
            problem = cfg["problem"]
            batch = opt.get("batch_size", "full")
            dataset = None
            if problem["plugin"] == "dataset":  # real data, read by both programs
                if problem.get("name") != "fashion_mnist":
                    die("%s: only the fashion_mnist dataset is compared" % cfgname)
                dataset = {"loss": problem.get("loss", "softmax"),
                           "subset": int(problem.get("subset", 0))}
                m, d, k = dataset["subset"] or 60000, 784, 10
                pblock, c, data_path = dict(problem), 0.5 / m, None
                stop = cfg["stop"]
                if "max_epochs" in stop:  # one step per batch of each epoch
                    if batch == "full":
                        die("%s: max_epochs needs a batch_size" % cfgname)
                    full = int(stop["max_epochs"]) * math.ceil(m / int(batch))
                else:
                    full = int(stop["max_iters"])
                iters = max(1, int(round(full * args.scale)))
                dstop = {"max_iters": iters}
                if "max_epochs" in stop:
                    dstop["max_epochs"] = stop["max_epochs"]
            else:
                iters = max(1, int(round(cfg["stop"]["max_iters"] * args.scale)))
                dstop = {"max_iters": iters}
                X, Y, pblock, c = make_data(np, problem, seed=sum(map(ord, wid[:2])))
                data_path = os.path.join(tmp, wid + ".csv")
                np.savetxt(data_path, np.hstack([X, Y]), delimiter=",", fmt="%.17g")
                if "A" not in pblock:
                    pblock["path"] = data_path
                m, d = X.shape
                k = Y.shape[1]
            derived = {"name": "perf_" + wid, "seeds": [0], "problem": pblock,
                       "architectures": [arch], "optimizers": [opt],
                       "stop": dstop, "record": {"per_decade": 1},
                       "threads": threads}
            cfg_path = os.path.join(tmp, wid + ".yaml")
            with open(cfg_path, "w") as f:
                yaml.safe_dump(derived, f, default_flow_style=None, sort_keys=False)
            if arch["plugin"] == "deep_linear":
                depth, width = int(arch.get("depth", 2)), int(arch.get("width", d))
                dims = [d] + [width] * (depth - 1) + [k]
                params = sum(dims[i] * dims[i + 1] for i in range(depth))
            elif arch["plugin"] == "linear":
                params = k * d
            elif arch["plugin"] == "mlp":
                dims = [d] + [int(w) for w in arch.get("widths", [])] + [k]
                params = sum(dims[i] * dims[i + 1] + (dims[i + 1] if arch.get("bias", True)
                                                      else 0) for i in range(len(dims) - 1))
            else:
                params = int(arch.get("depth", 2)) * d
            state = 0  # GD and e2e_precond keep no per-parameter state
            spec = {"threads": threads, "seed": 0, "data": data_path, "k": k, "c": c,
                    "arch": arch, "opt": opt, "iters": iters, "dataset": dataset,
                    "batch_size": None if batch == "full" else int(batch)}
            spec_path = os.path.join(tmp, wid + ".json")
            with open(spec_path, "w") as f:
                json.dump(spec, f)
            jobs.append(dict(id=wid, desc=desc, target=target, cfg=cfg_path, spec=spec_path,
                             iters=iters, threads=threads, m=m, d=d, k=k, batch=batch,
                             bytes=8 * (m * d + m * k + params + state), lnb=[], torch=[]))

        # flops per step and the in-process dgemm peak, from `lnnbench bench`
        for j in jobs:
            bdir = os.path.join(tmp, j["id"] + "-bench")
            rc, out, err, _ = run_measured([args.lnnbench, "bench", j["cfg"], "--out", bdir,
                                            "--quiet", "--benchmark_min_time=" + args.bench_min_time])
            if rc != 0:
                die("lnnbench bench %s failed:\n%s%s" % (j["cfg"], out, err))
            with open(os.path.join(bdir, "bench.json")) as f:
                bj = json.load(f)
            run = bj["benchmarks"][0]
            j["flops"] = run["flops_per_step"]  # a mini-batch step's own (bench scales eval's)
            j["bench_s"] = run["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[
                run["time_unit"]]
            j["peak"] = float(bj["context"]["dgemm_peak_flops"])
            j["peak_n"] = bj["context"]["dgemm_peak_n"]
            j["build_type"] = bj["context"].get("lnnbench_build_type", "?")
            j["lnnbench_version"] = bj["context"].get("lnnbench_version", "?")

        # alternate the two programs, each run in its own process
        for rep in range(args.repeats):
            for j in jobs:
                order = ("lnb", "torch") if rep % 2 == 0 else ("torch", "lnb")
                for who in order:
                    if who == "lnb":
                        odir = os.path.join(tmp, "%s-run%d" % (j["id"], rep))
                        rc, out, err, rss = run_measured(
                            [args.lnnbench, "run", j["cfg"], "--out", odir, "--isolate", "off",
                             "--quiet"])
                        if rc != 0:
                            die("lnnbench run %s failed (exit %d):\n%s%s" % (j["cfg"], rc, out, err))
                        import csv
                        with open(os.path.join(odir, "summary.csv")) as f:
                            row = next(csv.DictReader(f))
                        if int(row["iterations"]) != j["iters"]:
                            die("%s: lnnbench stopped after %s of %d iterations (%s)"
                                % (j["id"], row["iterations"], j["iters"], row["status"]))
                        j["lnb"].append({"s": float(row["seconds_per_iter"]), "rss": rss,
                                         "final_loss": float(row["final_loss"])})
                    else:
                        rc, out, err, rss = run_measured(
                            [sys.executable, os.path.abspath(__file__), "--worker", j["spec"]])
                        if rc != 0:
                            die("PyTorch worker for %s failed:\n%s%s" % (j["id"], out, err))
                        res = json.loads(out.strip().splitlines()[-1])
                        j["torch"].append({"s": res["seconds_per_iter"], "rss": rss,
                                           "final_loss": res["final_loss"]})
                print("%s repeat %d: lnnbench %.3g s/iter, PyTorch %.3g s/iter"
                      % (j["id"], rep + 1, j["lnb"][-1]["s"], j["torch"][-1]["s"]),
                      file=sys.stderr)

        # the baseline footprint of each program: the smallest workload's process
        raw["loadavg_end"] = os.getloadavg()
        write_summary(args, jobs, raw, torch_version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_summary(args, jobs, raw, torch_version):
    def med(xs):
        return statistics.median(xs)

    rows = []
    base_lnb = min(med([r["rss"] for r in j["lnb"]]) for j in jobs)
    base_torch = min(med([r["rss"] for r in j["torch"]]) for j in jobs)
    probe = [j for j in jobs if j["id"] == FOOTPRINT]
    init_lnb = med([r["rss"] for r in probe[0]["lnb"]]) if probe else None
    init_torch = med([r["rss"] for r in probe[0]["torch"]]) if probe else None
    for j in jobs:
        sl, st = med([r["s"] for r in j["lnb"]]), med([r["s"] for r in j["torch"]])
        rl, rt = max(r["rss"] for r in j["lnb"]), max(r["rss"] for r in j["torch"])
        gf = j["flops"] / sl
        ratio = st / sl
        verdict = "-"
        if j["target"] is not None:
            verdict = ("met" if ratio >= j["target"] else
                       "MISSED (%.2fx of %gx)" % (ratio, j["target"]))
        rows.append(dict(j, sl=sl, st=st, rl=rl, rt=rt, gf=gf, ratio=ratio, verdict=verdict,
                         spread_l=(min(r["s"] for r in j["lnb"]), max(r["s"] for r in j["lnb"])),
                         spread_t=(min(r["s"] for r in j["torch"]), max(r["s"] for r in j["torch"])),
                         fl=med([r["final_loss"] for r in j["lnb"]]),
                         ft=med([r["final_loss"] for r in j["torch"]])))
        raw["workloads"][j["id"]] = {k: v for k, v in j.items() if k not in ("spec", "cfg")}
    ids = [j["id"] for j in jobs]
    summary_path = os.path.join(args.out, "summary.md")
    partial = (any(wl[0] not in ids for wl in WORKLOADS) and os.path.exists(summary_path))
    lines = []
    w = lines.append
    if partial:
        w("## %s (a separate run)" % ", ".join(ids))
    else:
        w("# lnnbench vs PyTorch: seconds per iteration on the perf workloads")
    w("")
    w("Written by `benchmarks/compare_pytorch.py` (issue 6). Median over %d alternating runs of "
      "each program, every run its own process; same data (drawn by the script, read by both "
      "from CSV%s), float64, %s thread(s) for both, the same iteration counts." %
      (args.repeats, "; W6-W8: Fashion-MNIST's IDX files, see below"
       if {"W6", "W7", "W8"} & set(ids) else "", ",".join(sorted({str(j["threads"]) for j in jobs}))))
    w("")
    w("| id | workload | iters | lnnbench s/iter | PyTorch s/iter | PyTorch / lnnbench | target "
      "| verdict | lnnbench GFLOP/s | % of dgemm peak | peak RSS lnnbench | peak RSS PyTorch "
      "| data+params+state |")
    w("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        w("| %s | %s | %d | %.3e | %.3e | %.1f× | %s | %s | %.2f | %.1f | %s | %s | %s |" % (
            r["id"], r["desc"], r["iters"], r["sl"], r["st"], r["ratio"],
            "≥ %g×" % r["target"] if r["target"] is not None else "report",
            r["verdict"], r["gf"] * 1e-9, 100 * r["gf"] / r["peak"], human(r["rl"]),
            human(r["rt"]), human(r["bytes"])))
    w("")
    if init_lnb is None or len(jobs) < 2:
        w("Peak RSS is each process's whole peak (no footprint probe F0 in this run; F0 above: "
          "lnnbench about 9 MiB, PyTorch about 244 MiB).")
        w("")
    if init_lnb is not None and len(jobs) > 1:
        memory_table(w, rows, base_lnb, base_torch, init_lnb, init_torch)
    w("Details:")
    w("")
    for r in rows:
        w("- %s: lnnbench %.3e .. %.3e s/iter, PyTorch %.3e .. %.3e (min .. max over the runs); "
          "`lnnbench bench` %.3e s/step, %.4g flops/step; final loss lnnbench %.6g, PyTorch %.6g "
          "(different random inits); dgemm peak %.2f GFLOP/s (n = %s)."
          % (r["id"], r["spread_l"][0], r["spread_l"][1], r["spread_t"][0], r["spread_t"][1],
             r["bench_s"], r["flops"], r["fl"], r["ft"], r["peak"] * 1e-9, r["peak_n"]))
    j0 = jobs[0]
    w("")
    w("Machine: %s; %d CPUs; load average %.2f at the start, %.2f at the end. lnnbench %s (%s "
      "build), PyTorch %s, Python %s." % (
          cpu_model(), os.cpu_count(), raw["loadavg_start"][0], raw["loadavg_end"][0],
          j0["lnnbench_version"], j0["build_type"], torch_version, platform.python_version()))
    w("")
    w("Targets missed, profiles and the before/after of the speed work: "
      "[README.md](README.md) in this folder (written by hand).")
    w("")
    w("How: lnnbench's seconds per iteration are its own timer (summary.csv `seconds_per_iter`: "
      "optimizer step plus loss and gradient, the harness loop, checkpoints excluded); "
      "PyTorch's are perf_counter around the loop `zero_grad(); loss = c*((model(X)-Y)**2).sum(); "
      "loss.backward(); step()` divided by the iterations. GFLOP/s = `lnnbench bench`'s flops per "
      "step / the median seconds per iteration; the dgemm peak is measured in the `lnnbench "
      "bench` process (BLIS, same threads). Peak RSS: getrusage of each run's process "
      "(lnnbench `run --isolate off`; a Python worker importing torch).")
    if {"W6", "W7", "W8"} & set(ids):
        w("")
        w("W6-W8 read Fashion-MNIST's gz IDX files (lnnbench: the `dataset` problem; PyTorch: "
          "gzip + numpy before the timer). W6's PyTorch loop is `perm = randperm(m)` then, per "
          "slice of 128, `zero_grad(); loss = CrossEntropyLoss()(model(X[idx]), labels[idx]); "
          "backward(); step()`; lnnbench's batches come from its own shuffle, so batch sizes "
          "(128, the last 96), not the exact rows, are matched. W7's loop is the squared one "
          "above with c = 1/(2m) on one-hot targets. W8's loop is W6's with an nn.Sequential of "
          "nn.Linear (biases) and nn.ReLU, Glorot-normal weights (torch.nn.init.xavier_normal_, "
          "lnnbench's `init: glorot`) and zero biases, each program drawing its own. lnnbench's "
          "create (image reading, l*) is outside its timer, as the data loading is outside "
          "PyTorch's.")
    text = "\n".join(lines) + "\n"
    if partial:
        begin = "<!-- compare_pytorch %s begin -->" % ",".join(ids)
        end = "<!-- compare_pytorch %s end -->" % ",".join(ids)
        with open(summary_path) as f:
            old = f.read()
        section = begin + "\n" + text + end + "\n"
        if begin in old and end in old:
            old = old[:old.index(begin)] + section + old[old.index(end) + len(end) + 1:]
        else:
            old = old.rstrip("\n") + "\n\n" + section
        with open(summary_path, "w") as f:
            f.write(old)
        raw_path = os.path.join(args.out, "raw.json")
        full_raw = {}
        if os.path.exists(raw_path):
            with open(raw_path) as f:
                full_raw = json.load(f)
        full_raw.setdefault("sections", {})[",".join(ids)] = raw
        with open(raw_path, "w") as f:
            json.dump(full_raw, f, indent=1, default=str)
    else:
        with open(summary_path, "w") as f:
            f.write(text)
        with open(os.path.join(args.out, "raw.json"), "w") as f:
            json.dump(raw, f, indent=1, default=str)
    print(text)


def memory_table(w, rows, base_lnb, base_torch, init_lnb, init_torch):
    w("Memory (targets: W2 and W3 at most 1.5× data + parameters + optimizer state). A "
      "process's peak RSS includes its fixed footprint (executable, shared libraries, "
      "allocator, and the one-time buffers and contexts of the libraries once initialized). "
      "Two measures of it: the smallest peak RSS over these workloads (the tiny W4 runs, "
      "whose products are too small to reach BLIS): lnnbench %s, PyTorch %s; and the "
      "footprint probe %s (`configs/perf_footprint.yaml`: m = d = k = 16, every library "
      "called): lnnbench %s, PyTorch %s. Peak RSS above each, divided by data + parameters "
      "+ optimizer state (gradients, workspaces and caches are what the ratio measures):"
      % (human(base_lnb), human(base_torch), FOOTPRINT,
         human(init_lnb) if init_lnb else "-", human(init_torch) if init_torch else "-"))
    w("")
    w("| id | data+params+state | lnnbench above the probe | ratio | lnnbench above W4 | ratio "
      "| PyTorch above the probe | ratio | PyTorch above W4 | ratio |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["id"] == FOOTPRINT or r["bytes"] < 1 << 20:
            continue  # the probe itself, and W4 (a few bytes of data: ratios say nothing)
        al, at = r["rl"] - base_lnb, r["rt"] - base_torch
        il = r["rl"] - init_lnb if init_lnb else float("nan")
        it = r["rt"] - init_torch if init_torch else float("nan")
        w("| %s | %s | %s | %.2f | %s | %.2f | %s | %.2f | %s | %.2f |" % (
            r["id"], human(r["bytes"]), human(il), il / r["bytes"], human(al), al / r["bytes"],
            human(it), it / r["bytes"], human(at), at / r["bytes"]))
    w("")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


if __name__ == "__main__":
    main()
