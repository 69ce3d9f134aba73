#!/usr/bin/python3
"""Train a binarized Tiny-YOLO-style detector and its float twin on the shapes data.

Usage: train_detector.py [--models binary,float] [--epochs 10] [--out DIR] [--threads 1]
                         [--widths 16,32,64,64] [--shortcut] [--init-from-float]
                         [--train-limit N] [--test-limit N]

Both networks take "image" [1, 3, 64, 64] (RGB in [0, 1], shapes_data.to_input) and give
"head" [1, 16, 8, 8] (yolo.py: 8 x 8 grid, 2 anchors, 3 classes). The binary one, with
--widths w0,w1,w2,w3:

  Conv 3->w0 3x3 (float) -> BN -> ReLU -> MaxPool 2                      w0x32x32
  BN -> Sign -> BinConv w0->w1 3x3 pad 1 -> MaxPool 2                    w1x16x16
  BN -> Sign -> BinConv w1->w2 3x3 pad 1 -> MaxPool 2                    w2x8x8
  BN -> Sign -> BinConv w2->w3 3x3 pad 1                                 w3x8x8
  BN -> ReLU -> Conv w3->16 1x1 (float, bias): the YOLO head

(the XNOR-Net block order BN -> Sign -> BinConv -> Pool of train_xnor.py, binary weights
and activations in the three middle convs). --shortcut adds Bi-Real Net's real-valued
shortcut around each of the three blocks (Shortcut). The float twin is the same network
with ReLU for Sign and float 3x3 convs. Binary layers: examples/models/binary_layers.py.
--init-from-float starts the binary network from the float twin's trained parameters.

Training: YOLOv2-style loss (sigmoid offsets and log sizes against the assigned anchor,
objectness BCE, class cross-entropy; yolo.targets) with the shared loop of
examples/fashion_mnist/training.py, fixed seed (one thread by default: the 2-core
machine is shared, and PyTorch's thread team slows down badly when oversubscribed).

Writes into DIR (default: this directory), for each model M of --models:
  detector_M.onnx          opset 13
  torch_detections_M.npz   PyTorch's detections on the test split after NMS (yolo.py):
                           image, class, score, box (one row a detection, image order,
                           score order within an image), threshold_margin (per image:
                           the candidate score nearest CONF_THRESHOLD), sign_min_abs
                           (per image: min |x| over all Sign inputs, inf without Sign),
                           test_images_sha256 (of the regenerated test images)
  torch_map_M.txt          mAP@0.5 (metrics.py), AP per class, facts of the run
and demo.ppm for scripts/detect_demo.sh: the first test image with one object of each
class (demo_image).
"""

import argparse
import hashlib
import os
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

import metrics
import shapes_data
import yolo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
from binary_layers import BinaryConv2d, SignActivation  # noqa: E402
from train_xnor import SignProbe  # noqa: E402
import training  # noqa: E402

SEED = 0
GRID = 8
NUM_CLASSES = len(shapes_data.CLASSES)
HEAD_CHANNELS = len(yolo.ANCHORS) * (5 + NUM_CLASSES)
NOOBJ_WEIGHT = 0.5
WIDTHS = (16, 32, 64, 64)  # stem, blocks 1-3


class Shortcut(nn.Module):
    """Bi-Real Net's real-valued shortcut around a block: block(x) + x, with x max-pooled
    when the block pools and repeated along the channels when the block widens them (an
    integer factor), so the shortcut adds no weights and stays float."""

    def __init__(self, block, pool, repeat):
        super().__init__()
        self.block, self.pool, self.repeat = block, pool, repeat

    def forward(self, x):
        skip = F.max_pool2d(x, 2) if self.pool else x
        if self.repeat > 1:
            skip = torch.cat([skip] * self.repeat, 1)
        return self.block(x) + skip


