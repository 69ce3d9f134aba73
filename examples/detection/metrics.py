"""mAP@0.5, VOC style (PASCAL VOC 2010+ "all points" average precision).

Per class: every detection of that class over the whole set, sorted by score (highest
first; equal scores keep their input order). A detection is a true positive when its
best-overlapping ground-truth box of the same class and image has IoU >= the threshold
and was not matched by an earlier (higher-scoring) detection; otherwise a false positive.
AP is the area under the precision/recall curve after making precision monotonically
non-increasing from the right (the VOC envelope). mAP is the mean AP over the classes
that have at least one ground-truth box. Boxes are (x0, y0, x1, y1); the area of a box
is (x1 - x0) * (y1 - y0) (continuous coordinates, no VOC "+1" pixel convention).

test/detection/test_metrics.py checks this against a case worked out by hand.
"""

import numpy as np


def iou(box, boxes):
    """IoU of one box [4] with each of boxes [k, 4]."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    ix = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = ix * iy
    union = ((box[2] - box[0]) * (box[3] - box[1])
             + (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) - inter)
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def average_precision(recall, precision):
    """VOC all-points AP of a precision/recall curve (detections in score order)."""
    r = np.concatenate([[0.0], recall, [1.0]])
    p = np.concatenate([[0.0], precision, [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]  # envelope: best precision at recall >= r
    steps = np.nonzero(r[1:] != r[:-1])[0]
    return float(np.sum((r[steps + 1] - r[steps]) * p[steps + 1]))


def class_ap(detections, truths, cls, iou_threshold=0.5):
    """AP of class `cls`, or None when no ground-truth box has that class.

    detections: per image, a list of (box [4], score, class);
    truths: per image, (boxes [k, 4], labels [k])."""
    gt = [np.asarray(b, np.float64)[np.asarray(l) == cls] for b, l in truths]
    n_gt = sum(len(g) for g in gt)
    if n_gt == 0:
        return None
    dets = [(score, img, np.asarray(box, np.float64))
            for img, per_image in enumerate(detections)
            for box, score, c in per_image if c == cls]
    order = sorted(range(len(dets)), key=lambda k: -dets[k][0])  # stable: ties keep order
    matched = [np.zeros(len(g), bool) for g in gt]
    tp = np.zeros(len(dets))
    for rank, k in enumerate(order):
        _, img, box = dets[k]
        if len(gt[img]):
            overlaps = iou(box, gt[img])
            best = int(np.argmax(overlaps))
            if overlaps[best] >= iou_threshold and not matched[img][best]:
                matched[img][best] = True
                tp[rank] = 1
    ctp = np.cumsum(tp)
    recall = ctp / n_gt
    precision = ctp / np.arange(1, len(dets) + 1)
    return average_precision(recall, precision)


def mean_average_precision(detections, truths, num_classes, iou_threshold=0.5):
    """(mAP, [AP per class, None for a class without ground truth])."""
    aps = [class_ap(detections, truths, c, iou_threshold) for c in range(num_classes)]
    present = [a for a in aps if a is not None]
    return (float(np.mean(present)) if present else 0.0), aps
