"""Fails if a source of the compiler (compiler/, passes/, targets/, tools/) can reach an ISA's
intrinsics: immintrin.h / arm_neon.h (or any *intrin.h), or a runtime header under x86/ or
neon/ (those are pasted into generated code, never compiled into xnorc). Weight packers the
compiler runs come from intrinsics-free headers (runtime/.../common/*_pack.h), so xnorc builds
on any host.

Each source is preprocessed with its own compile command from compile_commands.json and `-M`.

Usage: check_compiler_includes.py SRC_ROOT BUILD_DIR/compile_commands.json
"""
import json
import os
import re
import shlex
import subprocess
import sys

FORBIDDEN = re.compile(r"(xnorc/runtime/(x86|neon)/|(^|/)[a-z0-9_]*intrin\.h$|(^|/)arm_neon\.h$)")


def main() -> int:
    src_root, database = sys.argv[1], sys.argv[2]
    entries = json.load(open(database))
    checked, bad = 0, []
    for e in entries:
        rel = os.path.relpath(os.path.realpath(e["file"]), os.path.realpath(src_root))
        if rel.split(os.sep)[0] not in ("compiler", "passes", "targets", "tools"):
            continue
        args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
        cmd, skip = [], False
        for a in args:
            if skip:
                skip = False
            elif a == "-o":
                skip = True
            elif a != "-c" and a != e["file"]:
                cmd.append(a)
        res = subprocess.run(cmd + ["-M", e["file"]], cwd=e["directory"], capture_output=True,
                             text=True)
        if res.returncode != 0:
            print(f"error: preprocessing {rel} failed:\n{res.stderr}")
            return 1
        deps = res.stdout.replace("\\\n", " ").split()[1:]
        bad += [(rel, d) for d in deps if FORBIDDEN.search(d)]
        checked += 1
    for rel, dep in bad:
        print(f"error: {rel} includes {dep}")
    print(f"checked {checked} compiler sources, {len(bad)} forbidden includes")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
