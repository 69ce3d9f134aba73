// yolo_decode.h: turns the detector's YOLO head into boxes (decoding + NMS).
//
// The C++ twin of examples/detection/yolo.py (its docstring defines the head layout and the
// decoding); the constants and the candidate order here must stay those of yolo.py:
// test/detection/run_detection.py compares this app's detections with PyTorch's decoded by
// yolo.py.
#ifndef XNORC_EXAMPLES_DETECTION_YOLO_DECODE_H
#define XNORC_EXAMPLES_DETECTION_YOLO_DECODE_H

#include <vector>

namespace detection {

struct Anchor {
  double W, H; // relative to the image
};
inline constexpr Anchor Anchors[] = {{0.22, 0.22}, {0.40, 0.40}};
inline constexpr int NumAnchors = sizeof(Anchors) / sizeof(Anchors[0]);
inline constexpr double ConfThreshold = 0.25;
inline constexpr double NmsIou = 0.45;

struct Detection {
  int Class;
  double Score;
  double X0, Y0, X1, Y1; // in [0, 1], relative to the image
};

/// Candidates of a head [NumAnchors * (5 + NumClasses), Grid, Grid] whose score is at
/// least ConfThreshold, in cell order (gy, gx, anchor).
std::vector<Detection> decodeHead(const float *Head, int Grid, int NumClasses);

/// Greedy per-class non-maximum suppression: highest score first (stable for equal
/// scores), a box is dropped when it overlaps a kept box of its class by IoU > NmsIou.
std::vector<Detection> nonMaximumSuppression(const std::vector<Detection> &Candidates);

double iou(const Detection &A, const Detection &B);

} // namespace detection

#endif
