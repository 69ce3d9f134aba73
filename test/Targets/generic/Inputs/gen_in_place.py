"""gen_in_place.py OUT.xir C H W SEED: a graph whose results can take over their operands'
storage (the memory planner's in-place rule, OpTrait::InPlace), with the cases it must refuse.

  %a = relu(%x)                   the graph input is never overwritten: a slot of its own
  %c = clip(%a)                   in place over %a
  %d = bconv(bits(%c), .., %c)    in place over its residual %c
  %e = neg(%d)                    not in place: %d is read again by %f
  %f = add(%e, %d)                in place over %e (the first operand that dies here)
  %g = mul(%f, %f)                in place over %f (read twice, at the written position)
  %h = bconv(bits(%g), .., %g)    in place over its residual %g
  %m = max(%h, %x)                in place over %h, never over the graph input
  %n = batch_norm(%m, ..)         in place over %m
  %q = sub(%k, %n)                in place over %n, not over the broadcast constant %k
  %y = relu(%q)                   the graph output: the caller's buffer
Binary weights, scales and biases are seeded random values; the ops are exact (no
transcendental functions), so every target equals the reference interpreter bit for bit."""
import sys

import numpy as np

out, c, h, w, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = np.random.default_rng(seed)


def floats(values):
    return ", ".join("%.6g" % v for v in values)


def bits(name):
    # One 64-bit word per (output channel, tap, 64 input channels), its tail bits zero.
    words = [int.from_bytes(rng.bytes(8), "little") & ((1 << min(64, c - lo)) - 1)
             for _ in range(c * 9) for lo in range(0, c, 64)]
    return "  %%%s = const b1[%d,%d,3,3] dense<[%s]>" % (name, c, c, ", ".join(map(hex, words)))


def vec(name, shape, scale, offset=0.0):
    values = rng.standard_normal(int(np.prod(shape))) * scale + offset
    return "  %%%s = const f32[%s] dense<[%s]>" % (name, ",".join(map(str, shape)), floats(values))


t = "f32[1,%d,%d,%d]" % (c, h, w)
b = "b1[1,%d,%d,%d]" % (c, h, w)
conv = "{dilations = [1, 1], group = 1, pad_value = 0, pads = [1, 1, 1, 1], strides = [1, 1]}"
lines = [
    'graph @"inplace"(%%x: %s) -> (%%y) {' % t,
    bits("w1"),
    bits("w2"),
    vec("s", [c], 0.05, 0.1),
    vec("b", [c], 0.5),
    vec("k", [1, c, 1, 1], 1.0),
    vec("g1", [c], 0.5, 1.0),
    vec("b1", [c], 0.5),
    vec("mu", [c], 0.5),
    "  %%var = const f32[%d] dense<[%s]>" % (c, floats(rng.uniform(0.5, 2.0, c))),
    "  %%a = relu(%%x) : %s" % t,
    "  %%c = clip(%%a) {max = 1.5, min = -0.5} : %s" % t,
    "  %%cb = threshold(%%c) : %s" % b,
    "  %%d = bconv(%%cb, %%w1, %%s, %%b, %%c) %s : %s" % (conv, t),
    "  %%e = neg(%%d) : %s" % t,
    "  %%f = add(%%e, %%d) : %s" % t,
    "  %%g = mul(%%f, %%f) : %s" % t,
    "  %%gb = threshold(%%g) : %s" % b,
    "  %%h = bconv(%%gb, %%w2, %%s, %%b, %%g) %s : %s" % (conv, t),
    "  %%m = max(%%h, %%x) : %s" % t,
    "  %%n = batch_norm(%%m, %%g1, %%b1, %%mu, %%var) {epsilon = 0.001} : %s" % t,
    "  %%q = sub(%%k, %%n) : %s" % t,
    "  %%y = relu(%%q) : %s" % t,
    "  return %y",
    "}",
]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
