"""Expected outputs of quant-ops.xir, worked out by hand (see the comments)."""
import sys

import numpy as np

out = sys.argv[1]
# x / 0.5 = 1, 3, 5, -1, -3, 600, -600, 0.4 -> rounded + 10 = 11, 13, 15, 9, 7, 610, -590, 10
# -> saturated to 0..255, then (q - 10) * 0.5.
d = [0.5, 1.5, 2.5, -0.5, -1.5, 122.5, -5.0, 0.0]
# round half to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0, -2.5 -> -2.
hd = [0, 2, 2, 0, -2]
# y[i][j] = round_even((10 + t(i-1, j-1) - t(i, j)) / 4), t(r, c) = x[r][c] - 1 inside the
# 3x3 input (x = 1..9 row-major, so t = 3r + c) and 0 in the padding.
t = lambda r, c: 3 * r + c if 0 <= r < 3 and 0 <= c < 3 else 0
cd = [[float(np.round((10 + t(i - 1, j - 1) - t(i, j)) / 4)) for j in range(4)] for i in range(4)]
for i, want in enumerate([d, hd, [[cd]]]):
    got = np.load(f"{out}/output{i}.npy")
    assert got.dtype == np.float32 and (got == np.array(want, np.float32)).all(), (i, got, want)
print("ok")
