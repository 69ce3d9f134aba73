#!/usr/bin/python3
"""Cross execution tests of xnorc's ARM NEON targets, run on x86 under qemu-user.

Models: the binary networks and the float-input networks of gen_models.py,
test/Targets/x86/Inputs/bnn.xir, the float CNN of test/Targets/x86/Inputs/gen_float_cnn.py
(stride-2/4 and 1x1 convs, dilation, Sigmoid, a Gemm) and the Fashion-MNIST XNOR / BWN /
QONNX models (float stem conv, BWN convs, classifier Gemm). For each this compiles the model
with ``--target=generic`` and with ``--target=TARGET``, builds

* the generic program natively (HOST_CXX -std=c++17 -O2),
* the generic and the TARGET program with the cross compiler and -ffp-contract=off
  (CROSS_CXX -std=c++17 -O2 -static [ARCH_FLAGS] -ffp-contract=off),
* the TARGET program with the cross compiler's default flags and -Wall -Wextra -Werror,

runs the cross programs under the emulator on the same inputs and checks

1. on ARM: TARGET == generic, both built with -ffp-contract=off;
2. ARM vs x86: TARGET (-ffp-contract=off) under qemu == the generic program run natively;
3. default flags: TARGET built without -ffp-contract=off == the native generic program.

How "==" is meant depends on where the model's float arithmetic runs:

* exact models (the .xir binary networks): every float is computed inside binary kernels,
  whose float epilogue rounds exactly as the generic one (neon/bconv.h), so all three
  checks are bit for bit (every output .npy file byte-identical);
* float-input models (float conv / Gemm / BWN layers, which the NEON targets run on their
  own kernels: neon/fconv.h, neon/bwconv.h): those kernels sum in another order and, on
  AArch64, with fused multiply-adds, so every float output must agree within
  rtol 1e-4 with an absolute floor of 1e-4 x the output's largest magnitude (both
  orders' rounding errors scale with it), and for the trained classifiers (Fashion-MNIST)
  the predicted class (argmax of every row) must be the same. A float-input model whose
  TARGET code calls none of the NEON float-input kernels fails, so the tolerance checks
  cannot silently compare generic code with itself.

Why -ffp-contract=off in 1 and 2: g++ contracts a * b + c into fused multiply-adds on
AArch64 by default in C++ modes, in the generic float kernels too, so a generic float layer
differs from x86 in the last bit whatever the target; check 3 shows the NEON binary
kernels' epilogue is exact regardless. ARMv7 VFP's vmla is not fused, so there every
generic build agrees with x86 anyway. A CPU without fused multiply-add (the cross compiler
does not define __ARM_FEATURE_FMA: ARMv7 with -mfpu=neon) has nothing to contract, so the
TARGET program is built once, with the default flags and -Werror (the same object code),
and checks 1 and 2 run that build; check 3 would repeat check 2 and is left out.

Prints one line per model and check and, last, ``neon tests (ARCH): N passed, F failed``;
exit 1 on a failure, on 0 checks, or when a tool (cross compiler, emulator) is missing.

usage: run_neon_tests.py --xnorc BIN --target neon --cross-cxx aarch64-linux-gnu-g++
           --emulator "qemu-aarch64 -L /usr/aarch64-linux-gnu" --work DIR
           [--arch-flags "-mfpu=neon -mfloat-abi=hard"] [--host-cxx c++] [--jobs 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLE = ROOT / "examples" / "fashion_mnist"
# scripts/sanitize.sh: XNORC_TEST_CXXFLAGS (-fsanitize=...) reaches every build here too
# (dynamically linked then: ASan's runtime has no static form, qemu's -L finds the cross
# libasan), and XNORC_TEST_TIMEOUT_SCALE scales the timeout.
SANITIZE = os.environ.get("XNORC_TEST_CXXFLAGS", "").split()
# LeakSanitizer stops the world with ptrace, which qemu-user does not emulate: under the
# emulator leaks are not checked (the natively run generic program still is).
NO_LSAN = ["env", "ASAN_OPTIONS=" + ":".join(
    o for o in (os.environ.get("ASAN_OPTIONS", ""), "detect_leaks=0") if o)]
TIMEOUT = 900 * float(os.environ.get("XNORC_TEST_TIMEOUT_SCALE", "1"))


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


class Model:
    def __init__(self, name, path, inputs, exact, classify=False):
        self.name = name
        self.path = path
        self.inputs = inputs
        self.exact = exact  # all float work inside binary kernels: compare bit for bit
        self.classify = classify  # 2-D outputs are class scores: compare the argmax too


def save_inputs(gen: Path, stem: str, shapes, rng):
    ins = []
    for i, s in enumerate(shapes):
        f = gen / ("%s.in%d.npy" % (stem, i))
        np.save(f, random_input(s, rng))
        ins.append(f)
    return ins


def models(work: Path):
    rng = np.random.default_rng(7)
    gen = work / "models"
    res = run([sys.executable, HERE / "gen_models.py", gen])
    if not res[0]:
        raise SystemExit("error: gen_models.py: " + res[1])
    out = []
    for xir in sorted(gen.glob("*.xir")):
        shapes = [list(map(int, l.split())) for l in
                  xir.with_suffix(".inputs").read_text().splitlines() if l.strip()]
        # gen_models.py names its float-input models f*.
        out.append(Model(xir.stem, xir, save_inputs(gen, xir.stem, shapes, rng),
                         exact=not xir.stem.startswith("f")))
    bnn = ROOT / "test" / "Targets" / "x86" / "Inputs" / "bnn.xir"
    if bnn.exists():
        out.append(Model("bnn", bnn, save_inputs(gen, "bnn", [[1, 70, 9, 11], [2, 130]], rng),
                         exact=True))
    fcnn = gen / "float_cnn.onnx"
    ok, msg = run([sys.executable, ROOT / "test" / "Targets" / "x86" / "Inputs" / "gen_float_cnn.py",
                   fcnn])
    if ok:
        out.append(Model("float_cnn", fcnn, save_inputs(gen, "float_cnn", [[1, 3, 37, 45]], rng),
                         exact=False))
    else:
        print("     float_cnn: not generated (needs the onnx Python package): %s" % msg)
    samples = EXAMPLE / "samples.npy"
    for m in ("xnor_model", "bwn_model", "xnor_qonnx"):
        if (EXAMPLE / (m + ".onnx")).exists() and samples.exists():
            out.append(Model(m, EXAMPLE / (m + ".onnx"), [samples], exact=False, classify=True))
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


RTOL = 1e-4


def close_outputs(ref: Path, got: Path, classify: bool):
    """Every output within RTOL (absolute floor RTOL x the output's largest magnitude) and,
    for class scores, the same argmax per row."""
    fr = sorted(p.name for p in ref.glob("*.npy"))
    fg = sorted(p.name for p in got.glob("*.npy"))
    if not fr or fr != fg:
        return False, "output files differ: %s vs %s" % (fr, fg)
    worst = 0.0
    for name in fr:
        r, g = np.load(ref / name), np.load(got / name)
        if r.shape != g.shape or r.dtype != g.dtype:
            return False, "%s: %s %s vs %s %s" % (name, r.shape, r.dtype, g.shape, g.dtype)
        scale = float(np.max(np.abs(r))) if r.size else 0.0
        err = np.abs(g.astype(np.float64) - r) / max(scale, 1e-30)
        if not np.allclose(g, r, rtol=RTOL, atol=RTOL * scale, equal_nan=True):
            k = np.unravel_index(np.argmax(np.where(np.isnan(err), np.inf, err)), err.shape)
            return False, "%s: at %s generic %r, got %r (rtol %g)" % (name, k, r[k], g[k], RTOL)
        if err.size:
            worst = max(worst, float(np.nanmax(err)))
        if classify and r.ndim == 2:
            bad = int(np.sum(np.argmax(r, axis=1) != np.argmax(g, axis=1)))
            if bad:
                return False, "%s: predicted class differs in %d of %d rows" % (name, bad, len(r))
    return True, "%d outputs within rtol %g (largest difference %.2g of the output's scale)%s" % (
        len(fr), RTOL, worst, ", same classes" if classify else "")


# The NEON float-input kernels (a float-input model must call at least one).
FLOAT_KERNELS = ("xn_neon_conv", "xn_neon_gemm", "xn_neon_bwconv", "xn_neon_bwdense")


def cross_has_fma(args) -> bool:
    """Whether the cross compiler, with the arch flags, targets a CPU with fused multiply-add
    (``__ARM_FEATURE_FMA``): without one, -ffp-contract=off has nothing to turn off."""
    ok, out = run([args.cross_cxx, "-std=c++17", *shlex.split(args.arch_flags), "-dM", "-E",
                   "-x", "c++", "/dev/null"])
    if not ok:
        raise SystemExit("error: %s -dM -E: %s" % (args.cross_cxx, out))
    return "#define __ARM_FEATURE_FMA " in out


def check_model(args, m: Model):
    """Returns [(check name, ok, message)]."""
    w = fresh(args.work / m.name)
    emu = (NO_LSAN if SANITIZE else []) + shlex.split(args.emulator)
    arch = shlex.split(args.arch_flags)
    cross = [args.cross_cxx, "-std=c++17", "-O2", *arch, *SANITIZE]
    if not SANITIZE:
        cross.append("-static")
    for t in ("generic", args.target):
        ok, msg = run([args.xnorc, m.path, "-o", w / t, "--target=" + t, "--emit-main",
                       "--name=m", "--quiet"])
        if not ok:
            return [("compile", False, msg)]
    gsrc = sorted((w / "generic").glob("*.cpp"))
    tsrc = sorted((w / args.target).glob("*.cpp"))
    nc = "-ffp-contract=off"
    builds = [
        [args.host_cxx, "-std=c++17", "-O2", *SANITIZE, *gsrc, "-o", w / "generic-native"],
        [*cross, nc, *gsrc, "-o", w / "generic-cross"],
        [*cross, "-Wall", "-Wextra", "-Werror", "-Wno-psabi", *tsrc, "-o", w / "target"],
    ]
    runs = {"generic-native": [], "generic-cross": emu, "target": emu}
    # Without fused multiply-add (ARMv7 NEON) the default build is the -ffp-contract=off
    # build, instruction for instruction: checks 1 and 2 use it, and check 3 would repeat 2.
    nocontract = "target"
    if args.fma:
        nocontract = "target-nocontract"
        builds.append([*cross, nc, *tsrc, "-o", w / nocontract])
        runs[nocontract] = emu
    for b in builds:
        ok, msg = run(b)
        if not ok:
            return [("build", False, msg)]
    for exe, pre in runs.items():
        ok, msg = run([*pre, w / exe, *m.inputs, "-o", fresh(w / ("out-" + exe))])
        if not ok:
            return [("run " + exe, False, msg)]
    t = args.target
    if m.exact:
        how, compare = "==", same_outputs
    else:
        code = "\n".join(p.read_text() for p in tsrc)
        used = ["%s x%d" % (k, code.count(k + "(&p")) for k in FLOAT_KERNELS if k + "(&p" in code]
        if not used:
            return [("NEON float-input kernels", False,
                     "the %s code calls none of %s" % (t, ", ".join(FLOAT_KERNELS)))]
        how = "~="

        def compare(ref, got):
            return close_outputs(ref, got, m.classify)
    res = []
    flags = "-ffp-contract=off" if args.fma else "default flags = -ffp-contract=off (no FMA), -Werror"
    ok, msg = compare(w / "out-generic-cross", w / ("out-" + nocontract))
    res.append(("%s %s generic on ARM (%s)" % (t, how, flags), ok, msg))
    ok, msg = compare(w / "out-generic-native", w / ("out-" + nocontract))
    res.append(("%s on ARM (%s) %s generic on x86" % (t, flags, how), ok, msg))
    if args.fma:
        ok, msg = compare(w / "out-generic-native", w / "out-target")
        res.append(("%s on ARM (default flags, -Werror) %s generic on x86" % (t, how), ok, msg))
    if not m.exact:
        res.append(("note", None, "NEON float-input kernels: " + ", ".join(used)))
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
            # A machine that runs this suite has them (scripts/setup.sh test): fail, so a
            # broken setup cannot pass as 0 checks.
            print("neon tests (%s): FAILED: %s not found (scripts/setup.sh test installs "
                  "g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user)" % (arch, tool))
            print("neon tests (%s): 0 passed, 1 failed" % arch)
            return 1
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    args.fma = cross_has_fma(args)
    if not args.fma:
        print("     %s %s: no fused multiply-add (__ARM_FEATURE_FMA undefined): the default "
              "build is the -ffp-contract=off build, checks 3 are checks 2" % (args.cross_cxx,
                                                                             args.arch_flags))
    ms = models(args.work)
    passed = failed = 0
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [(m.name, ex.submit(check_model, args, m)) for m in ms]
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
