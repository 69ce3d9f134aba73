#!/usr/bin/python3
"""Instructions one 8-bit stem conv executes on ARM, counted under qemu-user: generic vs
the NEON 8-bit kernels (smull on neon and neon-armv7, sdot on neon-dotprod).

The layer is Bi-Real-18's stem as examples/models/make_benchmark_models.py's bireal18_int8
quantizes it (QDQ: u8 activations, i8 weights per output channel, int32 bias, the conv's
ReLU): a 7x7 stride-2 conv, 3 -> 64 channels, padding 3, on a 1x3xSxS input (--size S:
224 in the benchmark; smaller sizes scale the work by (S/224)^2 and keep the run short under
qemu's logging, which takes minutes per run at 224), written
with test/ort/make_qdq_models.py's builder (float input, QuantizeLinear, the QDQ conv,
DequantizeLinear: xnorc makes it quantize, qconv, dequantize). Each target's program
(--emit-main) runs under qemu with ``-d in_asm,exec,nochain`` once with ``--repeat 1`` and
once with ``--repeat 2``; the difference is one inference (quantize + qconv + dequantize)
without start-up and file I/O (examples/detection/count_armv6_instructions.py's counter).

usage: count_q8_stem.py --xnorc build/bin/xnorc [--work /tmp/q8-stem] [--targets ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "ort"))
sys.path.insert(0, str(ROOT / "examples" / "detection"))
import count_armv6_instructions as counter  # noqa: E402
import make_qdq_models as qdq  # noqa: E402

HERE = Path(__file__).resolve().parent
# target: (qemu-cxx.sh arch, qemu command)
TARGETS = {
    "generic": ("aarch64", ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]),
    "neon": ("aarch64", ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]),
    "neon-dotprod": ("aarch64-dotprod", ["qemu-aarch64", "-cpu", "max", "-L",
                                         "/usr/aarch64-linux-gnu"]),
    "neon-armv7": ("armv7", ["qemu-arm", "-L", "/usr/arm-linux-gnueabihf"]),
}


def stem_model(outdir: Path, size: int) -> Path:
    b = qdq.Builder(np.random.default_rng(18))
    xs, xzp = 4.0 / 255, np.array(128, np.uint8)
    q = b.quantize("input", xs, 128, False)
    q, s, zp = qdq.layer(b, q, xs, xzp, "Conv", (64, 3, 7, 7), True, True, strides=[2, 2],
                         pads=[3, 3, 3, 3])
    out = b.dequantize(q, s, zp)
    x = np.random.default_rng(0).standard_normal((1, 3, size, size)).astype(np.float32)
    qdq.save(b, out, "stem", [1, 64, size // 2, size // 2], outdir, x)
    return outdir / "stem"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/xnorc-q8-stem"))
    ap.add_argument("--targets", default="generic,neon,neon-dotprod,neon-armv7")
    ap.add_argument("--size", type=int, default=224)
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    model = stem_model(args.work, args.size)
    macs = 64 * (args.size // 2) ** 2 * 3 * 7 * 7
    print("stem at %dx%d: %s MACs" % (args.size, args.size, format(macs, ",")))
    print("| target (arch) | 8-bit stem, instructions per inference | per MAC |")
    print("|---|---|---|")
    for target in args.targets.split(","):
        arch, qemu = TARGETS[target]
        label = "%s (%s)" % (target, arch)
        gen = args.work / target
        subprocess.run([args.xnorc, str(model / "model.onnx"), "-o", str(gen), "--target=" + target,
                        "--emit-main", "--name=stem", "--quiet"], check=True)
        prog = gen / "prog"
        subprocess.run([str(HERE / "qemu-cxx.sh"), arch, "-std=c++17", "-O2",
                        *sorted(str(p) for p in gen.glob("*.cpp")), "-o", str(prog)], check=True)
        runs = []
        for repeat in (1, 2):
            cmd = [str(prog) + ".bin", str(model / "input0.npy"), "-o", str(gen / "out"),
                   "--repeat", str(repeat)]
            runs.append(sum(counter.count_run(cmd, args.work / "log.fifo", qemu).values()))
        n = runs[1] - runs[0]
        print("| %s | %s | %.2f |" % (label, format(n, ","), n / macs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
