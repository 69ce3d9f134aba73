#!/usr/bin/env python3
"""Derives Winograd F(m, 4) transforms (the correlation of 4 taps, m outputs per tile) for a
set of interpolation points, and measures the fp32 error of a 2-D tile's transform against a
direct fp32 sum, both against float64: how common/winograd_stem.h's points were chosen.

    python3 scripts/winograd_points.py            # the candidate sets of docs/Benchmarks.md
    python3 scripts/winograd_points.py --print=3:0,1,-1,2,-1/2   # F(3,4)'s matrices

Construction (Lavin & Gray 2016, as wincnn): for finite points a_i and infinity, AT[k][i] =
a_i^k, G[i][j] = a_i^j / prod_{l != i} (a_i - a_l), the infinity row and column picking the
last coefficient; BT solves sum_i AT[k][i] G[i][j] BT[i][l] = [l == k + j] exactly (sympy).
Needs sympy and numpy (Debian: python3-sympy, python3-numpy).
"""
import argparse
import sys
from fractions import Fraction

import numpy as np
import sympy as sp

R = 4  # taps of the phase kernels


def transforms(m, points):
    n = m + R - 1
    a = [sp.Rational(str(p)) for p in points]
    if len(a) != n - 1:
        sys.exit("F(%d, %d) needs %d finite points" % (m, R, n - 1))
    at, g = sp.zeros(m, n), sp.zeros(n, R)
    for i, ai in enumerate(a):
        den = sp.prod([ai - aj for j, aj in enumerate(a) if j != i])
        for k in range(m):
            at[k, i] = ai**k
        for j in range(R):
            g[i, j] = ai**j / den
    at[m - 1, n - 1] = 1
    g[n - 1, R - 1] = 1
    bt = sp.zeros(n, n)
    xs = sp.symbols("x0:%d" % n)
    for col in range(n):
        eqs = [sum(at[k, i] * g[i, j] * xs[i] for i in range(n)) - (1 if col == k + j else 0)
               for k in range(m) for j in range(R)]
        sol = sp.solve(eqs, xs, dict=True)
        if not sol:
            sys.exit("no input transform for points %s" % points)
        for i in range(n):
            bt[i, col] = sol[0].get(xs[i], 0)
    return at, g, bt


def errors(m, points, trials, seed=0):
    """Mean over random tiles of the largest |error| of the Winograd and the direct fp32
    results against float64 (unit-variance inputs, weights of 0.1)."""
    at, g, bt = (np.array(t, dtype=np.float64) for t in transforms(m, points))
    n = m + R - 1
    f32 = lambda t: t.astype(np.float32)
    rng = np.random.default_rng(seed)
    wino, direct = [], []
    for _ in range(trials):
        d = rng.standard_normal((n, n)).astype(np.float32)
        w = (rng.standard_normal((R, R)) * 0.1).astype(np.float32)
        ref = np.array([[np.sum(w.astype(np.float64) * d[i:i + R, j:j + R]) for j in range(m)]
                        for i in range(m)])
        u = f32(g @ w.astype(np.float64) @ g.T)  # the weights' transform, in double (compile time)
        v = f32(bt) @ d @ f32(bt).T
        y = f32(at) @ (u * v) @ f32(at).T
        dsum = np.array([[np.sum(w * d[i:i + R, j:j + R], dtype=np.float32) for j in range(m)]
                         for i in range(m)])
        wino.append(np.abs(y - ref).max())
        direct.append(np.abs(dsum - ref).max())
    return float(np.mean(wino)), float(np.mean(direct))


CANDIDATES = [
    (2, ["0", "1", "-1", "2"]),
    (3, ["0", "1", "-1", "2", "-2"]),
    (3, ["0", "1", "-1", "1/2", "-1/2"]),
    (3, ["0", "1", "-1", "2", "1/2"]),
    (3, ["0", "1", "-1", "2", "-1/2"]),
    (4, ["0", "1", "-1", "2", "-2", "1/2"]),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--print", metavar="M:POINTS",
                    help="print F(M, 4)'s AT, G, BT for these finite points (comma-separated)")
    ap.add_argument("--trials", type=int, default=300)
    args = ap.parse_args()
    if args.print:
        m, pts = args.print.split(":")
        at, g, bt = transforms(int(m), pts.split(","))
        for name, t in (("AT", at), ("G", g), ("BT", bt)):
            print(name, [[str(Fraction(str(x))) for x in row] for row in t.tolist()])
        return
    print("F(m, 4)  finite points              fp32 error: winograd   direct")
    for m, pts in CANDIDATES:
        w, d = errors(m, pts, args.trials)
        print("F(%d, 4)  %-30s %9.3g %9.3g" % (m, " ".join(pts), w, d))


if __name__ == "__main__":
    main()
