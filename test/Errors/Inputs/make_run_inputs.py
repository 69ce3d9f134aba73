"""Writes the input files of run-errors.test and emitted-main-errors.test.

usage: make_run_inputs.py OUTDIR

For a model with inputs a, b of shape [2,3]: a4.npy holds two of them along
the leading dimension, b2.npy one (together they disagree on the batch
count); c8.npy has a dtype nothing reads (complex64); bad.pb is not a
protobuf message (a varint that never ends); x64.npy is the [1,64] input of
a model whose output is packed bits.
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "a4.npy"), np.ones((4, 3), np.float32))
np.save(os.path.join(out, "b2.npy"), np.ones((2, 3), np.float32))
np.save(os.path.join(out, "c8.npy"), np.ones((2, 3), np.complex64))
np.save(os.path.join(out, "x64.npy"), np.ones((1, 64), np.float32))
with open(os.path.join(out, "bad.pb"), "wb") as f:
    f.write(b"\xff" * 16)
