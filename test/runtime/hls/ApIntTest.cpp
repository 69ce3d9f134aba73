// The C-simulation ap_uint / ap_int (runtime/include/xnorc/runtime/hls/ap_int.h) against
// references that share no code with it: plain uint64_t and __int128 arithmetic for widths
// up to 64 (results up to 128 bits), and per-bit loops over std::vector<bool> for the wide
// bitwise operations, shifts, ranges and popcount. Expected result widths are Vitis's
// documented ones, written out per case.
#include "xnorc/runtime/hls/ap_int.h"
#include "xnorc/runtime/hls/popcount.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

__extension__ typedef __int128 I128;
__extension__ typedef unsigned __int128 U128;

using Bits = std::vector<bool>;

std::mt19937_64 &rng() {
  static std::mt19937_64 R(20261204);
  return R;
}

Bits randomBits(int W) {
  Bits B(W);
  for (int I = 0; I < W; ++I)
    B[I] = rng()() & 1;
  return B;
}

// The value's bits read one at a time through the const operator[] (checked on its own in
// BitReadWrite), so the references below never go through the arithmetic under test.
template <class T> Bits bitsOf(const T &X) {
  Bits B(X.length());
  for (int I = 0; I < X.length(); ++I)
    B[I] = X[I];
  return B;
}

template <class T> T fromBits(const Bits &B) {
  T X;
  for (int I = 0; I < int(B.size()); ++I)
    X[I] = B[I];
  return X;
}

// The mathematical value of an ap value of at most 128 bits, from its bits.
template <class T> I128 valueOf(const T &X, bool Signed) {
  const int W = X.length();
  U128 V = 0;
  for (int I = 0; I < W; ++I)
    if (X[I])
      V |= U128(1) << I;
  // V - 2^W in unsigned arithmetic (wraps, defined), then reinterpreted: I128(V) - 2^127
  // itself would overflow for W = 127 (UBSan: scripts/sanitize.sh).
  if (Signed && X[W - 1] && W < 128)
    return I128(V - (U128(1) << (W % 128)));
  return I128(V);
}

uint64_t mask(int W) { return W == 64 ? ~0ull : (1ull << W) - 1; }
int64_t signExtend(uint64_t V, int W) { return int64_t(V << (64 - W)) >> (64 - W); }

TEST(HlsApInt, BitReadWrite) {
  const ap_uint<64> A = 0x8000000000000005ull;
  EXPECT_TRUE(A[0]);
  EXPECT_FALSE(A[1]);
  EXPECT_TRUE(A[2]);
  EXPECT_TRUE(A[63]);
  EXPECT_FALSE(A[62]);
  ap_uint<130> B;
  B[129] = 1;
  B[64] = true;
  B[0] = B[129];
  EXPECT_TRUE(B[129] && B[64] && B[0]);
  EXPECT_FALSE(B[1] || B[63] || B[65] || B[128]);
  EXPECT_EQ(B.to_uint64(), 1u);
  B[129] = 0;
  EXPECT_FALSE(B[129]);
  EXPECT_EQ(B.length(), 130);
}

