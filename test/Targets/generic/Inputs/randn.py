"""Writes a float32 .npy of standard-normal values: randn.py OUT.npy SEED D0 D1 ..."""
import sys

import numpy as np

out, seed, dims = sys.argv[1], int(sys.argv[2]), [int(d) for d in sys.argv[3:]]
np.save(out, np.random.RandomState(seed).randn(*dims).astype(np.float32))
