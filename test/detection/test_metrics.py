#!/usr/bin/python3
"""examples/detection/metrics.py against a case worked out by hand (below).

Class 0, ground truth: image 0 A = (0,0,10,10); image 1 B = (0,0,10,10), C = (20,20,30,30).
Its detections, by score: .9 on A (TP), .8 on A again (FP: A already matched),
.7 on C (TP), .6 at (50,50,60,60) (FP: no overlap), .5 at (0,0,10,5) on image 1 (IoU with
B = 50/100 = 0.5, exactly the threshold: TP). Precision 1, 1/2, 2/3, 1/2, 3/5 at recall
1/3, 1/3, 2/3, 2/3, 1; the VOC envelope gives 1 on (0, 1/3], 2/3 on (1/3, 2/3], 3/5 on
(2/3, 1]: AP = 1/3 + 2/9 + 1/5 = 34/45.
Class 1, ground truth (0,0,4,4) on image 0: a .95 detection on A (FP: class 0's box), then
.4 on the box (TP): precision 0, 1/2 at recall 0, 1: AP = 1/2.
Class 2 has no ground truth (its detection is ignored): mAP = (34/45 + 1/2) / 2 = 113/180.
With the IoU threshold at 0.6 the .5 detection becomes an FP: class 0's AP = 1/3 + 2/9 = 5/9.
"""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "detection"))
import metrics  # noqa: E402

A = (0, 0, 10, 10)
C = (20, 20, 30, 30)
TRUTHS = [([A, (0, 0, 4, 4)], [0, 1]), ([A, C], [0, 0])]
DETECTIONS = [
    [(A, 0.9, 0), (A, 0.8, 0), (A, 0.95, 1), ((0, 0, 4, 4), 0.4, 1)],
    [(C, 0.7, 0), ((50, 50, 60, 60), 0.6, 0), ((0, 0, 10, 5), 0.5, 0), (C, 0.3, 2)],
]


class MetricsTest(unittest.TestCase):
    def test_iou(self):
        self.assertAlmostEqual(float(metrics.iou(A, [(0, 0, 10, 5)])[0]), 0.5)
        self.assertEqual(float(metrics.iou(A, [C])[0]), 0.0)

    def test_class_ap(self):
        self.assertAlmostEqual(metrics.class_ap(DETECTIONS, TRUTHS, 0), 34 / 45, places=12)
        self.assertAlmostEqual(metrics.class_ap(DETECTIONS, TRUTHS, 1), 0.5, places=12)
        self.assertIsNone(metrics.class_ap(DETECTIONS, TRUTHS, 2))

    def test_map(self):
        m, aps = metrics.mean_average_precision(DETECTIONS, TRUTHS, 3)
        self.assertAlmostEqual(m, 113 / 180, places=12)
        self.assertEqual(len(aps), 3)

    def test_threshold(self):
        self.assertAlmostEqual(metrics.class_ap(DETECTIONS, TRUTHS, 0, 0.6), 5 / 9, places=12)

    def test_no_detections(self):
        self.assertEqual(metrics.class_ap([[], []], TRUTHS, 0), 0.0)


if __name__ == "__main__":
    unittest.main()
