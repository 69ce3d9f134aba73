"""Compares the outputs of a compiled model with the reference interpreter's.

usage: allclose.py REF_DIR GOT_DIR NUM_OUTPUTS [--rtol R] [--atol A]

Both directories hold output0.npy ... output<N-1>.npy (what xnorc-run and the
generated <name>_main program write). Exits 1, printing the worst element, if a
shape differs or a value is not within tolerance; also fails if an extra
output<N>.npy exists in either directory.
"""
import argparse
import os
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ref")
    ap.add_argument("got")
    ap.add_argument("num_outputs", type=int)
    ap.add_argument("--rtol", type=float, default=1e-5)
    ap.add_argument("--atol", type=float, default=1e-5)
    a = ap.parse_args()
    ok = True
    for d in (a.ref, a.got):
        extra = os.path.join(d, "output%d.npy" % a.num_outputs)
        if os.path.exists(extra):
            print("unexpected %s" % extra)
            ok = False
    for i in range(a.num_outputs):
        name = "output%d.npy" % i
        r = np.load(os.path.join(a.ref, name))
        g = np.load(os.path.join(a.got, name))
        if r.shape != g.shape or r.dtype != g.dtype:
            print("%s: reference %s %s, got %s %s" % (name, r.shape, r.dtype, g.shape, g.dtype))
            ok = False
            continue
        if not np.allclose(g, r, rtol=a.rtol, atol=a.atol, equal_nan=True):
            err = np.abs(g.astype(np.float64) - r)
            k = np.unravel_index(np.argmax(err), err.shape)
            print("%s: mismatch at %s: reference %r, got %r" % (name, k, r[k], g[k]))
            ok = False
        else:
            print("%s: ok %s" % (name, r.shape))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
