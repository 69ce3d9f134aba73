"""Writes one C++ file as the HLS emitter pastes the C-simulation headers (docs/HLS.md,
"Headers and modes"): the vendor-include block, then each requested header of
runtime/include/xnorc/runtime/hls/ after the headers it includes, at global scope, without
their `#include "..."` lines; then the program text.

usage: paste_csim.py HLS_DIR PROGRAM.cpp HEADER... > OUT.cpp
"""
import re
import sys
from pathlib import Path

QUOTED = re.compile(r'^\s*#include\s+"([^"]+)"')


def paste(hls_dir: Path, name: str, done: list, out: list) -> None:
    if name in done:
        return
    text = (hls_dir / name).read_text()
    for line in text.splitlines():
        m = QUOTED.match(line)
        if m:
            paste(hls_dir, m.group(1), done, out)
    done.append(name)
    out.append(f"// ---- xnorc runtime: hls/{name} ----\n")
    out.extend(line + "\n" for line in text.splitlines() if not QUOTED.match(line))


def main() -> None:
    hls_dir, program, headers = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    out = ["#if defined(__SYNTHESIS__) || defined(XNORC_HLS_USE_VENDOR_HEADERS)\n",
           "#include <ap_int.h>\n", "#include <hls_stream.h>\n", "#endif\n"]
    done: list = []
    for h in headers:
        paste(hls_dir, h, done, out)
    out.append(program.read_text())
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
