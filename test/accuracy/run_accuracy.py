#!/usr/bin/python3
"""Test-set accuracy of the compiled Fashion-MNIST XNOR/BWN/sparse/8-bit models vs PyTorch.

For every shipped model (examples/fashion_mnist/{xnor_model,bwn_model,xnor_qonnx}.onnx, and
train_sparse.py's ternary_model.onnx and pruned{50,75,90}_model.onnx)
and every requested target, this compiles the model with
``xnorc MODEL -o DIR --emit-main --target=T``, builds it with ``CXX -std=c++17 -O2``,
runs the program ONCE on all 10,000 Fashion-MNIST test images (a [k,1,28,28]
input runs the batch-1 model k times) and compares its top-1 predictions with
PyTorch's, which train_xnor.py / train_sparse.py stored next to the model at training time
(``<arch>_torch_preds.npy``, ``<arch>_torch_accuracy.txt``, ``<arch>_torch_ref.npz``;
the QONNX model is the XNOR model rewritten, so it uses the xnor files).
No PyTorch is needed here.

An image whose predicted class differs from PyTorch's is a *tie* when PyTorch's
top-2 logits are within 1e-4, or when one of its Sign inputs was exactly 0
(xnorc takes sign(0) = +1, PyTorch sign(0) = 0) or within 1e-5 of 0 (float
rounding in the float layers before the Sign can flip it). A model/target passes when

* no differing image is a non-tie,
* the accuracy equals PyTorch's to within the number of tie images, and
* the logits of the first 8 test images (= samples.npy) match
  ``<arch>_expected_logits.npy`` (rtol 1e-4, atol 1e-4) -- unless one is a tie.

The 8-bit model of train_int8.py (``--models int8``) is judged against ONNX Runtime instead:
its stored logits for all 10,000 images (``int8_ort_ref.npz``) must equal the compiled
program's bit for bit (ORT_REFERENCE below).

Targets that ``xnorc --list-targets`` does not list are skipped with a reason.
The last line is ``accuracy: N checks, P passed, F failed``; exit 1 on failure.

Usage:
  /usr/bin/python3 test/accuracy/run_accuracy.py --xnorc build/bin/xnorc --cxx c++ \\
      --work /tmp/acc [--limit N] [--targets generic,...] [--models xnor,bwn,qonnx] \\
      [--xnorc-arg=--target-opt=sparse=on ...]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "fashion_mnist"
sys.path.insert(0, str(ROOT / "test" / "e2e"))
sys.path.insert(0, str(EXAMPLE))
import harness  # noqa: E402
import fashion_data  # noqa: E402

# model name -> (onnx file, prefix of the PyTorch reference files)
MODELS = {
    "xnor": ("xnor_model.onnx", "xnor"),
    "bwn": ("bwn_model.onnx", "bwn"),
    "qonnx": ("xnor_qonnx.onnx", "xnor"),
    # train_sparse.py: ternary weights (run as bit planes), magnitude-pruned float CNNs.
    "ternary": ("ternary_model.onnx", "ternary"),
    "pruned50": ("pruned50_model.onnx", "pruned50"),
    "pruned75": ("pruned75_model.onnx", "pruned75"),
    "pruned90": ("pruned90_model.onnx", "pruned90"),
    # train_int8.py: 8-bit first conv and classifier (QDQ), binary middle layers.
    "int8": ("int8_model.onnx", "int8"),
}
# Models whose reference is ONNX Runtime on the exported model (<prefix>_ort_ref.npz: logits of
# all 10,000 images), not PyTorch: their integer layers are ORT's arithmetic, which PyTorch's
# fake quantization only approximates (train_int8.py). The compiled logits must equal ORT's
# bit for bit, so there are no ties to excuse.
ORT_REFERENCE = {"int8"}
# What --models defaults to (the sparse models have their own suites: docs/Testing.md).
DEFAULT_MODELS = ("xnor", "bwn", "qonnx", "int8")
# model -> {target: why it is not checked there}
UNSUPPORTED = {"ternary": {"hls": "ternary weights have no streaming layer"},
               "int8": {"hls": "the HLS target has no 8-bit layers"}}
TIE_MARGIN = 1e-4  # top-2 logits closer than this: either class is right
SIGN_EPS = 1e-5  # |Sign input| below this: float rounding may flip it
RUN_TIMEOUT = 600
MAX_LISTED = 10
def load_reference(mdir: Path, prefix: str, n: int) -> dict:
    ref = {"preds": np.load(mdir / f"{prefix}_torch_preds.npy")[:n].astype(np.int64)}
    npz = np.load(mdir / f"{prefix}_torch_ref.npz")
    ref["preds1"] = npz["preds_sign_zero_one"][:n].astype(np.int64)
    ref["margin"] = npz["top2_margin"][:n]
    ref["sign_min_abs"] = npz["sign_input_min_abs"][:n]
    ref["sign_zero"] = npz["sign_input_zero"][:n]
    ref["expected"] = np.load(mdir / f"{prefix}_expected_logits.npy")
    text = (mdir / f"{prefix}_torch_accuracy.txt").read_text()
    ref["stored_accuracy"] = float(re.search(r"^accuracy (\S+)", text, re.M).group(1))
    return ref


def tie_reason(ref: dict, i: int) -> str:
    if ref["sign_zero"][i]:
        return "tie: a Sign input is exactly 0"
    if ref["sign_min_abs"][i] < SIGN_EPS:
        return f"tie: a Sign input is {ref['sign_min_abs'][i]:.2g} from 0"
    if ref["margin"][i] < TIE_MARGIN:
        return f"tie: top-2 logits {ref['margin'][i]:.2g} apart"
    return ""


def check_ort(args, prefix: str, label: str, logits: np.ndarray, labels: np.ndarray,
              times: str) -> bool:
    """Compiled logits against ONNX Runtime's, bit for bit (ORT_REFERENCE models)."""
    n = len(labels)
    ref = np.load(args.model_dir / f"{prefix}_ort_ref.npz")["logits"][:n]
    preds, ort_preds = logits.argmax(1), ref.argmax(1)
    rows = np.nonzero((logits != ref).any(1))[0]
    acc, ort_acc = float((preds == labels).mean()), float((ort_preds == labels).mean())
    status = "FAIL" if len(rows) else "PASS"
    print(f"{status} {label}: accuracy {acc * 100:.2f}% (ONNX Runtime {ort_acc * 100:.2f}%) on "
          f"{n} images; logits differ from ONNX Runtime's on {len(rows)} image(s), predictions "
          f"on {int((preds != ort_preds).sum())}; {times}")
    for i in rows[:MAX_LISTED]:
        print(f"    image {int(i)}: compiled {logits[i].tolist()}, ONNX Runtime {ref[i].tolist()}")
    return not len(rows)


