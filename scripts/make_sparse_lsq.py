#!/usr/bin/env python3
"""Write a small sparse least-squares data set in LIBSVM format, shaped like
the rcv1 multiclass set that paper 000 (Sec. 4.1, Fig. 4.1) used: bag-of-words
tf-idf rows normalized to unit l2 length, a multiclass label (53 classes)
used as the regression target, and both A and b divided by 52 as the paper
did. It imitates the shape only (sparsity, skewed feature frequencies,
nonnegative unit rows, integer targets in [1/52, 53/52]); nothing is
downloaded and no rcv1 data are used.

Rows: each row has a class c in 1..53; its words are drawn from a Zipf
distribution over the d features (exponent 1.1) mixed with a class-specific
block of 40 "topic" features (probability 0.3), so the features carry
information about the target. Word counts become tf-idf values
(1 + log count) * log(n / df), the row is normalized to unit length, then
divided by 52. The label line is c / 52. Features that no row uses are dropped
and the rest renumbered (the paper removed rcv1's zero columns), so d is the
number of distinct features used (1829 with the defaults).

Deterministic: the same arguments give the same file byte for byte.
usage: python3 scripts/make_sparse_lsq.py [--n 500] [--d 2000] [--words 40]
                                          [--seed 1] [--out configs/data/sparse_lsq.libsvm]
"""
import argparse
import bisect
import math
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500, help="rows (samples)")
    ap.add_argument("--d", type=int, default=2000, help="features before dropping unused ones")
    ap.add_argument("--words", type=int, default=40, help="mean words per row (tokens, with repeats)")
    ap.add_argument("--classes", type=int, default=53)
    ap.add_argument("--scale", type=float, default=52.0, help="A and b are divided by this")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="configs/data/sparse_lsq.libsvm")
    a = ap.parse_args()
    rng = random.Random(a.seed)

    # Zipf weights over features, in a random order of feature ids
    perm = list(range(a.d))
    rng.shuffle(perm)
    cum, s = [], 0.0
    for r in range(a.d):
        s += 1.0 / (r + 1) ** 1.1
        cum.append(s)
    topics = [rng.sample(range(a.d), 40) for _ in range(a.classes)]

    rows = []
    df = [0] * a.d
    for _ in range(a.n):
        c = rng.randint(1, a.classes)
        ntok = max(3, int(rng.expovariate(1.0 / a.words)) + 3)
        counts = {}
        for _ in range(ntok):
            if rng.random() < 0.3:
                j = rng.choice(topics[c - 1])
            else:
                j = perm[bisect.bisect_left(cum, rng.random() * s)]
            counts[j] = counts.get(j, 0) + 1
        for j in counts:
            df[j] += 1
        rows.append((c, counts))

    # drop never-used features (the paper removed rcv1's zero columns):
    # renumber the used ones 1..D in their original order
    used = sorted(j for j in range(a.d) if df[j] > 0)
    newid = {j: i + 1 for i, j in enumerate(used)}
    with open(a.out, "w") as f:
        for c, counts in rows:
            vals = {j: (1.0 + math.log(k)) * math.log(a.n / df[j]) for j, k in counts.items()}
            vals = {j: v for j, v in vals.items() if v > 0.0}
            nrm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
            feats = " ".join("%d:%.6g" % (newid[j], v / nrm / a.scale) for j, v in sorted(vals.items()))
            f.write("%.6g %s\n" % (c / a.scale, feats))


if __name__ == "__main__":
    main()
