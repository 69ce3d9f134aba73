#!/usr/bin/python3
"""Cross execution tests of xnorc's ARM NEON targets, run on x86 under qemu-user.

For every model (the binary networks of gen_models.py, test/Targets/x86/Inputs/bnn.xir,
and the Fashion-MNIST XNOR / BWN / QONNX models with their float stem and classifier) this
compiles the model with ``--target=generic`` and with ``--target=TARGET``, builds

* the generic program natively (HOST_CXX -std=c++17 -O2),
* the generic and the TARGET program with the cross compiler and -ffp-contract=off
  (CROSS_CXX -std=c++17 -O2 -static [ARCH_FLAGS] -ffp-contract=off),
* the TARGET program with the cross compiler's default flags and -Wall -Wextra -Werror,

runs the cross programs under the emulator on the same inputs and checks, bit for bit
(every output .npy file byte-identical):

1. on ARM: TARGET == generic, both built with -ffp-contract=off (the NEON kernels compute
   exactly what the generic kernels compute);
2. ARM vs x86: TARGET (-ffp-contract=off) under qemu == the generic program run natively;
3. default flags: TARGET built without -ffp-contract=off == the native generic program,
   for the models whose float work is all inside binary kernels (the .xir models).

Why -ffp-contract=off: g++ contracts a * b + c into fused multiply-adds on AArch64 by
default in C++ modes, in the generic float kernels (conv, gemm: the float stem and
classifier) too, so such a layer differs from x86 in the last bit whatever the target.
The NEON kernels' own float epilogue never contracts (neon/bconv.h), hence check 3. ARMv7
VFP's vmla is not fused, so there every build agrees with x86 anyway.

Prints one line per model and check and, last, ``neon tests (ARCH): N passed, F failed``;
exit 1 on a failure.

usage: run_neon_tests.py --xnorc BIN --target neon --cross-cxx aarch64-linux-gnu-g++
           --emulator "qemu-aarch64 -L /usr/aarch64-linux-gnu" --work DIR
           [--arch-flags "-mfpu=neon -mfloat-abi=hard"] [--host-cxx c++] [--jobs 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLE = ROOT / "examples" / "fashion_mnist"
TIMEOUT = 900


def run(cmd, timeout=TIMEOUT):
    try:
        r = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        return False, "timed out: " + " ".join(map(str, cmd))
    if r.returncode != 0:
        tail = "\n".join(r.stdout.strip().splitlines()[-15:])
        return False, "exit %d: %s\n%s" % (r.returncode, " ".join(map(str, cmd)), tail)
    return True, r.stdout


def fresh(d: Path) -> Path:
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def random_input(shape, rng):
    """Normal values, some exact zeros (sign(0) = +1) and values on a 1/16 grid."""
    x = rng.standard_normal(shape).astype(np.float32)
    flat = x.reshape(-1)
    idx = rng.choice(flat.size, size=max(1, flat.size // 20), replace=False)
    flat[idx] = 0.0
    idx = rng.choice(flat.size, size=max(1, flat.size // 10), replace=False)
    flat[idx] = np.round(flat[idx] * 16) / 16
    return x


def models(work: Path):
    """(name, model file, [input .npy files], has generic float layers)"""
    rng = np.random.default_rng(7)
    gen = work / "models"
    res = run([sys.executable, HERE / "gen_models.py", gen])
    if not res[0]:
        raise SystemExit("error: gen_models.py: " + res[1])
    out = []
    for xir in sorted(gen.glob("*.xir")):
        shapes = [list(map(int, l.split())) for l in
                  xir.with_suffix(".inputs").read_text().splitlines() if l.strip()]
        ins = []
        for i, s in enumerate(shapes):
            f = gen / ("%s.in%d.npy" % (xir.stem, i))
            np.save(f, random_input(s, rng))
            ins.append(f)
        out.append((xir.stem, xir, ins, False))
    bnn = ROOT / "test" / "Targets" / "x86" / "Inputs" / "bnn.xir"
    if bnn.exists():
        ins = []
        for i, s in enumerate([[1, 70, 9, 11], [2, 130]]):
            f = gen / ("bnn.in%d.npy" % i)
            np.save(f, random_input(s, rng))
            ins.append(f)
        out.append(("bnn", bnn, ins, False))
    samples = EXAMPLE / "samples.npy"
    for m in ("xnor_model", "bwn_model", "xnor_qonnx"):
        if (EXAMPLE / (m + ".onnx")).exists() and samples.exists():
            out.append((m, EXAMPLE / (m + ".onnx"), [samples], True))
    return out


def same_outputs(a: Path, b: Path):
    fa = sorted(p.name for p in a.glob("*.npy"))
    fb = sorted(p.name for p in b.glob("*.npy"))
    if not fa or fa != fb:
        return False, "output files differ: %s vs %s" % (fa, fb)
    for name in fa:
        if (a / name).read_bytes() != (b / name).read_bytes():
            x, y = np.load(a / name), np.load(b / name)
            n = int(np.sum(x != y)) if x.shape == y.shape else -1
            return False, "%s differs (%d of %d elements)" % (name, n, x.size)
    return True, "%d outputs identical" % len(fa)


def check_model(args, name, model, inputs, float_layers):
    """Returns [(check name, ok, message)]."""
    w = fresh(args.work / name)
    emu = shlex.split(args.emulator)
    arch = shlex.split(args.arch_flags)
    cross = [args.cross_cxx, "-std=c++17", "-O2", "-static", *arch]
    steps = []
    for t in ("generic", args.target):
        ok, msg = run([args.xnorc, model, "-o", w / t, "--target=" + t, "--emit-main",
                       "--name=m", "--quiet"])
        if not ok:
            return [("compile", False, msg)]
    gsrc = sorted((w / "generic").glob("*.cpp"))
    tsrc = sorted((w / args.target).glob("*.cpp"))
    nc = "-ffp-contract=off"
    builds = [
        [args.host_cxx, "-std=c++17", "-O2", *gsrc, "-o", w / "generic-native"],
        [*cross, nc, *gsrc, "-o", w / "generic-cross"],
        [*cross, nc, *tsrc, "-o", w / "target-nocontract"],
        [*cross, "-Wall", "-Wextra", "-Werror", "-Wno-psabi", *tsrc, "-o", w / "target"],
    ]
    for b in builds:
        ok, msg = run(b)
        if not ok:
            return [("build", False, msg)]
    runs = {"generic-native": [], "generic-cross": emu, "target-nocontract": emu, "target": emu}
    for exe, pre in runs.items():
        ok, msg = run([*pre, w / exe, *inputs, "-o", fresh(w / ("out-" + exe))])
        if not ok:
            return [("run " + exe, False, msg)]
    t = args.target
    res = []
    ok, msg = same_outputs(w / "out-generic-cross", w / "out-target-nocontract")
    res.append(("%s == generic on ARM (-ffp-contract=off)" % t, ok, msg))
    ok, msg = same_outputs(w / "out-generic-native", w / "out-target-nocontract")
    res.append(("%s on ARM (-ffp-contract=off) == generic on x86" % t, ok, msg))
    ok, msg = same_outputs(w / "out-generic-native", w / "out-target")
    if float_layers:
        res.append(("note", None, "default flags: %s" % (
            "also identical to x86" if ok else
            "differs from x86 (%s: FMA contraction in the generic float layers)" % msg)))
    else:
        res.append(("%s on ARM (default flags, -Werror) == generic on x86" % t, ok, msg))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--target", required=True, help="neon or neon-armv7")
    ap.add_argument("--cross-cxx", required=True)
    ap.add_argument("--emulator", required=True, help='e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu"')
    ap.add_argument("--arch-flags", default="", help="e.g. -mfpu=neon -mfloat-abi=hard")
    ap.add_argument("--host-cxx", default="c++")
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    arch = "aarch64" if args.target == "neon" else "armv7"
    for tool in (args.cross_cxx, shlex.split(args.emulator)[0], args.host_cxx):
        if shutil.which(tool) is None:
            print("neon tests (%s): SKIPPED: %s not found (scripts/setup.sh installs "
                  "g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user)" % (arch, tool))
            return 0
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    ms = models(args.work)
    passed = failed = 0
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [(name, ex.submit(check_model, args, name, model, ins, fl))
                for name, model, ins, fl in ms]
        for name, fut in futs:
            for check, ok, msg in fut.result():
                if ok is None:
                    print("     %s: %s" % (name, msg))
                    continue
                print("%s %s: %s: %s" % ("PASS" if ok else "FAIL", name, check, msg))
                passed += bool(ok)
                failed += not ok
            sys.stdout.flush()
    print("neon tests (%s): %d passed, %d failed" % (arch, passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
