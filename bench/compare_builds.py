#!/usr/bin/python3
"""Speed of two xnorc builds side by side, in one run: did a change make any kernel slower?

    /usr/bin/python3 bench/compare_builds.py BEFORE_BIN AFTER_BIN [--rounds N] [--models]
                                             [--work DIR] [--quick]

BEFORE_BIN and AFTER_BIN are the bin/ folders of two builds (each with xnorc,
xnorc-kernel-bench and xnorc-float-kernel-bench). The kernel benchmarks of the two builds
run alternately (before, after, before, after, ...) N rounds each, so both see the same
machine load; each table row is the median over the rounds. With --models, the
benchmark models of bench/model_bench.py (Bi-Real-18 and XNOR-Net AlexNet, avx2 and
avx512, one thread) are compiled by both xnorc binaries (the runtime is embedded in xnorc,
so each program carries its own build's kernels) and the two programs run alternately too.

Prints, per row, before / after and the ratio after/before (time: > 1 is slower), and the
geometric mean of the ratios per benchmark.
"""
import argparse
import math
import os
import platform
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# Rows of the kernel benchmarks: "<layer> <target> <variant> <time> ..." where the layer
# name may contain spaces (the float bench). The time column is the first number after the
# target/variant words; the unit is in the header (us/call or ms).
def parse_rows(text):
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^(.*?)\s{2,}((?:generic|avx2|avx512|neon)\S*)(?:\s+(\S+))?\s+([0-9.]+)\s", line)
        if not m:
            continue
        layer, target, variant, t = m.group(1).strip(), m.group(2), m.group(3) or "", m.group(4)
        if re.match(r"^[0-9.]+$", variant):  # no variant column: the number was the time
            variant, t = "", variant
        rows[(layer, target, variant)] = float(t)
    return rows


def run_bench(binary, quick):
    cmd = [binary] + (["--quick"] if quick else [])
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout


def compare(name, before_bin, after_bin, rounds, quick):
    samples = {"before": {}, "after": {}}
    for r in range(rounds):
        for side, binary in (("before", before_bin), ("after", after_bin)):
            for key, t in parse_rows(run_bench(binary, quick)).items():
                samples[side].setdefault(key, []).append(t)
        print("  %s: round %d of %d done" % (name, r + 1, rounds), file=sys.stderr, flush=True)
    return report(name, samples)


def report(name, samples):
    print("\n%s (median of the rounds; ratio = after / before, > 1 is slower)" % name)
    print("%-28s %-8s %-10s %10s %10s %7s" % ("layer", "target", "variant", "before", "after", "ratio"))
    logs = []
    worst = (0.0, None)
    for key in samples["before"]:
        if key not in samples["after"]:
            continue
        b = statistics.median(samples["before"][key])
        a = statistics.median(samples["after"][key])
        ratio = a / b if b > 0 else float("nan")
        logs.append(math.log(ratio))
        if ratio > worst[0]:
            worst = (ratio, key)
        print("%-28s %-8s %-10s %10.3f %10.3f %7.3f" % (key[0], key[1], key[2], b, a, ratio))
    if logs:
        gm = math.exp(sum(logs) / len(logs))
        print("geometric mean ratio %.3f over %d rows; slowest row %.3f (%s)" %
              (gm, len(logs), worst[0], " ".join(k for k in worst[1] if k)))
    return logs


def compare_models(before_xnorc, after_xnorc, work, rounds):
    import model_bench
    os.makedirs(work, exist_ok=True)
    model_bench.ensure_models(work)
    inp = os.path.join(work, "in.npy")
    model_bench.make_input(inp)
    progs = {}
    for side, xnorc in (("before", before_xnorc), ("after", after_xnorc)):
        for model in ("bireal18", "xnor_alexnet"):
            for target in ("avx2", "avx512"):
                sub = os.path.join(work, side)
                os.makedirs(sub, exist_ok=True)
                d = os.path.join(sub, "%s-%s" % (model, target))
                subprocess.run([xnorc, os.path.join(work, model + ".onnx"), "-o", d, "--name", model,
                                "--emit-main", "--target=" + target, "--threads=1", "--quiet"],
                               check=True)
                prog = os.path.join(d, "prog")
                subprocess.run(["c++", "-std=c++17", "-O2", "-o", prog] +
                               [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".cpp")],
                               check=True)
                progs[(side, model, target)] = prog
    samples = {"before": {}, "after": {}}
    for r in range(rounds):
        for (side, model, target), prog in progs.items():
            out = subprocess.run([prog, inp, "-o", os.path.join(work, "out"), "--repeat", "20"],
                                 check=True, stdout=subprocess.PIPE, text=True).stdout
            m = re.search(r"median latency ([0-9.]+) ms", out)
            samples[side].setdefault((model, target, "ms"), []).append(float(m.group(1)))
        print("  models: round %d of %d done" % (r + 1, rounds), file=sys.stderr, flush=True)
    return report("whole models, one thread (ms)", samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="pass --quick to the kernel benchmarks")
    ap.add_argument("--models", action="store_true", help="also compare whole models")
    ap.add_argument("--work", default="/tmp/xnorc-model-bench")
    args = ap.parse_args()
    print("CPU: %s, %d logical cores; load average at start %.2f" %
          (cpu_name(), os.cpu_count(), os.getloadavg()[0]))
    for bench in ("xnorc-kernel-bench", "xnorc-float-kernel-bench"):
        compare(bench, os.path.join(args.before, bench), os.path.join(args.after, bench),
                args.rounds, args.quick)
    if args.models:
        compare_models(os.path.join(args.before, "xnorc"), os.path.join(args.after, "xnorc"),
                       args.work, args.rounds)
    print("load average at end %.2f" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