// Construction and assignment wrap modulo 2^W; ap_int sign-extends from bit W - 1.
TEST(HlsApInt, WrapAndSignExtensionUpTo64) {
  for (int Trial = 0; Trial < 2000; ++Trial) {
    const uint64_t V = rng()();
    EXPECT_EQ(ap_uint<1>(V).to_uint64(), V & mask(1));
    EXPECT_EQ(ap_uint<7>(V).to_uint64(), V & mask(7));
    EXPECT_EQ(ap_uint<16>(V).to_uint64(), V & mask(16));
    EXPECT_EQ(ap_uint<31>(V).to_uint64(), V & mask(31));
    EXPECT_EQ(ap_uint<32>(V).to_uint(), uint32_t(V));
    EXPECT_EQ(ap_uint<33>(V).to_uint64(), V & mask(33));
    EXPECT_EQ(ap_uint<63>(V).to_uint64(), V & mask(63));
    EXPECT_EQ(ap_uint<64>(V).to_uint64(), V);
    EXPECT_EQ(ap_int<1>(V).to_int64(), signExtend(V, 1));
    EXPECT_EQ(ap_int<7>(V).to_int64(), signExtend(V, 7));
    EXPECT_EQ(ap_int<16>(V).to_int(), int16_t(uint16_t(V)));
    EXPECT_EQ(ap_int<31>(V).to_int64(), signExtend(V, 31));
    EXPECT_EQ(ap_int<32>(V).to_int(), int32_t(uint32_t(V)));
    EXPECT_EQ(ap_int<33>(V).to_int64(), signExtend(V, 33));
    EXPECT_EQ(ap_int<63>(V).to_int64(), signExtend(V, 63));
    EXPECT_EQ(ap_int<64>(V).to_int64(), int64_t(V));
    // From another width: the source's value (sign-extended if signed), then wrapped.
    const ap_int<33> S = V;
    EXPECT_EQ(ap_int<64>(S).to_int64(), signExtend(V, 33));
    EXPECT_EQ(ap_uint<64>(S).to_uint64(), uint64_t(signExtend(V, 33)));
    EXPECT_EQ(ap_uint<20>(S).to_uint64(), V & mask(20));
    EXPECT_EQ(valueOf(ap_int<100>(S), true), I128(signExtend(V, 33)));
    EXPECT_EQ(valueOf(ap_uint<100>(S), false),
              I128(signExtend(V, 33)) + (signExtend(V, 33) < 0 ? I128(1) << 100 : 0));
    ap_uint<7> U = 5;
    U = V; // assignment wraps like construction
    EXPECT_EQ(U.to_uint64(), V & mask(7));
  }
  EXPECT_EQ(ap_int<1>(1).to_int(), -1);
  EXPECT_EQ(ap_int<1>(0).to_int(), 0);
  EXPECT_EQ(ap_uint<8>(-1).to_uint(), 255u);
  EXPECT_EQ(ap_int<8>(128).to_int(), -128);
  EXPECT_EQ(ap_uint<8>(300.7).to_uint(), 44u);
  EXPECT_EQ(ap_int<8>(-3.9).to_int(), -3);
  EXPECT_EQ(ap_int<8>(-std::numeric_limits<double>::infinity()).to_int(), 0);
  EXPECT_EQ(ap_uint<8>(std::numeric_limits<float>::quiet_NaN()).to_int(), 0);
  EXPECT_EQ(ap_uint<80>(1e20).to_string(16), "0x00056bc75e2d63100000"); // all 80 bits
}

// +, -, * on random values of every pair of these widths and signs: the exact result of
// __int128 arithmetic (the result widths below never let it wrap).
template <int WA, bool SA, int WB, bool SB> void checkArithmetic() {
  using A = std::conditional_t<SA, ap_int<WA>, ap_uint<WA>>;
  using B = std::conditional_t<SB, ap_int<WB>, ap_uint<WB>>;
  for (int Trial = 0; Trial < 300; ++Trial) {
    const A X = rng()();
    const B Y = rng()();
    const I128 VX = valueOf(X, SA), VY = valueOf(Y, SB);
    const auto Sum = X + Y;
    const auto Diff = X - Y;
    const auto Prod = X * Y;
    EXPECT_EQ(valueOf(Sum, SA || SB), VX + VY) << WA << SA << " + " << WB << SB;
    EXPECT_EQ(valueOf(Diff, true), VX - VY) << WA << SA << " - " << WB << SB;
    EXPECT_EQ(valueOf(Prod, SA || SB), VX * VY) << WA << SA << " * " << WB << SB;
    EXPECT_EQ(X < Y, VX < VY);
    EXPECT_EQ(X <= Y, VX <= VY);
    EXPECT_EQ(X > Y, VX > VY);
    EXPECT_EQ(X >= Y, VX >= VY);
    EXPECT_EQ(X == Y, VX == VY);
    EXPECT_EQ(X != Y, VX != VY);
    EXPECT_TRUE(X == A(X) && !(X != A(X)));
  }
}

