#!/usr/bin/env python3
"""One benchmark architecture at a small resolution, end to end.

usage: check_benchmark_model.py MODEL --size S --work DIR --xnorc X --xnorc-run R --cxx CXX

Generates MODEL with examples/models/make_benchmark_models.py at S x S (random weights, the
same layers as at 224), then: xnorc compiles it for every CPU target (generic, avx2, avx512,
neon, neon-armv7); its binary convs became xnor layers (the report's count, against the
number the architecture has); the generic program built with CXX agrees with the reference
interpreter on a random input (binary layers are evaluated by the interpreter from their
definition, in double where a binary conv has a float output, so the logits may differ in
their last bits: within 1e-4 of their largest magnitude, the same argmax).
Prints one line "MODEL: ..." ending in "ok", or the first failure, and exits non-zero on one.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "test" / "e2e"))
import harness  # noqa: E402

CPU_TARGETS = ["generic", "avx2", "avx512", "neon", "neon-armv7"]
# Binary convs per architecture, counted from its definition (examples/models).
XNOR_LAYERS = {"quicknet": 16, "quicknet_large": 32, "reactnet_a": 13 + 13 + 5,
               "real2binary": 16, "bireal18": 16}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--work", required=True)
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--xnorc-run", required=True)
    ap.add_argument("--cxx", default="g++")
    args = ap.parse_args()
    work = harness.fresh_dir(Path(args.work))

    def fail(step, msg):
        print(f"{args.model}: {step}: {msg}")
        return 1

    subprocess.run([sys.executable, str(ROOT / "examples/models/make_benchmark_models.py"),
                    str(work), "--only", args.model, "--size", str(args.size)], check=True,
                   stdout=subprocess.DEVNULL)
    model = work / f"{args.model}.onnx"
    for t in CPU_TARGETS:
        res = harness.compile_model(args.xnorc, model, work / t, name="net", target=t,
                                    extra_flags=["--quiet"])
        if not res.ok:
            return fail(f"compile --target={t}", res.error)
    report = json.loads(subprocess.run([args.xnorc, str(model), "--report=json", "--quiet"],
                                       check=True, capture_output=True, text=True).stdout)
    xnor = sum(1 for layer in report["layers"] if layer["kind"] == "xnor")
    if xnor != XNOR_LAYERS[args.model]:
        return fail("binarize", f"{xnor} xnor layers, the architecture has "
                    f"{XNOR_LAYERS[args.model]} binary convs")
    x = np.random.default_rng(7).standard_normal((1, 3, args.size, args.size)).astype(np.float32)
    np.save(work / "x.npy", x)
    res = harness.build_program(args.cxx, work / "generic", work / "prog")
    if not res.ok:
        return fail("build", res.error)
    res = harness.run_program(work / "prog", [work / "x.npy"], work / "out")
    if not res.ok:
        return fail("run", res.error)
    res = harness.run_interpreter(args.xnorc_run, model, [work / "x.npy"], work / "ref")
    if not res.ok:
        return fail("xnorc-run", res.error)
    got, ref = np.load(work / "out/output0.npy"), np.load(work / "ref/output0.npy")
    ok, msg = harness.compare_arrays(got, ref, rtol=1e-4, atol=1e-4 * float(np.abs(ref).max()))
    if not ok or got.argmax() != ref.argmax():
        return fail("generic vs interpreter", msg)
    print(f"{args.model}: {xnor} xnor layers, compiled for {len(CPU_TARGETS)} targets, generic "
          f"program = interpreter within 1e-4: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
