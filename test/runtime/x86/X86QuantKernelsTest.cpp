// Unit tests for the x86 8-bit kernels (runtime/include/xnorc/runtime/x86/<isa>_q8.h):
// xn_<isa>_qconv, _qgemm, _quantize and _dequantize (and x86/qthreshold.h's xn_<isa>_qthreshold)
// against the generic kernels, bit for bit,
// over test/common/Q8Cases.h's random cases. The VNNI path runs where the CPU has it; the AVX2
// path (also the AVX-512 kernels' fallback) wherever AVX2 is.
#include "Q8Cases.h"
#include "xnorc/runtime/x86/avx512_q8.h"
#include "xnorc/runtime/x86/qthreshold.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace xnorc_test;

bool hasAvx512Vnni() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
}
bool hasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

TEST(X86QuantKernels, Avx512Quantize) {
  if (!hasAvx512Vnni())
    GTEST_SKIP() << "no AVX-512 VNNI";
  EXPECT_EQ("", checkQ8Quantize(xn_avx512_quantize, xn_avx512_dequantize, "avx512"));
}

TEST(X86QuantKernels, Avx2Quantize) {
  if (!hasAvx2())
    GTEST_SKIP() << "no AVX2";
  EXPECT_EQ("", checkQ8Quantize(xn_avx2_quantize, xn_avx2_dequantize, "avx2"));
}

TEST(X86QuantKernels, Avx512VnniConv) {
  if (!hasAvx512Vnni())
    GTEST_SKIP() << "no AVX-512 VNNI";
  EXPECT_EQ("", checkQ8Conv(xn_avx512_qconv, "avx512"));
}

TEST(X86QuantKernels, Avx512VnniGemm) {
  if (!hasAvx512Vnni())
    GTEST_SKIP() << "no AVX-512 VNNI";
  EXPECT_EQ("", checkQ8Gemm(xn_avx512_qgemm, "avx512"));
}

TEST(X86QuantKernels, Avx2Conv) {
  if (!hasAvx2())
    GTEST_SKIP() << "no AVX2";
  EXPECT_EQ("", checkQ8Conv(xn_avx2_qconv, "avx2"));
}

TEST(X86QuantKernels, Avx2Gemm) {
  if (!hasAvx2())
    GTEST_SKIP() << "no AVX2";
  EXPECT_EQ("", checkQ8Gemm(xn_avx2_qgemm, "avx2"));
}

// qthreshold needs AVX-512 BW (the avx512 target's check), not VNNI.
TEST(X86QuantKernels, Avx512QThreshold) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw"))
    GTEST_SKIP() << "no AVX-512 BW";
  EXPECT_EQ("", checkQThreshold(xn_avx512_qthreshold, "avx512"));
}

TEST(X86QuantKernels, Avx2QThreshold) {
  if (!hasAvx2())
    GTEST_SKIP() << "no AVX2";
  EXPECT_EQ("", checkQThreshold(xn_avx2_qthreshold, "avx2"));
}

} // namespace