TEST(HlsApInt, ArithmeticAgainstInt128) {
  checkArithmetic<1, false, 1, false>();
  checkArithmetic<7, true, 16, false>();
  checkArithmetic<16, false, 16, true>();
  checkArithmetic<31, true, 33, true>();
  checkArithmetic<32, false, 63, false>();
  checkArithmetic<33, true, 7, false>();
  checkArithmetic<63, true, 64, false>();
  checkArithmetic<64, false, 63, false>(); // products below 2^127: no __int128 overflow
  checkArithmetic<64, true, 64, true>();
  checkArithmetic<64, false, 1, true>();
}

Bits bitsOfU128(U128 V, int W) {
  Bits B(W);
  for (int I = 0; I < W; ++I)
    B[I] = (V >> I) & 1;
  return B;
}

// Multi-word carries and borrows: 128- and 100-bit operands, results stored back into the
// operand type, against unsigned __int128 arithmetic wrapped to the width.
TEST(HlsApInt, WrapAt128And100Bits) {
  const U128 Mask100 = (U128(1) << 100) - 1;
  for (int Trial = 0; Trial < 2000; ++Trial) {
    const U128 A = (U128(rng()()) << 64) | rng()(), B = (U128(rng()()) << 64) | rng()();
    const ap_uint<128> X = fromBits<ap_uint<128>>(bitsOfU128(A, 128));
    const ap_uint<128> Y = fromBits<ap_uint<128>>(bitsOfU128(B, 128));
    ASSERT_EQ(bitsOf(ap_uint<128>(X + Y)), bitsOfU128(A + B, 128));
    ASSERT_EQ(bitsOf(ap_uint<128>(X - Y)), bitsOfU128(A - B, 128));
    ASSERT_EQ(bitsOf(ap_uint<128>(X * Y)), bitsOfU128(A * B, 128));
    ap_int<100> S = fromBits<ap_int<100>>(bitsOfU128(A, 100));
    const ap_int<100> T = fromBits<ap_int<100>>(bitsOfU128(B, 100));
    S *= T;
    ASSERT_EQ(bitsOf(S), bitsOfU128((A * B) & Mask100, 100));
    S -= T;
    ASSERT_EQ(bitsOf(S), bitsOfU128((A * B - B) & Mask100, 100));
  }
}

TEST(HlsApInt, ResultWidthsAreVitis) {
  const ap_uint<8> U8 = 1;
  const ap_int<8> S8 = 1;
  const ap_uint<16> U16 = 1;
  const ap_int<4> S4 = 1;
  EXPECT_EQ((U8 + U8).length(), 9);   // max(8, 8) + 1
  EXPECT_EQ((U8 + S8).length(), 10);  // max(8 + 1, 8) + 1
  EXPECT_EQ((U8 - U8).length(), 9);   // as +, but signed
  EXPECT_EQ((U16 * S4).length(), 20); // 16 + 4
  EXPECT_EQ((U16 & S4).length(), 17); // max(16 + 1, 4)
  EXPECT_EQ((U16 ^ U8).length(), 16);
  EXPECT_EQ((S8 + 1).length(), 33);   // an int is ap_int<32>
  EXPECT_EQ((U8 + true).length(), 9); // a bool is ap_uint<1>
  EXPECT_EQ((-U8).length(), 9);
  EXPECT_EQ((~U8).length(), 8);
  EXPECT_EQ((U8 << 3).length(), 8);
  // Signedness of the results: an unsigned difference can be negative.
  EXPECT_EQ((U8 - ap_uint<8>(200)).to_int(), -199);
  EXPECT_EQ((ap_uint<8>(255) + ap_uint<8>(255)).to_int(), 510);
  EXPECT_EQ((ap_uint<8>(255) * ap_uint<8>(255)).to_int(), 65025);
  EXPECT_EQ((~ap_uint<8>(0)).to_int(), 255);
  EXPECT_EQ((~ap_int<8>(0)).to_int(), -1);
}

