"""Copies a model to a file name that tries to inject code and compiles it from there.

usage: compile_hostile_path.py XNORC MODEL WORKDIR [XNORC FLAGS...]

The copy is WORKDIR/src/<hostile>.onnx, where <hostile> holds quotes, a newline, a
`#define`, the `??=` trigraph (`#` in C with trigraphs) and a backslash (a file name
cannot hold `/`, so no `*/` or `??/`); xnorc writes WORKDIR/gen with
the model name it derives from that file name (no --name). Exits with xnorc's status.
"""
import os
import shutil
import subprocess
import sys

HOSTILE = 'Evil "q" \n#define INJECTED_FILE 1 ??=define INJECTED_FILE_TRIGRAPH 1 \\'

xnorc, model, work = sys.argv[1:4]
os.makedirs(os.path.join(work, "src"), exist_ok=True)
path = os.path.join(work, "src", HOSTILE + ".onnx")
shutil.copy(model, path)
sys.exit(subprocess.call([xnorc, path, "-o", os.path.join(work, "gen")] + sys.argv[4:]))
