"""Writes the .npy files an input reader must reject (and a few it must accept).

usage: make_bad_npy.py OUTDIR

For a model input of shape [2,3] (Inputs/small.onnxtext). Each file breaks one rule:
the expected reason is in the test that reads it (npy-input-errors.test).
"""
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
good = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5


def save(name, arr):
    np.save(os.path.join(out, name), arr)


def raw(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def npy(header, data=b"", version=1):
    """A .npy file with the given header text (padded as numpy does) and data."""
    text = header.encode("latin1")
    pre = 10 if version == 1 else 12
    text += b" " * ((64 - (pre + len(text) + 1) % 64) % 64) + b"\n"
    size = struct.pack("<H", len(text)) if version == 1 else struct.pack("<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + size + text + data


def header(descr="<f4", shape="(2, 3)", fortran="False"):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


data = good.tobytes()
# Accepted: the input's shape, k inputs along the leading dimension, float64, version 2.
save("good.npy", good)
save("batch2.npy", np.concatenate([good, good + 1]))
save("f64.npy", good.astype(np.float64))
raw("version2.npy", npy(header(), data, version=2))
save("nan-inf.npy", np.array([[np.nan, np.inf, -np.inf], [-0.0, 3e38, -np.nan]], np.float32))
# Rejected.
save("wrong-shape.npy", good.reshape(3, 2))
save("wrong-rank.npy", good.reshape(6))
save("not-multiple.npy", np.zeros((3, 3), np.float32))
save("int32.npy", good.astype(np.int32))
save("big-endian.npy", good.astype(">f4"))
raw("truncated.npy", npy(header(), data[:-4]))
raw("oversized.npy", npy(header(), data + b"\0\0\0\0"))
raw("empty.npy", b"")
raw("not-npy.npy", b"PK\x03\x04 this is a zip file, not a .npy file")
raw("version9.npy", npy(header(), data)[:6] + b"\x09\x00" + npy(header(), data)[8:])
raw("header-too-long.npy", b"\x93NUMPY\x01\x00\xff\xff{'descr': '<f4'")
raw("not-a-dict.npy", npy("[1, 2, 3]", data))
raw("extra-key.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "
                         "'evil': 1}", data))
raw("duplicate-key.npy", npy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, "
                             "'shape': (2, 3)}", data))
raw("missing-shape.npy", npy("{'descr': '<f4', 'fortran_order': False}", data))
raw("fortran.npy", npy(header(fortran="True"), data))
raw("bad-shape.npy", npy(header(shape="(2, 'x')"), data))
raw("negative-dim.npy", npy(header(shape="(-2, 3)"), data))
raw("huge-dims.npy", npy(header(shape="(4611686018427387904, 4611686018427387904)"), data))
raw("huge-digits.npy", npy(header(shape="(99999999999999999999999, 3)"), data))
raw("bad-descr.npy", npy(header(descr="<f4')+evil"), data))
raw("object-dtype.npy", npy(header(descr="|O"), data))