// The accumulator of a binary layer: an ap_int<16> adding popcounts behaves as int16_t
// arithmetic done in int and stored back (wrapping at 16 bits).
TEST(HlsApInt, AccumulatorWrapsAt16Bits) {
  ap_int<16> Acc = 32000;
  int16_t Ref = 32000;
  ap_uint<16> UAcc = 65000;
  uint16_t URef = 65000;
  for (int Trial = 0; Trial < 5000; ++Trial) {
    const int P = int(rng()() % 65);
    Acc += P;
    Ref = int16_t(uint16_t(Ref + P));
    UAcc = UAcc + P;
    URef = uint16_t(URef + P);
    ASSERT_EQ(Acc.to_int(), Ref);
    ASSERT_EQ(UAcc.to_int(), URef);
    if (Trial % 7 == 0) {
      Acc -= 3 * P;
      Ref = int16_t(uint16_t(Ref - 3 * P));
      --Acc;
      Ref = int16_t(uint16_t(Ref - 1));
    }
  }
  ap_int<4> Small = 7;
  EXPECT_EQ((Small++).to_int(), 7);
  EXPECT_EQ(Small.to_int(), -8);
  Small *= 3;
  EXPECT_EQ(Small.to_int(), -8); // -24 mod 16
}

// &, |, ^, ~ and popcount for each width against per-bit loops.
template <int W> void checkBitwise() {
  for (int Trial = 0; Trial < 20; ++Trial) {
    const Bits BA = randomBits(W), BB = randomBits(W);
    const ap_uint<W> A = fromBits<ap_uint<W>>(BA), B = fromBits<ap_uint<W>>(BB);
    const ap_uint<W> And = A & B, Or = A | B, Xor = A ^ B, Not = ~A, Xnor = ~(A ^ B);
    int Ones = 0, XnorOnes = 0;
    for (int I = 0; I < W; ++I) {
      ASSERT_EQ(And[I], BA[I] && BB[I]) << W << " bit " << I;
      ASSERT_EQ(Or[I], BA[I] || BB[I]) << W << " bit " << I;
      ASSERT_EQ(Xor[I], BA[I] != BB[I]) << W << " bit " << I;
      ASSERT_EQ(Not[I], !BA[I]) << W << " bit " << I;
      Ones += BA[I];
      XnorOnes += BA[I] == BB[I];
    }
    EXPECT_EQ(xnorc_hls::popcount(A), Ones) << W;
    EXPECT_EQ(xnorc_hls::popcount(Xnor), XnorOnes) << W;
    EXPECT_EQ(xnorc_hls::popcount(Not), W - Ones) << W;
    // The same on ap_int: ~ of a signed value keeps its sign bit's meaning.
    const ap_int<W> SA = fromBits<ap_int<W>>(BA);
    EXPECT_EQ(bitsOf(ap_int<W>(~SA)), bitsOf(Not));
    EXPECT_EQ(bitsOf(ap_int<W>(SA ^ fromBits<ap_int<W>>(BB))), bitsOf(Xor));
    EXPECT_EQ(A.or_reduce(), Ones > 0);
    EXPECT_EQ(A.and_reduce(), Ones == W);
    EXPECT_EQ(A.xor_reduce(), Ones % 2 == 1);
  }
  EXPECT_EQ(xnorc_hls::popcount(ap_uint<W>(0)), 0);
  EXPECT_EQ(xnorc_hls::popcount(~ap_uint<W>(0)), W);
  EXPECT_EQ(xnorc_hls::popcount(ap_uint<W>(ap_int<W>(-1))), W);
}

