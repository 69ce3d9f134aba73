#!/usr/bin/python3
"""Whole-model benchmark: xnorc's binary networks against ONNX Runtime's float ones.

    /usr/bin/python3 bench/model_bench.py [--work DIR] [--xnorc PATH] [--repeat N]
                                          [--threads 1,2] [--targets avx2,avx512]
                                          [--models bireal18,...] [--ceilings B,F]
                                          [--json bench/results/models.json] [--no-profile]
                                          [--rounds 3] [--cpus 1,0]

1. Generates the benchmark models (examples/models/make_benchmark_models.py: Bi-Real-18, its
   variant with an 8-bit stem and classifier, its variants with 25 % / 50 % of every residual
   stream's channels pruned (prune-channels removes them), XNOR-Net AlexNet, QuickNet, QuickNet-Large, ReActNet-A, Real-to-Binary, and their float
   baselines: ResNet-18, AlexNet and the float twins; 224x224, random weights) into the work
   dir, once (they are reused on later runs).
2. Compiles each binary model with xnorc for each target, once per thread count (`xnorc M
   -o D --name N --emit-main --target=T --threads=K --quiet`, `c++ -std=c++17 -O2`; both
   timed) and runs `prog in.npy -o out --repeat N`, which prints its median latency (its
   peak RSS read from the kernel's rusage of the child).
3. Runs ONNX Runtime (npm onnxruntime-node, bench/ort_bench.js) on each float baseline with
   each thread count: median over N runs after 3 warm-up runs (peak RSS of the node process,
   which includes node's own ~40 MB). Steps 2 and 3 alternate, --rounds times (default 3):
   every xnorc program once per round. With --bracket program (the default) each xnorc
   program runs between two runs of its own ORT baseline (same float model, same threads;
   the programs of one baseline chained, ORT x ORT x ORT), seconds apart, and its ORT latency
   in the round is the geometric mean of those two; with --bracket round the round's xnorc
   programs all run between one before and one after run of each ORT program (a half-minute
   apart: a host that changes speed for seconds at a time then gives one side of a ratio the
   faster state). A latency is the median over the rounds, a speedup (against ORT, and a
   multi-thread build's against the same model's one-thread build, which runs just before it)
   the median of the rounds' ratios, so a host whose speed drifts moves both sides alike.
   --cpus pins every measured process, xnorc's and ORT's alike, to the first K CPUs of the
   list for K threads (sched_setaffinity in the child): a virtual machine's CPUs can run at
   different speeds (docs/Benchmarks.md, session 17), and unpinned a one-thread program lands
   on either.
4. Unless --no-profile: builds each (model, target) once more with `--profile=json` and runs
   it, which measures the machine's ceilings (or takes --ceilings) and gives the MACs; the
   whole-model roofline share of a row is then roofline time / measured time, the roofline
   time the model's binary MACs at the popcount ceiling plus its float MACs at the FMA
   ceiling, divided by the thread count. Prints the per-layer profile of bireal18 on the
   last target, one thread and the largest thread count (the layers that do not split show
   as a low roofline share at 2 threads).
5. Prints the stem (first conv) time of each profiled Bi-Real-18, float and 8-bit, the
   channel-pruned Bi-Real-18s against the dense one (same target and threads), and the table (ORT float latency / xnorc latency with the same number of threads: how
   many times faster; roofline share), the build and memory costs, and writes the JSON.
The machine may be shared: all numbers of one table come from the same run.
"""
import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


# Each binary benchmark model and the float network ONNX Runtime runs against it.
BASELINE = {
    "bireal18": "resnet18",
    "bireal18_int8": "resnet18",
    "bireal18_pruned25": "resnet18",
    "bireal18_pruned50": "resnet18",
    "xnor_alexnet": "alexnet",
    "quicknet": "quicknet_float",
    "quicknet_large": "quicknet_large_float",
    "reactnet_a": "reactnet_a_float",
    "real2binary": "real2binary_float",
}


def ensure_models(work, models):
    for n in [m for b in models for m in (b, BASELINE[b])]:
        if not os.path.exists(os.path.join(work, n + ".onnx")):
            print("generating %s ..." % n, flush=True)
            run([sys.executable, os.path.join(ROOT, "examples/models/make_benchmark_models.py"),
                 work, "--only", n])


