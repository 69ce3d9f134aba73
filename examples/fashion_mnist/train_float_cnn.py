#!/usr/bin/env python3
"""Train the small float CNN of the Fashion-MNIST example and export it to ONNX.

Usage: train_float_cnn.py [--epochs 1] [--out DIR]

Writes into DIR (default: this directory):
  model.onnx           opset 13, input "image" [1,1,28,28], output "logits" [1,10]
  samples.npy          the first 8 test images, normalised, float32 [8,1,28,28]
  samples_labels.txt   their labels as class names, one per line
  expected_logits.npy  PyTorch's logits for those 8 images (eval mode), [8,10]
"""

import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import fashion_data
import training

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 0
NUM_SAMPLES = 8


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # 16x14x14
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)  # 32x7x7
        x = F.relu(self.bn3(self.conv3(x)))                   # 32x7x7
        return self.fc(torch.flatten(x, 1))


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--out", default=HERE, help="output directory (default: %(default)s)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    np.random.seed(SEED)

    x_train, y_train = (torch.from_numpy(a) for a in fashion_data.load("train"))
    x_test, y_test = (torch.from_numpy(a) for a in fashion_data.load("test"))
    names = fashion_data.class_names()

    model = FashionCNN()
    nparams = sum(p.numel() for p in model.parameters())
    print(f"model: {nparams} parameters ({nparams * 4} bytes of float32 weights)")

    train_time = training.train(model, x_train, y_train, args.epochs, args.batch_size, args.lr,
                                SEED)

    acc = evaluate(model, x_test, y_test)
    print(f"training time: {train_time:.1f} s ({args.epochs} epoch(s), "
          f"{torch.get_num_threads()} threads)")
    print(f"test accuracy: {acc * 100:.2f}% ({len(x_test)} images)")

    os.makedirs(args.out, exist_ok=True)
    model.eval()
    samples = x_test[:NUM_SAMPLES].contiguous()
    with torch.no_grad():
        expected = model(samples).numpy().astype(np.float32)

    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, samples[:1], onnx_path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13, do_constant_folding=True)
    np.save(os.path.join(args.out, "samples.npy"), samples.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "expected_logits.npy"), expected)
    with open(os.path.join(args.out, "samples_labels.txt"), "w", encoding="utf-8") as f:
        for label in y_test[:NUM_SAMPLES].tolist():
            f.write(names[label] + "\n")

    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes), samples.npy, "
          f"samples_labels.txt, expected_logits.npy to {args.out}")


if __name__ == "__main__":
    main()