TEST(HlsApInt, BitwiseAndPopcountAgainstBitLoops) {
  checkBitwise<1>();
  checkBitwise<7>();
  checkBitwise<16>();
  checkBitwise<31>();
  checkBitwise<32>();
  checkBitwise<33>();
  checkBitwise<63>();
  checkBitwise<64>();
  checkBitwise<65>();
  checkBitwise<100>();
  checkBitwise<128>();
  checkBitwise<300>();
  checkBitwise<4096>();
}

// << and >> by every amount: bits move, zeros (or the sign, for >> of ap_int) come in.
template <int W> void checkShifts() {
  const Bits B = randomBits(W);
  const ap_uint<W> U = fromBits<ap_uint<W>>(B);
  const ap_int<W> S = fromBits<ap_int<W>>(B);
  for (int N = 0; N <= W + 1; ++N) {
    const Bits L = bitsOf(ap_uint<W>(U << N)), R = bitsOf(ap_uint<W>(U >> N));
    const Bits SR = bitsOf(ap_int<W>(S >> N));
    for (int I = 0; I < W; ++I) {
      ASSERT_EQ(L[I], I - N >= 0 ? bool(B[I - N]) : false) << W << " << " << N;
      ASSERT_EQ(R[I], I + N < W ? bool(B[I + N]) : false) << W << " >> " << N;
      ASSERT_EQ(SR[I], I + N < W ? bool(B[I + N]) : bool(B[W - 1])) << W << " s>> " << N;
    }
  }
  ap_uint<W> C = U;
  C <<= ap_uint<8>(1); // a shift count may itself be an ap value
  EXPECT_EQ(bitsOf(C), bitsOf(ap_uint<W>(U << 1)));
}

TEST(HlsApInt, ShiftsAgainstBitLoops) {
  checkShifts<1>();
  checkShifts<7>();
  checkShifts<64>();
  checkShifts<65>();
  checkShifts<300>();
}

// range(hi, lo) and (hi, lo), read and write, on fields that cross word boundaries.
template <int W> void checkRanges() {
  for (int Trial = 0; Trial < 400; ++Trial) {
    int Hi = int(rng()() % W), Lo = int(rng()() % W);
    if (Hi < Lo)
      std::swap(Hi, Lo);
    const Bits Orig = randomBits(W), Field = randomBits(W);
    ap_uint<W> X = fromBits<ap_uint<W>>(Orig);
    const ap_uint<W> Read = X.range(Hi, Lo);
    const ap_uint<W> Read2 = X(Hi, Lo);
    const ap_uint<W> FieldValue = fromBits<ap_uint<W>>(Field);
    for (int I = 0; I < W; ++I) {
      const bool Want = I <= Hi - Lo ? bool(Orig[Lo + I]) : false;
      ASSERT_EQ(Read[I], Want) << W << " read (" << Hi << ", " << Lo << ") bit " << I;
      ASSERT_EQ(Read2[I], Want);
    }
    if (Trial % 2)
      X.range(Hi, Lo) = FieldValue; // the low Hi - Lo + 1 bits of the source
    else
      X(Hi, Lo) = FieldValue;
    for (int I = 0; I < W; ++I) {
      const bool Want = I >= Lo && I <= Hi ? bool(Field[I - Lo]) : bool(Orig[I]);
      ASSERT_EQ(X[I], Want) << W << " write (" << Hi << ", " << Lo << ") bit " << I;
    }
  }
}

