#!/usr/bin/env python3
"""Byte-compares what two xnorc builds produce for the same models.

For a refactoring that must not change behaviour: every .onnx/.onnxtext/.xir under the
given roots is compiled by both builds' xnorc for every target, with and without
--binarize=all, and the emitted files, the IR (--emit=ir), the report (--report), the
diagnostics and the exit codes are compared. Then every `%xnorc-opt` and `%xnorc`
command of the lit tests (the first command of each RUN pipeline) runs with both builds
and its output is compared.

  scripts/compare_outputs.py BASE_BIN NEW_BIN ROOT... [--lit-tests test]
"""
import argparse
import filecmp
import os
import re
import shlex
import subprocess
import sys
import tempfile

TARGETS = ["generic", "avx2", "avx512", "neon", "neon-armv7", "host"]
SUFFIXES = (".onnx", ".onnxtext", ".xir")


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def same_tree(a, b):
    if not os.path.isdir(a) or not os.path.isdir(b):
        return os.path.isdir(a) == os.path.isdir(b)
    c = filecmp.dircmp(a, b)
    if c.left_only or c.right_only or c.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, c.common_files, shallow=False)
    return not mismatch and not errors and all(
        same_tree(os.path.join(a, d), os.path.join(b, d)) for d in c.common_dirs)


def compare(label, cmd_of, bins, work, differences):
    """Runs cmd_of(side, out_dir) for both builds; True if the new one wrote files."""
    results = []
    for side in ("base", "new"):
        out = os.path.join(work, side)
        subprocess.run(["rm", "-rf", out])
        rc, so, se = run(cmd_of(side, out), work)
        # Messages name the output directory and the tool's path: make both sides say the same.
        for old, new in ((out, b"OUT"), (bins[side], b"BIN")):
            so, se = so.replace(old.encode(), new), se.replace(old.encode(), new)
        results.append((rc, so, se))
    if results[0] != results[1] or not same_tree(os.path.join(work, "base"),
                                                 os.path.join(work, "new")):
        differences.append(label)
    return os.path.isdir(os.path.join(work, "new"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base_bin")
    ap.add_argument("new_bin")
    ap.add_argument("roots", nargs="+")
    ap.add_argument("--lit-tests", help="lit test folder whose xnorc/xnorc-opt RUN lines to run")
    a = ap.parse_args()
    bins = {"base": os.path.abspath(a.base_bin), "new": os.path.abspath(a.new_bin)}
    models = sorted(os.path.join(d, f) for r in a.roots for d, _, fs in os.walk(r) for f in fs
                    if f.endswith(SUFFIXES))
    differences, compared, compiled = [], 0, 0
    with tempfile.TemporaryDirectory() as work:
        for m in models:
            m = os.path.abspath(m)
            for target in TARGETS:
                for extra in ([], ["--binarize=all"]):
                    flags = ["--target=" + target] + extra
                    for mode in ("files", "ir", "report"):
                        def cmd(side, out, mode=mode):
                            base = [os.path.join(bins[side], "xnorc"), m] + flags
                            if mode == "files":
                                return base + ["-o", out, "--name", "m", "--emit-main"]
                            return base + (["--emit=ir"] if mode == "ir" else ["--report"])
                        wrote = compare(f"{m} {' '.join(flags)} {mode}", cmd, bins, work,
                                        differences)
                        compared += 1
                        compiled += mode == "files" and wrote
        if a.lit_tests:
            for d, _, fs in os.walk(a.lit_tests):
                for f in sorted(fs):
                    if not f.endswith(SUFFIXES + (".test",)):
                        continue
                    path = os.path.abspath(os.path.join(d, f))
                    text = open(path, errors="replace").read()
                    runs = re.findall(r"RUN:(.*)", text)
                    joined, lines = "", []
                    for r in runs:
                        joined += r.rstrip()
                        if joined.endswith("\\"):
                            joined = joined[:-1] + " "
                            continue
                        lines.append(joined.strip())
                        joined = ""
                    for line in lines:
                        first = re.split(r"\s\|\s|&&|;", line)[0].strip()
                        if first.startswith("not "):
                            first = first[4:]
                        if not re.match(r"%xnorc(-opt)?\s", first) or "%t" in first:
                            continue
                        tool = "xnorc-opt" if first.startswith("%xnorc-opt") else "xnorc"
                        rest = first.split(None, 1)[1].replace("%s", path).replace(
                            "%src_root", os.path.abspath(os.path.join(a.lit_tests, "..")))
                        if "%" in rest:
                            continue
                        try:
                            args = shlex.split(rest)
                        except ValueError:
                            continue
                        # Redirections are the shell's: stdout and stderr are both compared.
                        args = [x for x in args if not re.match(r"[0-9]?>", x)]

                        def cmd(side, out, tool=tool, args=args):
                            return [os.path.join(bins[side], tool)] + args
                        compare(f"{path}: {first}", cmd, bins, work, differences)
                        compared += 1
    print(f"{compared} comparisons ({len(models)} models x {len(TARGETS)} targets x 2 flag sets"
          f" x files/IR/report, plus lit RUN commands); {compiled} compiles wrote files;"
          f" {len(differences)} differ")
    for d in differences:
        print("DIFFERS:", d)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
