#!/usr/bin/python3
"""Latency and memory of the compiled detectors (binary and float) per x86 target and
thread count, measured with the detection app itself.

For each model, target and --threads value this compiles the model
(``xnorc --name detector --target T [--threads=N]``), builds the detection app with
``CXX -std=c++17 -O2`` and runs ``detect IMAGE --repeat R --stats``: the mean and the
minimum time of R inferences on the image (steady clock, after the first one), the
arena, and the peak RSS of the whole process (getrusage). The constants come from
``xnorc --report``. All variants are measured in one run, so their ratios are
comparable; absolute times depend on the machine's load. Prints a Markdown table.

Usage:
  /usr/bin/python3 examples/detection/bench_detector.py --xnorc build/bin/xnorc \\
      --work /tmp/det-bench [--targets generic,avx2,avx512] [--threads 1,2] [--repeat 2000]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import app_build

HERE = Path(__file__).resolve().parent


def run(cmd) -> str:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: {' '.join(map(str, cmd))}: exit {proc.returncode}: "
                         f"{proc.stderr.strip()[-300:]}")
    return proc.stdout


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--targets", default="generic,avx2,avx512")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=2000)
    ap.add_argument("--image", type=Path, default=HERE / "demo.ppm")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print("| model | target | threads | mean ms | min ms | arena | constants | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for model in ("binary", "float"):
        onnx = HERE / f"detector_{model}.onnx"
        for target in args.targets.split(","):
            report = run([args.xnorc, onnx, "--report", "--quiet", f"--target={target}"])
            constants = re.search(r"constants: ([^(;]+)\((\d+) bytes\)", report)
            for threads in (int(t) for t in args.threads.split(",")):
                gen = args.work / f"gen-{model}-{target}-{threads}"
                run(app_build.xnorc_command(args.xnorc, model, gen, target, threads))
                exe = args.work / f"detect-{model}-{target}-{threads}"
                run(app_build.build_command(args.cxx, gen, exe))
                out = run([exe, args.image, "--repeat", args.repeat, "--stats"])
                mean, best = re.search(r"([\d.]+) ms per run \(mean\), ([\d.]+) ms \(min\)", out).groups()
                arena, rss = re.search(r"arena (\d+) bytes, peak RSS (\d+) KiB", out).groups()
                print(f"| {model} | {target} | {threads} | {float(mean):.3f} | {float(best):.3f} | "
                      f"{int(arena) / 1024:.0f} KiB | {int(constants.group(2)) / 1024:.1f} KiB | "
                      f"{int(rss) / 1024:.1f} MiB |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
