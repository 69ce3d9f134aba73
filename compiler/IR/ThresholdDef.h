//===- ThresholdDef.h - The threshold op's comparison ------------*- C++ -*-===//
#ifndef XNORC_IR_THRESHOLDDEF_H
#define XNORC_IR_THRESHOLDDEF_H

namespace xnorc {

/// threshold's definition (Ops.def): +1 (true) where X >= Tau (Dir > 0) or X <= Tau
/// (Dir <= 0); without tau / dir (Tau = 0, Dir = 1) sign with sign(0) = +1.
inline bool thresholdPasses(float X, float Tau, float Dir) { return Dir > 0 ? X >= Tau : X <= Tau; }

} // namespace xnorc

#endif
