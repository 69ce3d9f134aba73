#!/usr/bin/env python3
"""Show the predictions of the compiled Fashion-MNIST model.

Usage: show_predictions.py OUTPUT0_NPY [EXPECTED_NPY]

OUTPUT0_NPY holds the logits the compiled program wrote for samples.npy
([8,10], or [8,1,10]). Prints one line per image (predicted vs. true class)
and the largest absolute difference from PyTorch's logits (EXPECTED_NPY,
default expected_logits.npy; xnor_expected_logits.npy for the XNOR-Net).
This is a demo, not a test: it exits 0 unless a file is missing.
"""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip())
    paths = {
        "logits": sys.argv[1],
        "classes": os.path.join(HERE, "classes.txt"),
        "labels": os.path.join(HERE, "samples_labels.txt"),
        "expected": sys.argv[2] if len(sys.argv) == 3 else os.path.join(HERE, "expected_logits.npy"),
    }
    missing = [p for p in paths.values() if not os.path.exists(p)]
    if missing:
        sys.exit("error: missing file(s): " + ", ".join(missing))

    classes = read_lines(paths["classes"])
    truth = read_lines(paths["labels"])
    logits = np.load(paths["logits"]).astype(np.float32)
    logits = logits.reshape(-1, logits.shape[-1])
    expected = np.load(paths["expected"]).astype(np.float32)
    expected = expected.reshape(-1, expected.shape[-1])

    width = max(len(c) for c in classes)
    print(f"{'#':>2}  {'predicted':<{width}}  true")
    correct = 0
    for i, row in enumerate(logits):
        pred = classes[int(np.argmax(row))]
        true = truth[i] if i < len(truth) else "?"
        ok = pred == true
        correct += ok
        print(f"{i:>2}  {pred:<{width}}  {true:<{width}}  {'✓' if ok else '✗'}")
    print(f"{correct}/{len(logits)} correct")

    if logits.shape == expected.shape:
        diff = float(np.max(np.abs(logits - expected)))
        same = int(np.sum(logits.argmax(1) == expected.argmax(1)))
        print(f"max abs difference vs PyTorch: {diff:.3g} "
              f"(same top-1 class for {same}/{len(logits)})")
    else:
        print(f"cannot compare with PyTorch: logits shape {logits.shape}, "
              f"{os.path.basename(paths['expected'])} shape {expected.shape}")


if __name__ == "__main__":
    main()
