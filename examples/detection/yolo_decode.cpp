// yolo_decode.cpp: YOLO head decoding and NMS (see yolo_decode.h and yolo.py).
#include "yolo_decode.h"

#include <algorithm>
#include <cmath>

namespace detection {

static double sigmoid(double X) { return 1.0 / (1.0 + std::exp(-X)); }

static double clip01(double X) { return std::min(1.0, std::max(0.0, X)); }

std::vector<Detection> decodeHead(const float *Head, int Grid, int NumClasses) {
  const int PerAnchor = 5 + NumClasses;
  const long Plane = static_cast<long>(Grid) * Grid;
  std::vector<Detection> Out;
  std::vector<double> Probs(NumClasses);
  for (int Gy = 0; Gy < Grid; ++Gy)
    for (int Gx = 0; Gx < Grid; ++Gx)
      for (int A = 0; A < NumAnchors; ++A) {
        auto At = [&](int K) {
          return static_cast<double>(Head[(A * PerAnchor + K) * Plane + Gy * Grid + Gx]);
        };
        // Softmax over the class logits, shifted by their maximum as yolo.py does.
        double MaxLogit = At(5);
        for (int C = 1; C < NumClasses; ++C)
          MaxLogit = std::max(MaxLogit, At(5 + C));
        double Sum = 0;
        for (int C = 0; C < NumClasses; ++C)
          Sum += Probs[C] = std::exp(At(5 + C) - MaxLogit);
        int Best = 0;
        for (int C = 0; C < NumClasses; ++C) {
          Probs[C] /= Sum;
          if (Probs[C] > Probs[Best])
            Best = C;
        }
        double Score = sigmoid(At(4)) * Probs[Best];
        if (!(Score >= ConfThreshold))
          continue;
        double Cx = (Gx + sigmoid(At(0))) / Grid, Cy = (Gy + sigmoid(At(1))) / Grid;
        double W = Anchors[A].W * std::exp(At(2)), H = Anchors[A].H * std::exp(At(3));
        Out.push_back({Best, Score, clip01(Cx - W / 2), clip01(Cy - H / 2), clip01(Cx + W / 2),
                       clip01(Cy + H / 2)});
      }
  return Out;
}

double iou(const Detection &A, const Detection &B) {
  double Ix = std::max(0.0, std::min(A.X1, B.X1) - std::max(A.X0, B.X0));
  double Iy = std::max(0.0, std::min(A.Y1, B.Y1) - std::max(A.Y0, B.Y0));
  double Inter = Ix * Iy;
  double Union = (A.X1 - A.X0) * (A.Y1 - A.Y0) + (B.X1 - B.X0) * (B.Y1 - B.Y0) - Inter;
  return Union > 0 ? Inter / Union : 0.0;
}

std::vector<Detection> nonMaximumSuppression(const std::vector<Detection> &Candidates) {
  std::vector<Detection> Sorted = Candidates;
  std::stable_sort(Sorted.begin(), Sorted.end(),
                   [](const Detection &L, const Detection &R) { return L.Score > R.Score; });
  std::vector<Detection> Kept;
  for (const Detection &D : Sorted) {
    bool Suppressed = false;
    for (const Detection &K : Kept)
      if (K.Class == D.Class && iou(K, D) > NmsIou) {
        Suppressed = true;
        break;
      }
    if (!Suppressed)
      Kept.push_back(D);
  }
  return Kept;
}

} // namespace detection