def check(args, name: str, target: str, images: Path, labels: np.ndarray) -> bool:
    onnx_file, prefix = MODELS[name]
    model = args.model_dir / onnx_file
    n = len(labels)
    label = f"{name}/{target}"
    work = harness.fresh_dir(args.work / f"{name}-{target}")
    gen = work / "gen"
    res = harness.run_cmd([args.xnorc, model, "-o", gen, f"--name=fm_{name}", "--emit-main",
                           f"--target={target}", "--quiet", *args.xnorc_arg],
                          harness.COMPILE_TIMEOUT)
    if not res.ok:
        print(f"FAIL {label}: {res.error}")
        return False
    exe = work / "prog"
    t0 = time.time()
    res = harness.run_cmd([args.cxx, *harness.CXX_FLAGS, *sorted(gen.glob("*.cpp")), "-o", exe],
                          harness.COMPILE_TIMEOUT)
    if not res.ok:
        print(f"FAIL {label}: build: {res.error}")
        return False
    t1 = time.time()
    out = work / "out"
    res = harness.run_cmd([exe, images, "-o", out], RUN_TIMEOUT)
    if not res.ok:
        print(f"FAIL {label}: run: {res.error}")
        return False
    t2 = time.time()
    logits = np.load(out / "output0.npy").reshape(n, -1)
    if name in ORT_REFERENCE:
        return check_ort(args, prefix, label, logits, labels,
                         f"build {t1 - t0:.1f} s, run {t2 - t1:.2f} s")
    ref = load_reference(args.model_dir, prefix, n)
    preds = logits.argmax(1)
    acc = float((preds == labels).mean())
    torch_acc = float((ref["preds"] == labels).mean())
    diff = np.nonzero(preds != ref["preds"])[0]
    diff1 = np.nonzero(preds != ref["preds1"])[0]
    reasons = {int(i): tie_reason(ref, int(i)) for i in diff}
    ties = [i for i, r in reasons.items() if r]
    nonties = [i for i, r in reasons.items() if not r]
    problems = []
    if nonties:
        problems.append(f"{len(nonties)} non-tie image(s) differ")
    if abs(acc - torch_acc) * n > len(ties) + 1e-9:
        problems.append(f"accuracy differs by {abs(acc - torch_acc) * n:.0f} images, "
                        f"more than the {len(ties)} tie(s)")
    k = min(len(ref["expected"]), n)
    if k:
        ok, msg = harness.compare_arrays(logits[:k], ref["expected"][:k], rtol=1e-4, atol=1e-4)
        samples_tie = any(reasons.get(i) or tie_reason(ref, i) for i in range(k))
        if not ok and not samples_tie:
            problems.append(f"sample logits vs {prefix}_expected_logits.npy: {msg}")
        sample_note = f"sample logits {'ok' if ok else 'DIFFER'} ({msg})"
    else:
        sample_note = "no sample logits"
    status = "FAIL" if problems else "PASS"
    print(f"{status} {label}: accuracy {acc * 100:.2f}% (PyTorch {torch_acc * 100:.2f}%"
          + (f", stored {ref['stored_accuracy'] * 100:.2f}%" if n == 10000 else "")
          + f") on {n} images; {len(diff)} differ from PyTorch ({len(ties)} tie(s)), "
          f"{len(diff1)} from PyTorch with sign(0)=+1; {sample_note}; "
          f"build {t1 - t0:.1f} s, run {t2 - t1:.2f} s")
    for i in list(diff)[:MAX_LISTED]:
        i = int(i)
        print(f"    image {i}: compiled {preds[i]} (top-2 margin {np.sort(logits[i])[-1] - np.sort(logits[i])[-2]:.3g}), "
              f"PyTorch {ref['preds'][i]}, label {labels[i]}: {reasons[i] or 'NOT a tie'}")
    if len(diff) > MAX_LISTED:
        print(f"    ... and {len(diff) - MAX_LISTED} more")
    for p in problems:
        print(f"    problem: {p}")
    return not problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the first N test images")
    ap.add_argument("--targets", default="generic", help="comma-separated xnorc targets")
    ap.add_argument("--xnorc-arg", action="append", default=[],
                    help="an extra xnorc argument, e.g. --xnorc-arg=--target-opt=sparse=on")
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS),
                    help="comma-separated, of " + ",".join(MODELS) + " (default: %(default)s)")
    ap.add_argument("--model-dir", type=Path, default=EXAMPLE,
                    help="where the models and their PyTorch reference files are (default: %(default)s)")
    args = ap.parse_args(argv)
    args.xnorc = harness.resolve_tool(args.xnorc)
    args.cxx = harness.resolve_tool(args.cxx)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)

    targets = harness.runnable_targets(args.xnorc, args.targets)

    images_u8 = fashion_data._read_idx(Path(fashion_data.DATA_DIR) / "t10k-images-idx3-ubyte.gz")
    labels = fashion_data._read_idx(Path(fashion_data.DATA_DIR) / "t10k-labels-idx1-ubyte.gz")
    images = fashion_data.normalize(images_u8)
    labels = labels.astype(np.int64)
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
        print(f"accuracy: the first {len(labels)} of 10,000 test images (--limit), "
              f"to fit the CI time budget")
    images_file = args.work / "test_images.npy"
    np.save(images_file, np.ascontiguousarray(images, dtype=np.float32))

    total = passed = 0
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        if name not in MODELS:
            raise SystemExit(f"error: unknown model {name} (known: {', '.join(MODELS)})")
        if not (args.model_dir / MODELS[name][0]).exists():
            print(f"SKIP {name}: {args.model_dir / MODELS[name][0]} not found")
            continue
        for target in targets:
            if target in UNSUPPORTED.get(name, {}):
                print(f"SKIP {name} on {target}: {UNSUPPORTED[name][target]}")
                continue
            total += 1
            passed += check(args, name, target, images_file, labels)
            sys.stdout.flush()
    print(f"accuracy: {total} checks, {passed} passed, {total - passed} failed")
    return 0 if passed == total and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
