#!/usr/bin/python3
"""Seed corpora of the fuzz targets, from the repository's own models.

    make_seed_corpus.py OUT_DIR [--max-bytes N]

Writes OUT_DIR/onnx (every .onnx under examples/ and test/, plus every .onnxtext that ONNX's
parser reads, re-encoded as binary protobuf), OUT_DIR/onnxtext and OUT_DIR/xir (copies of
the test inputs), OUT_DIR/npy (the .npy files of examples/ and test/ plus small arrays of
every dtype, rank 0 to 5, both format versions numpy writes). Files are named after their source path so a finding can be traced.
--max-bytes leaves out larger files (libFuzzer runs: a 200 KB model costs a hundred small
ones per execution).
"""
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sources(ext):
    for top in ("test", "examples"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith("." + ext):
                    yield os.path.join(d, f)


def seed_name(path):
    return os.path.relpath(path, ROOT).replace(os.sep, "__")


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--max-bytes", type=int, default=0)
    args = ap.parse_args()
    out = args.out
    for kind in ("onnx", "onnxtext", "xir", "npy"):
        shutil.rmtree(os.path.join(out, kind), ignore_errors=True)
        os.makedirs(os.path.join(out, kind))
    for kind in ("onnxtext", "xir", "onnx", "npy"):
        for p in sources(kind):
            shutil.copyfile(p, os.path.join(out, kind, seed_name(p)))
    import numpy as np
    rng = np.random.default_rng(0)
    shapes = [(), (3,), (2, 3), (1, 3, 4, 4), (2, 1, 2, 2, 2), (0, 4)]
    for dtype in ("<f4", "<f8", "<i8", "<i4", "|u1", "|i1", "|b1", ">f4"):
        for shape in shapes:
            a = (rng.standard_normal(shape) * 3).astype(dtype)
            name = "gen_%s_%s.npy" % (dtype.strip("<>|"), "x".join(map(str, shape)) or "scalar")
            np.save(os.path.join(out, "npy", name), a)
    np.lib.format.write_array(open(os.path.join(out, "npy", "gen_v2.npy"), "wb"),
                              np.ones((2, 2), np.float32), version=(2, 0))
    np.save(os.path.join(out, "npy", "gen_fortran.npy"), np.asfortranarray(np.ones((2, 3), np.float32)))
    import onnx
    import onnx.parser
    for p in sources("onnxtext"):
        try:
            model = onnx.parser.parse_model(open(p).read())
        except Exception:  # error tests hold deliberately malformed text
            continue
        with open(os.path.join(out, "onnx", seed_name(p) + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())
    if args.max_bytes:
        for kind in ("onnx", "onnxtext", "xir", "npy"):
            for f in os.listdir(os.path.join(out, kind)):
                if os.path.getsize(os.path.join(out, kind, f)) > args.max_bytes:
                    os.remove(os.path.join(out, kind, f))
    for kind in ("onnx", "onnxtext", "xir", "npy"):
        print("%s: %d seed inputs" % (kind, len(os.listdir(os.path.join(out, kind)))))


if __name__ == "__main__":
    main()