TEST(HlsApInt, RangesAcrossWordBoundaries) {
  checkRanges<7>();
  checkRanges<64>();
  checkRanges<65>();
  checkRanges<128>();
  checkRanges<300>();
  // A field written from a negative C integer takes its two's-complement bits; a field of
  // an ap_int's top bits changes its sign.
  ap_uint<200> X;
  X.range(130, 60) = -1;
  for (int I = 0; I < 200; ++I)
    ASSERT_EQ(X[I], I >= 60 && I <= 130) << I;
  ap_int<70> S = 5;
  S.range(69, 64) = 0x3f;
  EXPECT_TRUE(S < 0);
  EXPECT_EQ(S.to_int64(), 5);
  EXPECT_EQ(ap_uint<70>(S.range(69, 60)).to_uint64(), 0x3f0u);
  const ap_uint<16> Packed = 0xabcd;
  EXPECT_EQ(ap_uint<4>(Packed.range(11, 8)).to_uint(), 0xbu);
  EXPECT_EQ(Packed(7, 4).to_uint(), 0xcu);
}

TEST(HlsApInt, WideComparisonsAndSignExtension) {
  const ap_uint<300> Big = ap_uint<300>(1) << 299;
  const ap_int<300> Neg = ap_int<300>(-1);
  EXPECT_TRUE(Big > Neg);
  EXPECT_TRUE(Neg < 0);
  EXPECT_TRUE(Big > 0xffffffffffffffffull);
  EXPECT_TRUE(ap_uint<64>(~0ull) > ap_int<64>(-1));
  EXPECT_TRUE(ap_int<4096>(-2) < ap_int<7>(-1));
  EXPECT_TRUE(ap_int<4096>(-2) == -2);
  const ap_int<4096> Wide = ap_int<33>(-5); // sign-extended through 64 words
  for (int I = 0; I < 4096; ++I)
    ASSERT_EQ(Wide[I], I != 2) << I; // ...11111011
  EXPECT_EQ(valueOf(ap_int<128>(Wide), true), -5);
}

TEST(HlsApInt, Literals) {
  const ap_uint<300> H("0x1234567890abcdefFEDCBA0987654321f");
  const char *Hex = "1234567890abcdeffedcba0987654321f";
  for (int D = 0; D < 33; ++D) { // hex digit D from the right against the literal's char
    const char C = Hex[32 - D];
    const int Want = C <= '9' ? C - '0' : C - 'a' + 10;
    int Got = 0;
    for (int B = 0; B < 4; ++B)
      Got |= H[4 * D + B] << B;
    ASSERT_EQ(Got, Want) << D;
  }
  for (int I = 4 * 33; I < 300; ++I)
    ASSERT_FALSE(H[I]);
  EXPECT_EQ(ap_uint<64>("18446744073709551615").to_uint64(), ~0ull);
  EXPECT_EQ(ap_int<16>("-1234").to_int(), -1234);
  EXPECT_EQ(ap_uint<8>("0b101").to_uint(), 5u);
  EXPECT_EQ(ap_uint<8>("0x1ff").to_uint(), 255u); // wraps like any value
  EXPECT_EQ(ap_uint<12>("777", 8).to_uint(), 511u);
  EXPECT_EQ(ap_uint<12>(0xabc).to_string(16), "0xabc");
  EXPECT_EQ(ap_uint<5>(5).to_string(2), "0b00101");
}

TEST(HlsApInt, Conversions) {
  const ap_int<40> S = -3;
  const ap_uint<40> U = 0xfffffffffeull;
  EXPECT_EQ(S.to_int(), -3);
  EXPECT_EQ(S.to_int64(), -3);
  EXPECT_EQ(S.to_uint64(), uint64_t(-3));
  EXPECT_EQ(U.to_uint(), 0xfffffffeu);
  EXPECT_EQ(U.to_int64(), 0xfffffffffeLL);
  long long Implicit = S; // the vendor's integer conversion
  EXPECT_EQ(Implicit, -3);
  const int Table[4] = {10, 11, 12, 13};
  EXPECT_EQ(Table[ap_uint<2>(6)], 12); // an ap value indexes an array
  EXPECT_TRUE(ap_uint<3>(4).to_bool());
  EXPECT_FALSE(ap_uint<300>().to_bool());
  EXPECT_TRUE(!ap_uint<300>());
}

} // namespace
