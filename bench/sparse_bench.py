#!/usr/bin/python3
"""Pruned and ternary Fashion-MNIST models against their dense counterparts, in one run.

    /usr/bin/python3 bench/sparse_bench.py [--xnorc build/bin/xnorc] [--work DIR]
                                           [--repeat N] [--targets generic,avx2,avx512]
                                           [--sparse auto|on|off]
                                           [--json bench/results/sparse.json]

Models (examples/fashion_mnist, written by train_sparse.py / train_float_cnn.py /
train_xnor.py):
  dense     model.onnx, the float CNN (the pruned models' starting point: the same
            architecture, seed and training settings)
  pruned50, pruned75, pruned90   that CNN magnitude-pruned to 50 / 75 / 90 % zero weights in
            conv2, conv3 and the classifier, fine-tuned
  xnor      xnor_model.onnx, binary weights in the two middle convs
  ternary   ternary_model.onnx, the same network with ternary weights there

For every target, each model is compiled (`xnorc M -o D --emit-main --target=T
--target-opt sparse=S`: auto picks the sparse float kernels where a layer's zero weights
reach the target's measured break-even, on / off forces them everywhere / nowhere; the
baselines dense and xnor always run the dense kernels), built
with `c++ -std=c++17 -O2` and run on one test image with `--repeat N` (the program prints
its median latency). Constant bytes are counted in the generated C++ (every
`static const T name[N]` array: sizeof(T) * N), i.e. what the firmware would hold.
Printed: per target and model the median latency and constant bytes, and the ratios
pruned / dense and ternary / xnor. All numbers of one table come from the same run; the
machine may be shared, so compare ratios, not absolute times.
"""
import argparse
import json
import os
import platform
import re
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
from model_bench import run, xnorc_latency  # noqa: E402
import harness  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "fashion_mnist")
MODELS = [("dense", "model.onnx"), ("pruned50", "pruned50_model.onnx"),
          ("pruned75", "pruned75_model.onnx"), ("pruned90", "pruned90_model.onnx"),
          ("xnor", "xnor_model.onnx"), ("ternary", "ternary_model.onnx")]
BASELINE = {"pruned50": "dense", "pruned75": "dense", "pruned90": "dense", "ternary": "xnor"}
CTYPE_BYTES = {"float": 4, "uint64_t": 8, "int32_t": 4, "int64_t": 8, "int8_t": 1,
               "uint8_t": 1, "int16_t": 2, "uint16_t": 2}


def constant_bytes(gen_dir):
    """Bytes of the static const arrays of the generated C++."""
    total = 0
    for f in os.listdir(gen_dir):
        if not f.endswith(".cpp"):
            continue
        with open(os.path.join(gen_dir, f), encoding="utf-8") as fh:
            for t, n in re.findall(r"static const (\w+) \w+\[(\d+)\]", fh.read()):
                total += CTYPE_BYTES[t] * int(n)
    return total


def build(xnorc, work, name, target, sparse):
    """Compiles work/name.onnx for target (--target-opt sparse=...) and builds it; returns
    the program and the generated code's folder."""
    gen = os.path.join(work, f"{name}-{target}")
    shutil.rmtree(gen, ignore_errors=True)
    run([xnorc, os.path.join(work, name + ".onnx"), "-o", gen, "--name", name, "--emit-main",
         "--target=" + target, "--target-opt", "sparse=" + sparse, "--quiet"])
    prog = os.path.join(gen, "prog")
    run(["c++", "-std=c++17", "-O2", "-o", prog] +
        [os.path.join(gen, f) for f in sorted(os.listdir(gen)) if f.endswith(".cpp")])
    return prog, gen


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xnorc", default=os.path.join(ROOT, "build", "bin", "xnorc"))
    ap.add_argument("--work", default="/tmp/xnorc-sparse-bench")
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--targets", default="generic,avx2,avx512")
    ap.add_argument("--json", default="")
    ap.add_argument("--sparse", default="auto", choices=["auto", "on", "off"],
                    help="--target-opt sparse=: the measured choice, or every float layer sparse "
                         "/ dense")
    args = ap.parse_args()
    xnorc = os.path.abspath(args.xnorc)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    inp = os.path.join(args.work, "image.npy")
    np.save(inp, np.load(os.path.join(EXAMPLE, "samples.npy"))[:1])
    models = [(n, f) for n, f in MODELS if os.path.exists(os.path.join(EXAMPLE, f))]
    for n, f in models:
        shutil.copy(os.path.join(EXAMPLE, f), os.path.join(args.work, n + ".onnx"))
    print(f"CPU: {cpu_name()}; {args.repeat} runs per median; one image [1,1,28,28]; "
          f"sparse={args.sparse}")
    results = []
    for target in args.targets.split(","):
        if harness.missing_cpu_flags(target):
            print(f"SKIP target {target}: this CPU lacks "
                  f"{', '.join(harness.missing_cpu_flags(target))}")
            continue
        row = {}
        for name, _ in models:
            # The baselines (dense, xnor) always run the dense kernels.
            mode = "off" if name in BASELINE.values() else args.sparse
            prog, gen = build(xnorc, args.work, name, target, mode)
            ms, _ = xnorc_latency(prog, inp, args.repeat)
            row[name] = {"ms": ms, "constant_bytes": constant_bytes(gen)}
        print(f"\n{target}:")
        print(f"  {'model':<9} {'median ms':>10} {'const bytes':>12}   vs    time ratio  "
              f"bytes ratio")
        for name, r in row.items():
            base = BASELINE.get(name)
            line = f"  {name:<9} {r['ms']:>10.4f} {r['constant_bytes']:>12}"
            if base in row:
                b = row[base]
                line += (f"   {base:<6} {b['ms'] / r['ms']:>6.2f}x faster "
                         f"{b['constant_bytes'] / r['constant_bytes']:>6.2f}x smaller")
            print(line)
            results.append({"target": target, "model": name, **r, "baseline": base})
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"cpu": cpu_name(), "repeat": args.repeat, "sparse": args.sparse,
                       "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
