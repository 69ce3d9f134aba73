"""The YOLO head (YOLOv2 style) of the detector: layout, decoding, NMS, training targets.

The network's output "head" is [1, A * (5 + C), G, G] for a G x G grid over the image,
A anchors per cell and C classes. Channel a * (5 + C) + k of cell (gy, gx) holds, for
anchor a: k = 0, 1: tx, ty; k = 2, 3: tw, th; k = 4: objectness logit; k = 5..: class logits.

Decoding (boxes relative to the image, in [0, 1] before clipping):
  cx = (gx + sigmoid(tx)) / G,  cy = (gy + sigmoid(ty)) / G,
  w = anchor_w * exp(tw),       h = anchor_h * exp(th),
  score = sigmoid(objectness) * max softmax(class logits), class = argmax;
  box = (cx - w/2, cy - h/2, cx + w/2, cy + h/2) clipped to [0, 1].
Candidates with score >= CONF_THRESHOLD are visited cell by cell (gy, then gx, then a),
sorted by score (highest first, stable), and greedy per-class NMS keeps a box unless it
overlaps a kept box of the same class by IoU > NMS_IOU.

examples/detection/yolo_decode.cpp is the C++ twin of `decode` and `nms` (the same
constants and order); test/detection/run_detection.py checks that both give the same
detections.
"""

import numpy as np

import metrics

ANCHORS = ((0.22, 0.22), (0.40, 0.40))  # (w, h) relative to the image
CONF_THRESHOLD = 0.25
NMS_IOU = 0.45


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def decode(head, num_classes):
    """head [A*(5+C), G, G] -> the candidates scoring at least CONF_THRESHOLD in cell
    order (boxes [n, 4], scores [n], classes [n]), computed in float64, and the distance
    of the score nearest to CONF_THRESHOLD over all cells (kept or not)."""
    a_count = len(ANCHORS)
    g = head.shape[-1]
    t = np.asarray(head, np.float64).reshape(a_count, 5 + num_classes, g, g).transpose(2, 3, 0, 1)
    t = t.reshape(g * g * a_count, 5 + num_classes)  # rows in (gy, gx, a) order
    gy, gx, a = np.unravel_index(np.arange(len(t)), (g, g, a_count))
    logits = t[:, 5:]
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    classes = probs.argmax(1)
    scores = _sigmoid(t[:, 4]) * probs.max(1)
    anchors = np.asarray(ANCHORS)[a]
    cx, cy = (gx + _sigmoid(t[:, 0])) / g, (gy + _sigmoid(t[:, 1])) / g
    w, h = anchors[:, 0] * np.exp(t[:, 2]), anchors[:, 1] * np.exp(t[:, 3])
    boxes = np.clip(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1), 0.0, 1.0)
    keep = scores >= CONF_THRESHOLD
    return boxes[keep], scores[keep], classes[keep], np.abs(scores - CONF_THRESHOLD).min()


def nms(boxes, scores, classes):
    """Greedy per-class NMS; returns the kept indices, highest score first."""
    order = np.argsort(-scores, kind="stable")
    kept = []
    for i in order:
        same = [k for k in kept if classes[k] == classes[i]]
        if not same or metrics.iou(boxes[i], boxes[same]).max() <= NMS_IOU:
            kept.append(int(i))
    return kept


def detect(head, num_classes):
    """Decoded detections of one image after NMS: ([(box, score, class)], the distance of
    the score nearest to CONF_THRESHOLD, kept or not: a tie indicator)."""
    boxes, scores, classes, margin = decode(head, num_classes)
    return [(boxes[i], float(scores[i]), int(classes[i])) for i in nms(boxes, scores, classes)], margin


def targets(boxes, labels, grid):
    """Training targets for one image: float32 [A, G, G, 6] holding (tx, ty, tw, th, obj,
    class) with obj = 1 in the cell of each box's centre for the anchor whose shape
    overlaps the box best (tx, ty: the centre's offset inside the cell; tw, th: log of
    the box's size over the anchor's), obj = 0 elsewhere."""
    out = np.zeros((len(ANCHORS), grid, grid, 6), np.float32)
    anchors = np.asarray(ANCHORS)
    for (x0, y0, x1, y1), cls in zip(boxes, labels):
        w, h = x1 - x0, y1 - y0
        cx, cy = (x0 + x1) / 2 * grid, (y0 + y1) / 2 * grid
        gx, gy = min(int(cx), grid - 1), min(int(cy), grid - 1)
        inter = np.minimum(w, anchors[:, 0]) * np.minimum(h, anchors[:, 1])
        a = int(np.argmax(inter / (w * h + anchors[:, 0] * anchors[:, 1] - inter)))
        out[a, gy, gx] = (cx - gx, cy - gy, np.log(w / anchors[a, 0]), np.log(h / anchors[a, 1]),
                          1.0, cls)
    return out
