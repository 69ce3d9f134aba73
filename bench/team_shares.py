#!/usr/bin/python3
"""Two threads with measured shares against two threads with equal parts, in one run.

    /usr/bin/python3 bench/team_shares.py --xnorc BUILD/bin/xnorc [--model bireal18]
                                          [--target avx512] [--rounds 30] [--work DIR]

A --threads=2 program splits its row ranges in proportion to each thread's measured speed
(runtime/include/xnorc/runtime/common/team.h); -DXN_TEAM_EQUAL_SHARES builds the same code
with equal parts. Each round runs, one after the other: the one-thread program pinned to
CPU 0, the same pinned to CPU 1 (how fast each CPU is right now), then the two two-thread
programs on CPUs 0 and 1. A round is "uneven" when one CPU's one-thread latency is 10 % or
more above the other's: on a VM whose virtual CPUs share physical cores with other guests
that happens for minutes at a time. Prints every round and the mean latencies of both
two-thread programs over the even and the uneven rounds.
"""
import argparse
import os
import shutil
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import model_bench as mb  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--model", default="bireal18")
    ap.add_argument("--target", default="avx512")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--work", default="/tmp/xnorc-team-shares")
    a = ap.parse_args()
    if len(os.sched_getaffinity(0)) < 2 or not {0, 1} <= os.sched_getaffinity(0):
        print("skipped: this benchmark needs CPUs 0 and 1")
        return 0
    os.makedirs(a.work, exist_ok=True)
    mb.ensure_models(a.work, [a.model])
    inp = os.path.join(a.work, "input.npy")
    mb.make_input(inp)
    one, _, _ = mb.build(a.xnorc, a.work, a.model, a.target, 1)
    d = os.path.join(a.work, "%s-%s-t2-shares" % (a.model, a.target))
    shutil.rmtree(d, ignore_errors=True)
    mb.run([a.xnorc, os.path.join(a.work, a.model + ".onnx"), "-o", d, "--name", a.model,
            "--emit-main", "--target=" + a.target, "--threads=2", "--quiet"])
    shares, equal = os.path.join(d, "prog_shares"), os.path.join(d, "prog_equal")
    mb.compile_program(d, shares, ["-pthread"])
    mb.compile_program(d, equal, ["-pthread", "-DXN_TEAM_EQUAL_SHARES"])
    print("CPU: %s; %s %s, median of %d calls per program and round" %
          (mb.cpu_name(), a.model, a.target, a.repeat))
    print("%5s %9s %9s %11s %11s" % ("round", "1T cpu0", "1T cpu1", "2T shares", "2T equal"))
    rows = []
    for r in range(a.rounds):
        c0, _ = mb.xnorc_latency(one, inp, a.repeat, {0})
        c1, _ = mb.xnorc_latency(one, inp, a.repeat, {1})
        s, _ = mb.xnorc_latency(shares, inp, 2 * a.repeat, {0, 1})
        e, _ = mb.xnorc_latency(equal, inp, 2 * a.repeat, {0, 1})
        rows.append((c0, c1, s, e))
        print("%5d %9.3f %9.3f %11.3f %11.3f" % (r + 1, c0, c1, s, e), flush=True)
    for name, sel in (("even", lambda c0, c1: max(c0, c1) < 1.1 * min(c0, c1)),
                      ("uneven", lambda c0, c1: max(c0, c1) >= 1.1 * min(c0, c1))):
        picked = [row for row in rows if sel(row[0], row[1])]
        if not picked:
            print("%s rounds: none" % name)
            continue
        s = statistics.mean(p[2] for p in picked)
        e = statistics.mean(p[3] for p in picked)
        print("%s rounds (%d): two threads with shares %.3f ms, equal parts %.3f ms (%.1f %% %s)" %
              (name, len(picked), s, e, abs(1 - s / e) * 100, "faster" if s < e else "slower"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
