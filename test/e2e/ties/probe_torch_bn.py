#!/usr/bin/env python3
"""What does PyTorch's eval-mode CPU BatchNorm compute, to the bit?

Runs torch.nn.BatchNorm{1,2}d in eval mode on inputs full of ties (integer and
half-integer values, integer running means, var + eps ~ 1, gamma < 0 and = 0) over
shapes that take every path of ATen's kernel (batch_norm_cpu_contiguous_impl: the
vector loop and the masked tail; channels-last: vectorised over channels with a
tail; [N, C] and [N, C, L]), and counts, for each candidate formula, how many of
torch's outputs it fails to reproduce bit for bit. FMAs are computed exactly
(a double product and a TwoSum, resolving float midpoints by the error term).

    ATEN_CPU_CAPABILITY=default|avx2|avx512 REPS=4 /usr/bin/python3 probe_torch_bn.py

Result with torch 1.13 (Debian, GCC 12): with the avx2 and avx512 kernels (the
default on any CPU with AVX2), "inv_f32 beta_fma y=fma" reproduces every value:
invstd = 1 / sqrtf(var + eps), a = invstd * gamma, b = fmaf(-mean, a, beta),
y = fmaf(x, a, b) (the compiler contracts ATen's `beta - mean * a` and
`x * a + b`). With ATEN_CPU_CAPABILITY=default (no FMA) it is "inv_f32 beta_sep
y=x*a+b": the same constants rounded twice each.
"""
import os

import numpy as np
import torch

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
f32, f64 = np.float32, np.float64


def fma32(a, b, c):
    """Correctly rounded float32 a * b + c."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, f32).astype(f64) for v in (a, b, c)))
    s = a * b  # exact: 48 significant bits
    t = s + c
    bp = t - s
    e = (s - (t - bp)) + (c - bp)  # s + c == t + e exactly
    f = t.astype(f32)
    other = np.nextafter(f, np.where(t > f.astype(f64), np.inf, -np.inf).astype(f32))
    # Rounding t again to float errs only when t is a float midpoint: then e decides.
    mid = (t != f.astype(f64)) & ((f.astype(f64) + other.astype(f64)) / 2 == t) & (e != 0)
    go_other = mid & (np.sign(e) == np.sign(other.astype(f64) - f.astype(f64)))
    return np.where(go_other, other, f)


def params(c, rng):
    w = rng.uniform(0.2, 2, c).astype(f32) * np.where(rng.rand(c) < 0.33, -1, 1).astype(f32)
    w[0] = 0
    b = (rng.randint(-3, 4, c) * rng.choice([0, 1, 0.5], c)
         + rng.randn(c) * 0.3 * (rng.rand(c) < .5)).astype(f32)
    m = (rng.randint(-20, 21, c) + rng.randn(c) * (rng.rand(c) < .3)).astype(f32)
    v = (rng.uniform(0.1, 3, c) * (rng.rand(c) < .6) + (1 - 1e-5) * (rng.rand(c) >= .6)).astype(f32)
    return w, b, m, v


def candidates(x, w, b, m, v, eps):
    sh = [1] * x.ndim
    sh[1] = -1
    r = lambda a: a.reshape(sh)
    out = {}
    for invn, inv in (("inv_f32", (f32(1) / np.sqrt(v + f32(eps))).astype(f32)),
                      ("inv_f64", (1.0 / np.sqrt(v.astype(f64) + eps)).astype(f32))):
        al = (inv * w).astype(f32)
        for ben, be in (("beta_sep", (b - m * al).astype(f32)), ("beta_fma", fma32(-m, al, b))):
            out[f"{invn} {ben} y=x*a+b"] = (x * r(al)).astype(f32) + r(be)
            out[f"{invn} {ben} y=fma"] = fma32(x, r(al), r(be))
    s = w.astype(f64) / np.sqrt(v.astype(f64) + eps)
    out["scale/shift folded in double"] = (x * r(s.astype(f32))).astype(f32) + r(
        (b - m.astype(f64) * s).astype(f32))
    out["onnx order (x-m)/sqrt(v+e)*w+b"] = ((x - r(m)) / r(np.sqrt(v + f32(eps)))) * r(w) + r(b)
    return out


def run(shape, channels_last, eps, rng, tally):
    c = shape[1]
    w, b, m, v = params(c, rng)
    x = (rng.randint(-30, 31, shape) * rng.choice([1, 0.5, 0.25], shape)
         + (rng.rand(*shape) < 0.2) * rng.randn(*shape)).astype(f32)
    bn = (torch.nn.BatchNorm2d if len(shape) == 4 else torch.nn.BatchNorm1d)(c, eps=eps)
    with torch.no_grad():
        for p, a in ((bn.weight, w), (bn.bias, b), (bn.running_mean, m), (bn.running_var, v)):
            p.copy_(torch.from_numpy(a))
    bn.eval()
    xt = torch.from_numpy(x)
    if channels_last:
        xt = xt.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        y = bn(xt).contiguous().numpy()
    for k, cand in candidates(x, w, b, m, v, eps).items():
        t = tally.setdefault(k, [0, 0])
        t[0] += int(np.sum(cand.view(np.int32) != y.view(np.int32)))
        t[1] += y.size
    tally["zeros"] = tally.get("zeros", 0) + int(np.sum(y == 0))


def main():
    rng = np.random.RandomState(int(os.environ.get("SEED", "1")))
    configs = [((2, c) + sp, cl) for sp in ((8, 8), (7, 9), (5, 5), (16, 16), (1, 1), (3, 1))
               for c in (3, 8, 17, 64) for cl in (False, True)]
    configs += [((37, c), False) for c in (5, 8, 64, 100)]
    configs += [((4, c, 13), False) for c in (5, 8, 64, 100)]
    tally = {}
    for _ in range(int(os.environ.get("REPS", "3"))):
        for shape, cl in configs:
            for eps in (1e-5, 1e-3):
                run(shape, cl, eps, rng, tally)
    print(f"torch {torch.__version__}, "
          f"capability {torch.__config__.show().split('CPU capability usage: ')[1].split()[0]}")
    for k, (d, tot) in sorted((k, v) for k, v in tally.items() if k != "zeros"):
        print(f"{d:9d} of {tot} differ   {k}")
    print(f"exact zeros in torch's output: {tally['zeros']}")


if __name__ == "__main__":
    main()