class Detector(nn.Module):
    def __init__(self, binary, widths=WIDTHS, shortcut=False):
        super().__init__()
        conv = BinaryConv2d if binary else nn.Conv2d
        act = SignActivation if binary else nn.ReLU
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU(), nn.MaxPool2d(2))
        blocks = []
        for i, (cin, cout) in enumerate(zip(widths, widths[1:])):
            block = [nn.BatchNorm2d(cin), act(), conv(cin, cout, 3, padding=1, bias=False)]
            if i < 2:
                block.append(nn.MaxPool2d(2))
            if not shortcut:
                blocks += block
            elif cout % cin:
                sys.exit(f"train_detector.py: --shortcut needs widths that grow by integer "
                         f"factors, not {cin} -> {cout}")
            else:
                blocks.append(Shortcut(nn.Sequential(*block), i < 2, cout // cin))
        self.body = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.BatchNorm2d(widths[-1]), nn.ReLU(),
                                  nn.Conv2d(widths[-1], HEAD_CHANNELS, 1))

    def forward(self, x):
        return self.head(self.body(self.stem(x)))


def demo_image(labels):
    """The demo's test image, chosen by a rule that does not look at any network's output:
    the first test image holding one object of each class."""
    want = list(range(NUM_CLASSES))
    return next(i for i in range(len(labels)) if sorted(labels[i][labels[i] >= 0]) == want)


def yolo_loss(out, tgt):
    """out [B, A*(5+C), G, G], tgt [B, A, G, G, 6] (yolo.targets) -> loss per image."""
    b, g = out.shape[0], out.shape[-1]
    p = out.view(b, len(yolo.ANCHORS), 5 + NUM_CLASSES, g, g).permute(0, 1, 3, 4, 2)
    obj = tgt[..., 4] > 0
    l_xy = F.mse_loss(torch.sigmoid(p[..., 0:2][obj]), tgt[..., 0:2][obj], reduction="sum")
    l_wh = F.mse_loss(p[..., 2:4][obj], tgt[..., 2:4][obj], reduction="sum")
    l_obj = F.binary_cross_entropy_with_logits(p[..., 4], tgt[..., 4], reduction="none")
    l_obj = (l_obj * (NOOBJ_WEIGHT + (1 - NOOBJ_WEIGHT) * obj.float())).sum()
    l_cls = F.cross_entropy(p[..., 5:][obj], tgt[..., 5][obj].long(), reduction="sum")
    return (5 * l_xy + 2 * l_wh + l_obj + l_cls) / b


def predict(model, x, batch=250):
    """Heads [n, A*(5+C), G, G] (eval mode) and per-image min |Sign input|."""
    model.eval()
    probe = SignProbe(model, sign_zero_one=False)
    heads, min_abs = [], []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            probe.reset(len(x[i:i + batch]))
            heads.append(model(x[i:i + batch]))
            min_abs.append(probe.min_abs)
    probe.remove()
    return torch.cat(heads).numpy(), torch.cat(min_abs).numpy()


def detections_table(dets):
    """Per-image detection lists -> flat arrays (image, class, score, box)."""
    rows = [(i, c, s, b) for i, per_image in enumerate(dets) for b, s, c in per_image]
    return {"image": np.array([r[0] for r in rows], np.int32),
            "class": np.array([r[1] for r in rows], np.int32),
            "score": np.array([r[2] for r in rows], np.float64),
            "box": np.array([r[3] for r in rows], np.float64).reshape(-1, 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="binary,float")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=HERE, help="output directory (default: %(default)s)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--widths", default=",".join(map(str, WIDTHS)),
                    help="channels of the stem and the three blocks (default: %(default)s)")
    ap.add_argument("--shortcut", action="store_true",
                    help="a real-valued shortcut around each block (Bi-Real Net), both networks")
    ap.add_argument("--init-from-float", action="store_true",
                    help="start the binary network from the float twin trained just before "
                         "it (--models float,binary): same parameters, Sign for ReLU")
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N images")
    ap.add_argument("--test-limit", type=int, default=0, help="test on the first N images")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    images, boxes, labels = shapes_data.split("train")
    if args.train_limit:
        images, boxes, labels = images[:args.train_limit], boxes[:args.train_limit], labels[:args.train_limit]
    x_train = torch.from_numpy(shapes_data.to_input(images))
    y_train = torch.from_numpy(np.stack([yolo.targets(*shapes_data.ground_truth(boxes, labels, i), GRID)
                                         for i in range(len(images))]))
    test_images, test_boxes, test_labels = shapes_data.split("test")
    demo = test_images[demo_image(test_labels)]
    if args.test_limit:
        test_images = test_images[:args.test_limit]
    x_test = torch.from_numpy(shapes_data.to_input(test_images))
    truths = [shapes_data.ground_truth(test_boxes, test_labels, i) for i in range(len(test_images))]

    os.makedirs(args.out, exist_ok=True)
    digest = np.array(hashlib.sha256(test_images.tobytes()).hexdigest())
    widths = tuple(int(w) for w in args.widths.split(","))
    trained = {}
    for name in args.models.split(","):
        torch.manual_seed(SEED)
        model = Detector(binary=name == "binary", widths=widths, shortcut=args.shortcut)
        init = ""
        if name == "binary" and args.init_from_float:
            if "float" not in trained:
                sys.exit("train_detector.py: --init-from-float needs --models float,binary")
            model.load_state_dict(trained["float"].state_dict())
            init = "float twin"
        nparams = sum(p.numel() for p in model.parameters())
        nbin = sum(m.weight.numel() for m in model.modules() if isinstance(m, BinaryConv2d))
        print(f"{name}: {nparams} parameters, {nbin} of them binary weights", flush=True)
        seconds = training.train(model, x_train, y_train, args.epochs, args.batch_size, args.lr,
                                 SEED, loss_fn=yolo_loss)
        trained[name] = model
        heads, min_abs = predict(model, x_test)
        dets, margins = zip(*(yolo.detect(h, NUM_CLASSES) for h in heads))
        m_ap, aps = metrics.mean_average_precision(dets, truths, NUM_CLASSES)
        print(f"{name}: mAP@0.5 {m_ap:.4f} on {len(x_test)} test images "
              f"(AP {', '.join(f'{c} {a:.4f}' for c, a in zip(shapes_data.CLASSES, aps))}), "
              f"{sum(len(d) for d in dets)} detections", flush=True)
        np.savez_compressed(os.path.join(args.out, f"torch_detections_{name}.npz"),
                            test_images_sha256=digest, **detections_table(dets),
                            threshold_margin=np.array(margins, np.float64),
                            sign_min_abs=min_abs.astype(np.float64))
        path = os.path.join(args.out, f"detector_{name}.onnx")
        torch.onnx.export(model, x_test[:1], path, input_names=["image"], output_names=["head"],
                          opset_version=13, do_constant_folding=True)
        onnx.checker.check_model(onnx.load(path))
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")
        report = [f"map {m_ap:.6f}",
                  *(f"ap_{c} {a:.6f}" for c, a in zip(shapes_data.CLASSES, aps)),
                  f"detections {sum(len(d) for d in dets)}", f"test_images {len(x_test)}",
                  f"train_images {len(x_train)}", f"epochs {args.epochs}",
                  f"parameters {nparams}", f"binary_weights {nbin}",
                  f"widths {args.widths}", f"shortcut {int(args.shortcut)}",
                  f"init {init or 'random'}",
                  f"training_seconds {seconds:.1f}", f"threads {args.threads}",
                  f"torch {torch.__version__}"]
        with open(os.path.join(args.out, f"torch_map_{name}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(report) + "\n")
    shapes_data.write_ppm(os.path.join(args.out, "demo.ppm"), demo)
    print(f"wrote torch_detections_M.npz, torch_map_M.txt, demo.ppm into {args.out}")


if __name__ == "__main__":
    main()
