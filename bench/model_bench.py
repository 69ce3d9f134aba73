#!/usr/bin/python3
"""Whole-model benchmark: xnorc's binary networks against ONNX Runtime's float ones.

    /usr/bin/python3 bench/model_bench.py [--work DIR] [--xnorc PATH] [--repeat N]
                                          [--threads 1,2] [--json bench/results/models.json]
                                          [--no-profile]

1. Generates the benchmark models (examples/models/make_benchmark_models.py: Bi-Real-18,
   XNOR-Net AlexNet, float ResNet-18 and AlexNet, 224x224, random weights) into the work
   dir, once (about 30 s; they are reused on later runs).
2. Compiles bireal18 and xnor_alexnet with xnorc for avx2 and avx512, once per thread
   count (`xnorc M -o D --name N --emit-main --target=T --threads=K --quiet`,
   `c++ -std=c++17 -O2`) and runs `prog in.npy -o out --repeat N`, which prints its median
   latency.
3. Runs ONNX Runtime (npm onnxruntime-node, bench/ort_bench.js) on the float resnet18 and
   alexnet with 1 and 2 intra-op threads: median over N runs after 3 warm-up runs.
4. Prints a table with the ratios (ORT float latency / xnorc latency with the same number
   of threads: how many times faster), writes the JSON, and (unless --no-profile, and if `perf` exists) a per-layer
   time profile of bireal18 avx512: `perf record` on the same program, samples grouped by
   kernel into stem / binary convs / shortcuts / pools / classifier / glue.
The machine may be shared: all numbers of one table come from the same run.
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def ensure_models(work):
    names = ["bireal18", "xnor_alexnet", "resnet18", "alexnet"]
    if all(os.path.exists(os.path.join(work, n + ".onnx")) for n in names):
        return
    print("generating the benchmark models (about 30 s) ...", flush=True)
    for n in names:
        run([sys.executable, os.path.join(ROOT, "examples/models/make_benchmark_models.py"), work,
             "--only", n])


def make_input(path):
    import numpy as np
    rng = np.random.default_rng(0)
    np.save(path, rng.standard_normal((1, 3, 224, 224)).astype(np.float32))


def xnorc_latency(xnorc, work, model, target, threads, repeat, inp):
    d = os.path.join(work, "%s-%s" % (model, target) + ("" if threads == 1 else "-t%d" % threads))
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.time()
    run([xnorc, os.path.join(work, model + ".onnx"), "-o", d, "--name", model, "--emit-main",
         "--target=" + target, "--threads=%d" % threads, "--quiet"])
    t1 = time.time()
    prog = os.path.join(d, "prog")
    run(["c++", "-std=c++17", "-O2", "-o", prog] +
        [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".cpp")])
    t2 = time.time()
    out = run([prog, inp, "-o", os.path.join(d, "out"), "--repeat", str(repeat)]).stdout
    m = re.search(r"median latency ([0-9.]+) ms over (\d+) runs", out)
    if not m:
        raise RuntimeError("unexpected output of %s: %s" % (prog, out))
    return float(m.group(1)), prog, t1 - t0, t2 - t1


def ort_latency(work, model, threads, repeat):
    out = run(["node", os.path.join(ROOT, "bench/ort_bench.js"), os.path.join(work, model + ".onnx"),
               str(threads), str(repeat)], cwd=ROOT).stdout
    m = re.search(r"median latency ([0-9.]+) ms", out)
    if not m:
        raise RuntimeError("unexpected output of ort_bench.js: " + out)
    return float(m.group(1))


# Kernel symbol -> part of Bi-Real-18 (avx512 build). The float convs share kernels (the
# stem and the wider 1x1 shortcuts run xn_avx512_oc_*, the others xn_avx512_conv_*), so they
# are one group.
PROFILE_GROUPS = [
    ("binary 3x3 convs (bconv + epilogue)", [r"xn_avx512_bconv", r"xn_avx512_epi_float",
                                             r"xn_oc_bconv"]),
    ("float convs (7x7/2 stem, 1x1 shortcuts)", [r"xn_avx512_oc_", r"xn_x86_oc_",
                                                 r"xn_avx512_conv"]),
    ("threshold (float -> bits)", [r"xn_avx512_threshold"]),
    ("stem maxpool (float)", [r"xn_avx512_maxpool", r"xn_maxpool"]),
    ("shortcut avgpool (float)", [r"xn_avx512_avgpool", r"xn_avgpool"]),
    ("classifier gemm + global pool", [r"xn_avx512_gemv", r"xn_avx512_gemm", r"xn_global"]),
    ("bit max-pool", [r"xn_avx512_bmaxpool"]),
    ("add/BN/copy glue", [r"xn_binary", r"xn_unary", r"xn_bitpack", r"xn_sign", r"^\w+_run$",
                          r"xn_batchnorm", r"xn_pack", r"memmove", r"memcpy"]),
]


def profile(prog, inp, work, repeat):
    if not shutil.which("perf"):
        return None
    data = os.path.join(work, "perf.data")
    try:
        run(["perf", "record", "-q", "-o", data, prog, inp, "-o", os.path.join(work, "prof-out"),
             "--repeat", str(repeat)])
        rep = run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol"]).stdout
    except (subprocess.CalledProcessError, OSError):
        return None
    parts = {g: 0.0 for g, _ in PROFILE_GROUPS}
    parts["other"] = 0.0
    for line in rep.splitlines():
        m = re.match(r"\s*([0-9.]+)%\s+\[[.k]\]\s+(.*)$", line)
        if not m:
            continue
        pct = float(m.group(1))
        sym = re.sub(r"(\s+-)+\s*$", "", m.group(2)).strip()  # trailing empty columns
        for g, pats in PROFILE_GROUPS:
            if any(re.search(p, sym) for p in pats):
                parts[g] += pct
                break
        else:
            parts["other"] += pct
    return parts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/xnorc-model-bench")
    ap.add_argument("--xnorc", default=os.path.join(ROOT, "build/bin/xnorc"))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", default=os.path.join(ROOT, "bench/results/models.json"))
    ap.add_argument("--threads", default="1,2",
                    help="thread counts for xnorc (--threads) and ORT (intra-op threads)")
    ap.add_argument("--no-profile", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ensure_models(args.work)
    inp = os.path.join(args.work, "in.npy")
    make_input(inp)

    thread_counts = [int(t) for t in args.threads.split(",")]
    rows, progs = [], {}
    for model in ["bireal18", "xnor_alexnet"]:
        for target in ["avx2", "avx512"]:
            for threads in thread_counts:
                ms, prog, tc, tb = xnorc_latency(args.xnorc, args.work, model, target, threads,
                                                 args.repeat, inp)
                progs[(model, target, threads)] = prog
                rows.append({"system": "xnorc", "model": model, "target": target,
                             "threads": threads, "median_ms": ms, "xnorc_seconds": round(tc, 2),
                             "cxx_seconds": round(tb, 2)})
                print("xnorc %-13s %-7s %d thread%s: %8.3f ms" % (
                    model, target, threads, "" if threads == 1 else "s", ms), flush=True)
    for model in ["resnet18", "alexnet"]:
        for threads in thread_counts:
            ms = ort_latency(args.work, model, threads, args.repeat)
            rows.append({"system": "onnxruntime", "model": model, "target": "cpu (float)",
                         "threads": threads, "median_ms": ms})
            print("ORT   %-13s float   %d thread%s: %8.3f ms" % (model, threads,
                                                            "" if threads == 1 else "s", ms), flush=True)

    ort = {(r["model"], r["threads"]): r["median_ms"] for r in rows if r["system"] == "onnxruntime"}
    ref = {"bireal18": "resnet18", "xnor_alexnet": "alexnet"}
    print()
    print("%-13s %-7s %7s %10s   %s" % ("model", "target", "threads", "xnorc ms",
                                       "vs ORT float, same threads"))
    for r in rows:
        if r["system"] != "xnorc":
            continue
        base = ref[r["model"]]
        r["speedup_vs_ort_same_threads"] = round(ort[(base, r["threads"])] / r["median_ms"], 2)
        print("%-13s %-7s %7d %10.3f   %5.2fx (%s %.1f ms)" % (
            r["model"], r["target"], r["threads"], r["median_ms"],
            r["speedup_vs_ort_same_threads"], base, ort[(base, r["threads"])]))
    print("speedup = ORT float latency / xnorc latency, both with the same number of threads")

    prof = None
    if not args.no_profile:
        prof = profile(progs[("bireal18", "avx512", thread_counts[0])], inp, args.work,
                       max(args.repeat, 20))
        if prof:
            print("\nbireal18 avx512 (%d thread%s), share of run time by part (perf samples):"
                  % (thread_counts[0], "" if thread_counts[0] == 1 else "s"))
            for g, pct in sorted(prof.items(), key=lambda kv: -kv[1]):
                print("  %-40s %5.1f%%" % (g, pct))
        else:
            print("\n(no profile: perf is not available)")

    result = {
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "load_average_at_start": os.getloadavg()[0]},
        "repeat": args.repeat,
        "rows": rows,
        "bireal18_avx512_profile_percent": prof,
    }
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
    print("wrote", args.json)


if __name__ == "__main__":
    main()