def run_measured(cmd, cpus=None, **kw):
    """Runs cmd (on the CPUs `cpus` if given); returns its stdout and its peak resident set in
    MiB (the child's own rusage, from wait4: what the kernel counted for that process alone)."""
    if cpus:
        kw["preexec_fn"] = lambda: os.sched_setaffinity(0, cpus)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, **kw)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, cmd, out.read(), err.read())
        return out.read(), usage.ru_maxrss / 1024


def make_input(path):
    import numpy as np
    rng = np.random.default_rng(0)
    np.save(path, rng.standard_normal((1, 3, 224, 224)).astype(np.float32))


def build(xnorc, work, model, target, threads, profile=False):
    """Compiles model with xnorc and the C++ compiler; returns the program and both times."""
    d = os.path.join(work, "%s-%s" % (model, target) + ("" if threads == 1 else "-t%d" % threads) +
                     ("-profile" if profile else ""))
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.time()
    run([xnorc, os.path.join(work, model + ".onnx"), "-o", d, "--name", model, "--emit-main",
         "--target=" + target, "--threads=%d" % threads, "--quiet"] +
        (["--profile=json"] if profile else []))
    t1 = time.time()
    prog = os.path.join(d, "prog")
    compile_program(d, prog)
    return prog, t1 - t0, time.time() - t1


def compile_program(d, prog, flags=()):
    """Compiles the generated .cpp files of folder d into prog."""
    run(["c++", "-std=c++17", "-O2"] + list(flags) + ["-o", prog] +
        [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".cpp")])


def xnorc_latency(prog, inp, repeat, cpus=None):
    out, rss = run_measured([prog, inp, "-o", os.path.dirname(prog) + "/out", "--repeat",
                             str(repeat)], cpus)
    m = re.search(r"median latency ([0-9.]+) ms over (\d+) runs", out)
    if not m:
        raise RuntimeError("unexpected output of %s: %s" % (prog, out))
    return float(m.group(1)), rss


def xnorc_profile(prog, inp, repeat, ceilings):
    out, _ = run_measured([prog, inp, "-o", os.path.dirname(prog) + "/out", "--repeat",
                           str(repeat)] + (["--ceilings", ceilings] if ceilings else []))
    return json.loads(out)


def ort_latency(work, model, threads, repeat, cpus=None):
    out, rss = run_measured(["node", os.path.join(ROOT, "bench/ort_bench.js"),
                             os.path.join(work, model + ".onnx"), str(threads), str(repeat)],
                            cpus, cwd=ROOT)
    m = re.search(r"median latency ([0-9.]+) ms", out)
    if not m:
        raise RuntimeError("unexpected output of ort_bench.js: " + out)
    return float(m.group(1)), rss


def roofline_ms(prof, threads):
    """The model's MACs at the profile's ceilings (one core each) on `threads` cores."""
    c = prof["ceilings"]
    b = sum(l["binary_macs"] for l in prof["layers"])
    f = sum(l["float_macs"] for l in prof["layers"])
    return 1e3 * (b / c["binary_macs_per_s"] + f / c["float_macs_per_s"]) / threads


def print_layers(prof):
    print("\n%s %s, %d thread%s: per-layer profile (median of %d runs; roofline share of "
          "the whole run %.1f%%)" % (prof["model"], prof["target"], prof["threads"],
                                     "" if prof["threads"] == 1 else "s", prof["runs"],
                                     100 * prof["roofline_share"]))
    print("  %-28s %-16s %9s %6s %8s" % ("layer", "op", "us", "share", "roofline"))
    for l in prof["layers"]:
        if l["has_code"]:
            roof = "-" if l["roofline_share"] is None else "%.1f%%" % (100 * l["roofline_share"])
            print("  %-28s %-16s %9.1f %5.1f%% %8s" % (l["name"][:28], l["op"], l["us"],
                                                       100 * l["share"], roof))


