"""Fashion-MNIST loading shared by the example scripts.

Reads the idx files shipped by Debian's ``dataset-fashion-mnist`` package
(``apt-get install dataset-fashion-mnist``) into numpy arrays. Images are
converted uint8 -> float32 in [0, 1] and then normalised with MEAN/STD below;
this is the only place the normalisation is defined.
"""

import gzip
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

DATA_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")

# Per-pixel normalisation applied after scaling to [0, 1]. The compiled model
# expects inputs normalised the same way (samples.npy already is).
MEAN = 0.2860
STD = 0.3530


def class_names():
    """The 10 class names in label order (from classes.txt)."""
    with open(os.path.join(HERE, "classes.txt"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def _read_idx(path):
    if not os.path.exists(path):
        sys.exit(f"error: {path} not found; install it with "
                 "'apt-get install dataset-fashion-mnist' or set FASHION_MNIST_DIR")
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    if (magic >> 8) != 0x08:  # 0x08 = unsigned byte
        raise ValueError(f"{path}: unexpected idx type {magic:#x}")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def normalize(images_u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28], scaled to [0,1] then (x-MEAN)/STD."""
    x = images_u8.astype(np.float32) / 255.0
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return x.reshape(-1, 1, 28, 28).astype(np.float32)


def load(split):
    """Return (images float32 [N,1,28,28] normalised, labels int64 [N]).

    split is "train" (60000 images) or "test" (10000 images).
    """
    prefix = {"train": "train", "test": "t10k"}[split]
    images = _read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    return normalize(images), labels.astype(np.int64)
