#!/usr/bin/python3
"""Instructions one detector inference executes on a Pi Zero-class CPU (ARM1176: ARMv6 +
VFP), counted under qemu-user.

Builds the detection app for ARMv6 + VFP (test/neon/cxx-armv6-qemu.sh: Debian's armel
g++, -march=armv6 -mfpu=vfp -mfloat-abi=softfp -marm, static) against the model compiled
for the generic target, and runs it twice under ``qemu-arm -cpu arm1176 -d
in_asm,exec,nochain``: once on IMAGE, once on IMAGE with ``--repeat 1`` (one more
inference). qemu logs each translated block's instructions (in_asm) and every execution
of a block (exec; nochain makes every execution visit the logger); the executed
instructions of a run are the sum over executions of the block's instruction count.
The difference of the two runs is one inference, without the app's start-up, image
reading and decoding. Instructions are grouped by mnemonic (VFP, load/store, branch,
multiply, other integer).

The ARM1176 issues one instruction per cycle at best, so the count is a lower bound on
the cycles of an inference (cache misses, VFP latencies and branch mispredictions come on
top); at the Pi Zero's 1 GHz, count / 1e9 s is the lower bound on its latency.

Usage:
  /usr/bin/python3 examples/detection/count_armv6_instructions.py --xnorc build/bin/xnorc \\
      --work /tmp/armv6-count [--models binary,float] [--image examples/detection/demo.ppm]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import app_build

HERE = Path(__file__).resolve().parent
WRAPPER = HERE.parents[1] / "test" / "neon" / "cxx-armv6-qemu.sh"
QEMU = ["qemu-arm", "-cpu", "arm1176", "-L", "/usr/arm-linux-gnueabi"]
INSN = re.compile(r"^0x([0-9a-f]+):\s+[0-9a-f]+\s+(\S+)")
TRACE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def category(mnemonic: str) -> str:
    m = mnemonic.lower()
    if m.startswith(("v", "fld", "fst", "fmxr", "fmrx", "fmstat")):
        return "vfp"
    if m.startswith(("ldr", "str", "ldm", "stm", "push", "pop")):
        return "load/store"
    if re.match(r"^(b|bl|bx|blx)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(\.w)?$", m):
        return "branch"
    if re.match(r"^(mul|mla|mls|umull|umlal|smull|smlal|smla|smul|smmul|smmla|usad)", m):
        return "multiply"
    return "other integer"


def count_run(cmd: list[str], log: Path, qemu: list[str] = QEMU) -> Counter:
    """Executed instructions per category of one qemu run (qemu: the emulator command,
    the ARM1176 by default), streaming qemu's log through a FIFO (the log of a run is
    gigabytes)."""
    if log.exists():
        log.unlink()
    os.mkfifo(log)
    blocks: dict[str, list[str]] = {}
    executions: Counter = Counter()

    def read():
        current: list[str] | None = None
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith("Trace"):
                    m = TRACE.match(line)
                    if m:
                        executions[m.group(1).lstrip("0") or "0"] += 1
                    current = None
                elif m := INSN.match(line):
                    pc = m.group(1).lstrip("0") or "0"
                    if current is None:
                        current = blocks[pc] = []
                    current.append(m.group(2))
                elif line.startswith("IN:") or not line.strip() or line.startswith("-"):
                    current = None

    reader = threading.Thread(target=read)
    reader.start()
    proc = subprocess.run(qemu + ["-d", "in_asm,exec,nochain", "-D", str(log)] + cmd,
                          capture_output=True, text=True)
    reader.join()
    log.unlink()
    if proc.returncode != 0:
        raise SystemExit(f"error: {' '.join(cmd)} under qemu: exit {proc.returncode}: "
                         f"{proc.stderr.strip()[-300:]}")
    total: Counter = Counter()
    for pc, n in executions.items():
        for mnemonic in blocks.get(pc, []):
            total[category(mnemonic)] += n
    return total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--models", default="binary,float")
    ap.add_argument("--image", type=Path, default=HERE / "demo.ppm")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    for model in args.models.split(","):
        gen = args.work / f"gen-{model}"
        subprocess.run(app_build.xnorc_command(args.xnorc, model, gen, "generic"), check=True)
        exe = args.work / f"detect-{model}"
        subprocess.run(app_build.build_command(WRAPPER, gen, exe), check=True)
        binary = str(exe) + ".bin"  # the ARM program the wrapper built (exe runs it under qemu)
        once = count_run([binary, str(args.image)], args.work / "qemu.log")
        twice = count_run([binary, str(args.image), "--repeat", "1"], args.work / "qemu.log")
        per_run = {k: twice[k] - once[k] for k in sorted(set(once) | set(twice))}
        n = sum(per_run.values())
        mix = ", ".join(f"{k} {v / n * 100:.1f}%" for k, v in sorted(per_run.items(), key=lambda kv: -kv[1]))
        print(f"{model}: {n} instructions per inference on ARMv6 + VFP (generic target): {mix}; "
              f"whole app run on one image: {sum(once.values())}; "
              f">= {n / 1e6:.1f} ms at 1 GHz (one instruction per cycle at best)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