def print_fast_state(rows, ort):
    """The table again over the rounds whose runs all began with the host in its fast state:
    every ceiling probed around a ratio's runs at least 95 % of the run's highest."""
    xrows = [r for r in rows if r["system"] == "xnorc"]
    top = max(p for r in xrows for p in r["probe_rounds"] + r["single_probe_rounds"])
    fast = 0.95 * top
    print("\nThe rounds in the host's fast state (every probed ceiling around the runs >= %.3g "
          "binary MAC/s, 95 %% of the run's highest):" % fast)
    print("%-15s %-7s %7s %6s %10s %9s %6s   %s" % ("model", "target", "threads", "rounds",
                                                   "xnorc ms", "vs 1 thr", "rounds",
                                                   "vs ORT float, same threads"))
    for r in xrows:
        keep = [k for k, p in enumerate(r["probe_rounds"]) if p >= fast]
        res = {"ceiling_at_least": fast, "rounds": len(keep)}
        line = "%-15s %-7s %7d %6d" % (r["model"], r["target"], r["threads"], len(keep))
        if keep:
            res["median_ms"] = statistics.median(r["rounds_ms"][k] for k in keep)
            res["speedup_vs_ort_same_threads"] = round(statistics.median(
                r["ort_rounds_ms"][k] / r["rounds_ms"][k] for k in keep), 2)
            res["ort_median_ms"] = statistics.median(r["ort_rounds_ms"][k] for k in keep)
        skeep = [k for k, p in enumerate(r["single_probe_rounds"]) if p >= fast]
        if r["threads"] > 1 and skeep:
            res["scaling_rounds"] = len(skeep)
            res["speedup_vs_1_thread"] = round(statistics.median(
                r["single_rounds_ms"][k] / r["rounds_ms"][k] for k in skeep), 2)
        r["fast_state"] = res
        print("%s %10s %9s %6s   %s" % (
            line, "%.3f" % res["median_ms"] if keep else "-",
            "%.2fx" % res["speedup_vs_1_thread"] if "speedup_vs_1_thread" in res else "-",
            res.get("scaling_rounds", "-") if r["threads"] > 1 else "-",
            "%5.2fx (%s %.1f ms)" % (res["speedup_vs_ort_same_threads"],
                                     ort[(BASELINE[r["model"]], r["threads"])]["model"],
                                     res["ort_median_ms"]) if keep else "-"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/xnorc-model-bench")
    ap.add_argument("--xnorc", default=os.path.join(ROOT, "build/bin/xnorc"))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", default=os.path.join(ROOT, "bench/results/models.json"))
    ap.add_argument("--threads", default="1,2",
                    help="thread counts for xnorc (--threads) and ORT (intra-op threads)")
    ap.add_argument("--targets", default="avx2,avx512")
    ap.add_argument("--models", default=",".join(BASELINE),
                    help="binary models to run (default all: %s)" % ",".join(BASELINE))
    ap.add_argument("--ceilings", help="B,F: one core's binary and float MAC/s for the roofline "
                    "(default: measured by each profiled program at start-up)")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--rounds", type=int, default=3,
                    help="times every xnorc and ORT program is run, alternating (default 3)")
    ap.add_argument("--bracket", choices=("program", "round"), default="program",
                    help="ORT runs around each xnorc program (default) or around each round's "
                    "xnorc programs")
    ap.add_argument("--state-probe", action="store_true",
                    help="with --bracket program: measure one core's binary MAC/s ceiling (a "
                    "--profile build's start-up measurement, 0.2 s) just before every run, and "
                    "print the table again over the rounds the host was in its fast state")
    ap.add_argument("--cpus", help="pin xnorc and ORT alike to the first K of these CPUs for K "
                    "threads (e.g. 1,0)")
    args = ap.parse_args()
    cpu_list = [int(c) for c in args.cpus.split(",")] if args.cpus else []
    if args.state_probe and args.bracket != "program":
        ap.error("--state-probe needs --bracket program")
    models = args.models.split(",")
    for m in models:
        if m not in BASELINE:
            ap.error("unknown model %s (known: %s)" % (m, ", ".join(BASELINE)))
    targets = args.targets.split(",")
    os.makedirs(args.work, exist_ok=True)
    ensure_models(args.work, models)
    inp = os.path.join(args.work, "in.npy")
    make_input(inp)

    thread_counts = [int(t) for t in args.threads.split(",")]
    rows, profiles = [], {}
    for model in models:
        for target in targets:
            if not args.no_profile:
                prog, _, _ = build(args.xnorc, args.work, model, target, 1, profile=True)
                profiles[(model, target, 1)] = xnorc_profile(prog, inp, args.repeat, args.ceilings)
                if model == "bireal18" and max(thread_counts) > 1:
                    t = max(thread_counts)
                    prog, _, _ = build(args.xnorc, args.work, model, target, t, profile=True)
                    profiles[(model, target, t)] = xnorc_profile(prog, inp, args.repeat,
                                                                 args.ceilings)
            for threads in thread_counts:
                prog, tc, tb = build(args.xnorc, args.work, model, target, threads)
                row = {"system": "xnorc", "model": model, "target": target, "threads": threads,
                       "xnorc_seconds": round(tc, 2), "cxx_seconds": round(tb, 2),
                       "rounds_ms": [], "prog": prog}
                rows.append(row)
    for base in sorted({BASELINE[m] for m in models}):
        for threads in thread_counts:
            rows.append({"system": "onnxruntime", "model": base, "target": "cpu (float)",
                         "threads": threads, "rounds_ms": []})
    # Every program once per round, xnorc and ORT alternating: a machine whose speed drifts
    # (a shared host's does, up to 2x within minutes) then moves both sides of a ratio alike.
    # ORT runs before and after each xnorc program (--bracket round: the round's xnorc
    # programs) and its latency for that program is the geometric mean of the two: the xnorc
    # run lies between them, so a drift does not favour whichever side ran in the faster
    # seconds. (The Xeon of sessions 23-28 changed speed by 1.5x for seconds at a time: with
    # half a minute between ORT's runs, a round's two ORT latencies differed by up to 1.5x.)
    # The host's state just before a run: one core's binary ceiling as a --profile build
    # measures it at start-up (the Xeon of sessions 23-28: 9.5e11 in its fast state, 6.4-8e11
    # in its slow one, where xnorc's port-bound kernels slow more than ORT's partly
    # memory-bound float network). None without --state-probe.
    probe_prog = None
    if args.state_probe:
        # (avx512's ceiling if it is in the run: steadier than avx2's table lookups)
        probe_target = "avx512" if "avx512" in targets else targets[-1]
        probe_prog, _, _ = build(args.xnorc, args.work, models[0], probe_target, 1, profile=True)

    def probe():
        if not probe_prog:
            return None
        out, _ = run_measured([probe_prog, inp, "-o", os.path.dirname(probe_prog) + "/out",
                               "--repeat", "1"], cpu_list[:1] or None)
        return json.loads(out)["ceilings"]["binary_macs_per_s"]

    def measure(r, rnd, when=""):
        cpus = cpu_list[:r["threads"]] if len(cpu_list) >= r["threads"] else None
        measure.probe = probe()
        if r["system"] == "xnorc":
            ms, rss = xnorc_latency(r["prog"], inp, args.repeat, cpus)
        else:
            ms, rss = ort_latency(args.work, r["model"], r["threads"], args.repeat, cpus)
        r["peak_rss_mib"] = max(r.get("peak_rss_mib", 0), round(rss, 1))
        print("round %d %-5s %-15s %-11s %d thread%s: %8.3f ms%s%s" % (
            rnd + 1, "xnorc" if r["system"] == "xnorc" else "ORT", r["model"],
            r["target"], r["threads"], "" if r["threads"] == 1 else "s", ms, when,
            "" if measure.probe is None else " [ceiling %.3g]" % measure.probe), flush=True)
        return ms

    ort_rows = [r for r in rows if r["system"] == "onnxruntime"]
    ort_of = {(r["model"], r["threads"]): r for r in ort_rows}
    xnorc_rows = [r for r in rows if r["system"] == "xnorc"]
    def one_thread_of(r):
        for x in xnorc_rows:
            if (x["model"], x["target"], x["threads"]) == (r["model"], r["target"], 1):
                return x
        return None

    for r in xnorc_rows:
        r["ort_rounds_ms"] = []  # the ORT latency this row's ratio takes, per round
        r["single_rounds_ms"] = []  # --bracket program: its one-thread build's, just before it
        r["probe_rounds"] = []  # --state-probe: the lowest ceiling around the ratio's runs
        r["single_probe_rounds"] = []  # and around the scaling ratio's
    for rnd in range(args.rounds):
        if args.bracket == "round":
            before = [measure(r, rnd, " (before)") for r in ort_rows]
            for r in xnorc_rows:
                r["rounds_ms"].append(measure(r, rnd))
            for r, b in zip(ort_rows, before):
                r["rounds_ms"].append(math.sqrt(b * measure(r, rnd, " (after)")))
                for x in xnorc_rows:
                    if ort_of[(BASELINE[x["model"]], x["threads"])] is r:
                        x["ort_rounds_ms"].append(r["rounds_ms"][-1])
            continue
        # Each baseline's xnorc programs (same float model and threads) between its ORT runs:
        # ORT, program, ORT, program, ORT; a program's ORT latency, the geometric mean of its
        # neighbours. A multi-thread program's one-thread build runs again just before it, for
        # the scaling ratio (a second apart, where the rows' own runs are a group apart).
        for key, base in ort_of.items():
            group = [r for r in xnorc_rows if (BASELINE[r["model"]], r["threads"]) == key]
            if not group:
                continue
            runs = [measure(base, rnd, " (before)")]
            probes = [measure.probe]
            for r in group:
                single = one_thread_of(r)
                single_probe = None
                if single is not None and single is not r:
                    r["single_rounds_ms"].append(measure(single, rnd, " (one thread, again)"))
                    single_probe = measure.probe
                r["rounds_ms"].append(measure(r, rnd))
                own_probe = measure.probe
                runs.append(measure(base, rnd, " (after)"))
                probes.append(measure.probe)
                r["ort_rounds_ms"].append(math.sqrt(runs[-2] * runs[-1]))
                if probe_prog:
                    r["probe_rounds"].append(min(probes[-2], own_probe, probes[-1]))
                    if single_probe is not None:
                        r["single_probe_rounds"].append(min(single_probe, own_probe))
            base["rounds_ms"].append(statistics.median(runs))
    for r in rows:
        r.pop("prog", None)
        r["median_ms"] = statistics.median(r["rounds_ms"])
        if r["system"] == "xnorc":
            prof = profiles.get((r["model"], r["target"], 1))
            if prof:
                r["roofline_ms"] = round(roofline_ms(prof, r["threads"]), 3)
                r["roofline_share"] = round(r["roofline_ms"] / r["median_ms"], 3)

    ort = {(r["model"], r["threads"]): r for r in rows if r["system"] == "onnxruntime"}
    one_thread = {(r["model"], r["target"]): r for r in rows
                  if r["system"] == "xnorc" and r["threads"] == 1}
    print()
    print("%-15s %-7s %7s %10s %9s %9s   %s" % ("model", "target", "threads", "xnorc ms",
                                               "roofline", "vs 1 thr", "vs ORT float, same threads"))
    for r in rows:
        if r["system"] != "xnorc":
            continue
        base = ort[(BASELINE[r["model"]], r["threads"])]
        # The median of the rounds' ratios, each from two latencies of the same round: a host
        # that drifts between rounds moves both alike (the ORT runs bracket the program, or
        # with --bracket round the round; the one-thread build runs just before the program).
        r["speedup_vs_ort_same_threads"] = round(statistics.median(
            b / x for b, x in zip(r["ort_rounds_ms"], r["rounds_ms"])), 2)
        single = one_thread.get((r["model"], r["target"]))
        scaling = "-"
        if r["threads"] > 1 and single:
            singles = r["single_rounds_ms"] or single["rounds_ms"]
            r["speedup_vs_1_thread"] = round(statistics.median(
                s / x for s, x in zip(singles, r["rounds_ms"])), 2)
            scaling = "%.2fx" % r["speedup_vs_1_thread"]
        roof = "%.1f%%" % (100 * r["roofline_share"]) if "roofline_share" in r else "-"
        print("%-15s %-7s %7d %10.3f %9s %9s   %5.2fx (%s %.1f ms)" % (
            r["model"], r["target"], r["threads"], r["median_ms"], roof, scaling,
            r["speedup_vs_ort_same_threads"], base["model"], base["median_ms"]))
    print("xnorc ms, ORT ms: medians over %d round(s) of each program's median latency; "
          "speedup = the median over the rounds of ORT float latency / xnorc latency, both with "
          "the same number of threads, ORT's in a round the geometric mean of its runs just "
          "before and after %s; vs 1 thr = the median over the rounds of the one-thread "
          "latency / this one (same model and target%s);" % (
              args.rounds, "the program" if args.bracket == "program" else "the round's xnorc runs",
              ", the one-thread build run just before it" if args.bracket == "program" else ""))
    print("roofline = the model's MACs at the measured ceilings / the measured latency")
    if probe_prog:
        print_fast_state(rows, ort)

    print("\n%-15s %-7s %7s %9s %9s %10s %10s" % ("model", "target", "threads", "xnorc s",
                                                "c++ -O2 s", "RSS MiB", "ORT MiB"))
    for r in rows:
        if r["system"] == "xnorc":
            print("%-15s %-7s %7d %9.2f %9.2f %10.1f %10.1f" % (
                r["model"], r["target"], r["threads"], r["xnorc_seconds"], r["cxx_seconds"],
                r["peak_rss_mib"], ort[(BASELINE[r["model"]], r["threads"])]["peak_rss_mib"]))
    print("RSS = peak resident set of the process (ORT's: the node process running it)")

    # Channel-pruned Bi-Real-18s against the dense one, measured in this run.
    dense = {(r["target"], r["threads"]): r for r in rows
             if r["system"] == "xnorc" and r["model"] == "bireal18"}
    pruned = [r for r in rows if r["system"] == "xnorc" and r["model"].startswith("bireal18_pruned")
              and (r["target"], r["threads"]) in dense]
    if pruned:
        print("\n%-17s %-7s %7s %10s %10s  %s" % ("model", "target", "threads", "ms", "dense ms",
                                                  "dense / pruned"))
        for r in pruned:
            d = dense[(r["target"], r["threads"])]["median_ms"]
            r["speedup_vs_bireal18"] = round(d / r["median_ms"], 2)
            print("%-17s %-7s %7d %10.3f %10.3f  %5.2fx" % (r["model"], r["target"], r["threads"],
                                                        r["median_ms"], d,
                                                        r["speedup_vs_bireal18"]))

    for key in sorted(k for k in profiles if k[0] == "bireal18" and k[1] == targets[-1]):
        print_layers(profiles[key])

    # The stem (the first conv) of Bi-Real-18, float against 8-bit (bireal18_int8), per target.
    stems = [(k, stem_us(p)) for k, p in sorted(profiles.items()) if k[0].startswith("bireal18")]
    if stems:
        print("\n%-15s %-7s %7s %10s  %s" % ("model", "target", "threads", "stem us", "stem layer"))
        for (model, target, threads), (us, layer) in stems:
            print("%-15s %-7s %7d %10.1f  %s" % (model, target, threads, us, layer))

    result = {
        "machine": {"cpu": cpu_name(), "cores": os.cpu_count(),
                    "load_average_at_start": os.getloadavg()[0]},
        "repeat": args.repeat,
        "rounds": args.rounds,
        "bracket": args.bracket,
        "pinned_cpus": cpu_list,
        "rows": rows,
        "profiles": [profiles[k] for k in sorted(profiles)],
    }
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
    print("wrote", args.json)


def stem_us(prof):
    """The first conv layer's time (us) and name (on x86 the stem conv and its max-pool are one
    conv_max_pool layer)."""
    for l in prof["layers"]:
        if l["has_code"] and l["op"] in ("conv", "qconv", "conv_max_pool"):
            return l["us"], "%s (%s)" % (l["name"], l["op"])
    return float("nan"), "-"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
