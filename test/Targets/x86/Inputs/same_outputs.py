"""same_outputs.py N REF DIR...: output0.npy .. output<N-1>.npy of every DIR equal REF's, bit
for bit (same dtype, shape and bytes); prints the first difference and exits 1 otherwise."""
import sys

import numpy as np

n, ref, dirs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
for i in range(n):
    want = np.load("%s/output%d.npy" % (ref, i))
    for d in dirs:
        got = np.load("%s/output%d.npy" % (d, i))
        if got.dtype != want.dtype or got.shape != want.shape or got.tobytes() != want.tobytes():
            diff = np.argwhere(got != want) if got.shape == want.shape else "shape"
            sys.exit("%s/output%d.npy differs from %s: %s" % (d, i, ref, str(diff[:5])))
print("%d outputs of %d programs equal the reference" % (n, len(dirs)))
