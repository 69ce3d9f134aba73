#!/usr/bin/env python3
"""Checks that generated HLS accelerators stay inside the synthesizable subset.

usage: check_synth_subset.py CXX FILE.cpp [FILE.cpp ...]

Each file is preprocessed as Vitis HLS sees it (-D__SYNTHESIS__; the vendor's headers and
the C headers replaced by empty stubs, so only the accelerator's own code remains: the
C-simulation stand-ins and the <name>_run wrapper drop out). In what remains it rejects
dynamic memory (new, delete, malloc, free), exceptions (throw, try, catch), virtual
functions, standard containers and threads (std::...), goto, while and do loops, recursion
(a function whose body calls itself), and a for loop whose bound is not a compile-time
constant: every loop must read `for (int i = <start>; i < <bound>; ++i)` with a bound made
of literals and UPPER_CASE names (template parameters and constexpr constants, the
convention of runtime/include/xnorc/runtime/hls/). Prints one line per violation and exits
1 if there is any; prints "<file>: ok (N loops)" otherwise.
"""
import os
import re
import subprocess
import sys
import tempfile

FORBIDDEN = [
    (r"\bnew\b", "dynamic memory (new)"),
    (r"\bdelete\b", "dynamic memory (delete)"),
    (r"\b(malloc|calloc|realloc|free)\s*\(", "dynamic memory (malloc/free)"),
    (r"\b(throw|try|catch)\b", "exceptions"),
    (r"\bvirtual\b", "virtual functions"),
    (r"\bstd::", "standard library (containers, threads, ...)"),
    (r"\bgoto\b", "goto"),
    (r"\bwhile\b", "while loop (no compile-time trip count)"),
    (r"\bdo\s*\{", "do loop (no compile-time trip count)"),
]
LOOP = re.compile(r"\bfor\s*\(([^;]*);([^;]*);([^)]*)\)")
LOOP_FORM = re.compile(r"^\s*int\s+(\w+)\s*=\s*[^;]+$")
BOUND = re.compile(r"^\s*(\w+)\s*<\s*([A-Z0-9_\s\*\+\-/\(\)]+)$")
FUNC = re.compile(r"\b(\w+)\s*\([^;{}]*\)\s*(?:const\s*)?\{")
KEYWORDS = {"if", "for", "switch", "while", "return", "sizeof"}


def preprocess(cxx: str, path: str) -> str:
    with tempfile.TemporaryDirectory() as stub:
        for h in ("ap_int.h", "hls_stream.h", "math.h", "stddef.h", "stdint.h"):
            open(os.path.join(stub, h), "w").close()
        res = subprocess.run([cxx, "-E", "-P", "-D__SYNTHESIS__", "-nostdinc", "-I", stub,
                              "-I", os.path.dirname(path) or ".", path],
                             capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"{path}: preprocessing failed:\n{res.stderr}")
        return res.stdout


def body_end(text: str, open_brace: int) -> int:
    depth = 0
    for i in range(open_brace, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def check(text: str, path: str) -> list[str]:
    bad = []
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        for pattern, what in FORBIDDEN:
            if re.search(pattern, line):
                bad.append(f"{path}:{n}: {what}: {line.strip()}")
    loops = 0
    for m in LOOP.finditer(text):
        loops += 1
        n = text.count("\n", 0, m.start()) + 1
        init, cond, step = m.group(1), m.group(2), m.group(3)
        form = LOOP_FORM.match(init)
        bound = BOUND.match(cond)
        if not form or not bound or bound.group(1) != form.group(1) or \
                step.strip() != f"++{form.group(1)}":
            bad.append(f"{path}:{n}: loop without a compile-time trip count: {m.group(0)}")
    for m in FUNC.finditer(text):
        name = m.group(1)
        if name in KEYWORDS:
            continue
        start = m.end() - 1
        body = text[start + 1:body_end(text, start)]
        if re.search(r"(?<![\w.>:])" + re.escape(name) + r"\s*(<[^;{}()]*>)?\s*\(", body):
            n = text.count("\n", 0, m.start()) + 1
            bad.append(f"{path}:{n}: recursion: {name} calls itself")
    return bad, loops


def main() -> int:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cxx, files = sys.argv[1], sys.argv[2:]
    failed = False
    for path in files:
        bad, loops = check(preprocess(cxx, path), path)
        for b in bad:
            print(b)
        if bad:
            failed = True
        else:
            print(f"{path}: ok ({loops} loops)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
