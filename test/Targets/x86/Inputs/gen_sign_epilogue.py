"""gen_sign_epilogue.py OUT.xir H W SEED: binary convs whose float outputs are thresholded, the
cases CpuTarget::signOutputs fuses into the conv's epilogue (x86 kernels xn_<isa>_bconv_sign)
and the ones it must leave alone:

  %xb = threshold(%x)                       producer is the graph input: a threshold layer
  %d1 = bconv(%xb, .., %x)                  64 -> 64, residual
  %d1b = threshold(%d1)                     fused: plain sign (d1 read again below)
  %d2 = bconv(%d1b, ..) relu                64 -> 40 (a word's upper half past c_out)
  %d2b = threshold(%d2, %tau2, %dir2)       fused: thresholds, both directions, ties
  %d3 = bconv(%d2b, ..) leaky_relu          40 -> 96 (two words per pixel; scalar epilogue)
  %d3b = threshold(%d3, %tau3)              fused
  %d3c = threshold(%d3)                     a second reader: its own layer
  %d4 = bconv(%d3b, ..)                     96 -> 128
  %d4b = threshold(%d4, %t)                 tau a graph input: its own layer
  %d5 = bconv(%d4b, .., %d4)                128 -> 128, residual
  %r5 = relu(%d5)                           an op between the conv and its threshold
  %d5b = threshold(%d5)                     fused
  %y = bconv(%d5b, ..) + %r5 (as residual)  128 -> 128
  %u = unpack(%d3c)                         second output: the unfused threshold's bits
Weights, scales, biases and thresholds are seeded; scales and thresholds are multiples of 1/8 so
that values land on thresholds (ties). Every target equals the reference interpreter bit for bit."""
import sys

import numpy as np

out, h, w, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(seed)


def floats(values):
    return ", ".join("%.6g" % v for v in values)


def bits(name, c_out, c_in):
    # One 64-bit word per (output channel, tap, 64 input channels), its tail bits zero.
    words = [int.from_bytes(rng.bytes(8), "little") & ((1 << min(64, c_in - lo)) - 1)
             for _ in range(c_out * 9) for lo in range(0, c_in, 64)]
    return "  %%%s = const b1[%d,%d,3,3] dense<[%s]>" % (name, c_out, c_in, ", ".join(map(hex, words)))


def grid(name, n, lo, hi):
    return "  %%%s = const f32[%d] dense<[%s]>" % (name, n, floats(rng.integers(lo, hi, n) / 8.0))


def ft(c):
    return "f32[1,%d,%d,%d]" % (c, h, w)


def bt(c):
    return "b1[1,%d,%d,%d]" % (c, h, w)


conv = "dilations = [1, 1], group = 1, pad_value = 0, pads = [1, 1, 1, 1], strides = [1, 1]"
lines = ['graph @"signs"(%%x: %s, %%t: f32[128]) -> (%%y, %%u) {' % ft(64)]
for i, (co, ci) in enumerate([(64, 64), (40, 64), (96, 40), (128, 96), (128, 128), (128, 128)], 1):
    lines += [bits("w%d" % i, co, ci), grid("s%d" % i, co, 1, 3), grid("b%d" % i, co, -8, 8)]
lines += [
    grid("tau2", 40, -16, 16),
    "  %%dir2 = const f32[40] dense<[%s]>" % floats(rng.integers(-1, 2, 40)),
    grid("tau3", 96, -16, 16),
    "  %%xb = threshold(%%x) : %s" % bt(64),
    "  %%d1 = bconv(%%xb, %%w1, %%s1, %%b1, %%x) {%s} : %s" % (conv, ft(64)),
    "  %%d1b = threshold(%%d1) : %s" % bt(64),
    '  %%d2 = bconv(%%d1b, %%w2, %%s2, %%b2) {activation = "relu", %s} : %s' % (conv, ft(40)),
    "  %%d2b = threshold(%%d2, %%tau2, %%dir2) : %s" % bt(40),
    '  %%d3 = bconv(%%d2b, %%w3, %%s3, %%b3) {act_alpha = 0.375, activation = "leaky_relu", %s} : %s'
    % (conv, ft(96)),
    "  %%d3b = threshold(%%d3, %%tau3) : %s" % bt(96),
    "  %%d3c = threshold(%%d3) : %s" % bt(96),
    "  %%d4 = bconv(%%d3b, %%w4, %%s4, %%b4) {%s} : %s" % (conv, ft(128)),
    "  %%d4b = threshold(%%d4, %%t) : %s" % bt(128),
    "  %%d5 = bconv(%%d4b, %%w5, %%s5, %%b5, %%d4) {%s} : %s" % (conv, ft(128)),
    "  %%r5 = relu(%%d5) : %s" % ft(128),
    "  %%d5b = threshold(%%d5) : %s" % bt(128),
    "  %%y = bconv(%%d5b, %%w6, %%s6, %%b6, %%r5) {%s} : %s" % (conv, ft(128)),
    "  %%u = unpack(%%d3c) : %s" % ft(96),
    "  return %y, %u",
    "}",
]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
