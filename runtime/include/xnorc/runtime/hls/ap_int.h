// ap_uint<W> and ap_int<W> for C simulation without Vitis: a stand-in for the vendor's
// <ap_int.h>, written from its documented semantics (UG1399, "Arbitrary Precision Data
// Types"), for the subset xnorc's HLS code uses. Under __SYNTHESIS__ or
// XNORC_HLS_USE_VENDOR_HEADERS (mode.h) this header is empty and the vendor's is used.
//
// Values: W from 1 to 4096 (and beyond; the storage is ceil(W / 64) words, no heap); a value
// wraps modulo 2^W whenever it is stored (construction, assignment, compound assignment,
// ++/--). Mixed expressions of ap types, C integer types (an int is an ap_int<32>, a bool
// an ap_uint<1>) and bit / range references give Vitis's result types:
//   a + b     max(Wa + (!Sa && Sb), Wb + (!Sb && Sa)) + 1 bits, signed if either is
//   a - b     the same width, always signed
//   a * b     Wa + Wb bits, signed if either is
//   a & | ^ b max(Wa + (!Sa && Sb), Wb + (!Sb && Sa)) bits, signed if either is
//   ~a, a << n, a >> n   a's own type (>> is arithmetic for ap_int; bits shifted out are lost)
//   -a        Wa + 1 bits, signed
//   == != < <= > >=      by mathematical value, whatever the widths and signs
// so `ap_int<16> acc; acc += popcount(x);` computes in 33 bits and wraps to 16 on the store,
// as ap_int<16> does under Vitis. Not provided: / and %, concatenation `(a, b)`, reversed
// ranges (hi < lo), ap_fixed; an index or range outside the width stops the simulation with
// a message (Vitis's csim asserts).
#ifndef XNORC_RUNTIME_HLS_AP_INT_H
#define XNORC_RUNTIME_HLS_AP_INT_H

#include "ap_words.h"
#include "mode.h"

#if !XNORC_HLS_VENDOR
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

namespace xnorc_hls {

template <int W> class ap_uint;
template <int W> class ap_int;

namespace detail {

template <int W, bool S> class ApBase;
template <int W, bool S> class ApBitRef;
template <int W, bool S> class ApRangeRef;

template <int W, bool S> struct ApTypeOf { using type = ap_uint<W>; };
template <int W> struct ApTypeOf<W, true> { using type = ap_int<W>; };
// The vendor type of width W and signedness S: ap_uint<W> or ap_int<W>.
template <int W, bool S> using ApType = typename ApTypeOf<W, S>::type;

// The storage and every operation of ap_uint<W> (S = false) and ap_int<W> (S = true).
template <int W, bool S> class ApBase {
  static_assert(W >= 1, "ap_(u)int needs at least one bit");

public:
  static constexpr int NumWords = apWords(W);

  ApBase() : V{} {}
  template <class I, std::enable_if_t<std::is_integral<I>::value, int> = 0> ApBase(I X) {
    bool Neg = false;
    if constexpr (std::is_signed<I>::value)
      Neg = X < 0;
    V[0] = uint64_t(X); // a signed X converts modulo 2^64, i.e. sign-extended
    for (int I2 = 1; I2 < NumWords; ++I2)
      V[I2] = Neg ? ~uint64_t(0) : 0;
    apNormalize<W, S>(V);
  }
  // Truncates toward zero and wraps, as the vendor's conversion from floating point; NaN and
  // infinities give 0.
  template <class F, std::enable_if_t<std::is_floating_point<F>::value, int> = 0>
  ApBase(F X) : V{} {
    int Exp = 0;
    const double M = std::frexp(std::fabs(double(X)), &Exp); // |X| = M * 2^Exp
    if (std::isfinite(X) && Exp > 0) {
      ApBase<W + 64, false> T(uint64_t(std::ldexp(M, 53 < Exp ? 53 : Exp)));
      if (Exp > 53)
        T <<= Exp - 53;
      *this = X < 0 ? ApBase(-T) : ApBase(T);
    }
  }
  template <int W2, bool S2> ApBase(const ApBase<W2, S2> &X) {
    apExtend(V, NumWords, X.words(), X.NumWords, S2);
    apNormalize<W, S>(V);
  }
  template <int W2, bool S2> ApBase(const ApBitRef<W2, S2> &X) : ApBase(bool(X)) {}
  template <int W2, bool S2> ApBase(const ApRangeRef<W2, S2> &X) : ApBase(X.get()) {}
  // A literal in radix 2, 8, 10 or 16; with Radix 0 a prefix 0b, 0o or 0x picks it (else
  // 10); a leading '-' negates. Wraps like any other value.
  ApBase(const char *Str, int Radix = 0) : V{} {
    const bool Neg = *Str == '-';
    Str += Neg || *Str == '+';
    if (Str[0] == '0' && Str[1] != '\0') {
      const char P = char(Str[1] | 0x20);
      const int R = P == 'x' ? 16 : P == 'b' ? 2 : P == 'o' ? 8 : 0;
      if (R && (Radix == 0 || Radix == R)) {
        Radix = R;
        Str += 2;
      }
    }
    if (Radix == 0)
      Radix = 10;
    for (; *Str; ++Str) {
      const char C = *Str;
      const int D = C >= '0' && C <= '9' ? C - '0' : (C | 0x20) >= 'a' ? (C | 0x20) - 'a' + 10 : 99;
      if (D >= Radix)
        apFail("bad digit in an ap_(u)int literal at", int(C), Radix, W);
      const int Shift = Radix == 16 ? 4 : Radix == 8 ? 3 : Radix == 2 ? 1 : 0;
      if (Shift) // word shifts: a 4096-bit weight literal costs no multiplications
        *this = (*this << Shift) | D;
      else
        *this = *this * Radix + D;
    }
    if (Neg)
      *this = -*this;
  }

  const uint64_t *words() const { return V; }
  static constexpr int length() { return W; }

  // The low 32 / 64 bits, as the vendor's to_* (sign-extended from W for ap_int).
  int to_int() const { return int(uint32_t(V[0])); }
  unsigned to_uint() const { return unsigned(V[0]); }
  long long to_int64() const { return (long long)V[0]; }
  unsigned long long to_uint64() const { return V[0]; }
  long to_long() const { return long(V[0]); }
  unsigned long to_ulong() const { return (unsigned long)V[0]; }
  bool to_bool() const { return !iszero(); }
  // The integer conversion the vendor's types have: lets an ap value index an array or
  // initialize a C integer (the low 64 bits).
  operator std::conditional_t<S, long long, unsigned long long>() const {
    return std::conditional_t<S, long long, unsigned long long>(V[0]);
  }

  bool iszero() const {
    for (int I = 0; I < NumWords; ++I)
      if (V[I])
        return false;
    return true;
  }
  bool or_reduce() const { return !iszero(); }
  bool and_reduce() const { return ApBase<W, false>(*this) == ~ApBase<W, false>(); }
  bool xor_reduce() const {
    int Ones = 0;
    const ApBase<W, false> U(*this);
    for (int I = 0; I < NumWords; ++I)
      Ones += __builtin_popcountll(U.V[I]);
    return Ones & 1;
  }

  bool test(int I) const { return bit(I); }
  bool get_bit(int I) const { return bit(I); }
  void set_bit(int I, bool B) { setBit(I, B); }
  void set(int I) { setBit(I, true); }
  void clear(int I) { setBit(I, false); }

  ApBitRef<W, S> operator[](int I) {
    check(I, I);
    return ApBitRef<W, S>(*this, I);
  }
  bool operator[](int I) const { return bit(I); }
  ApRangeRef<W, S> range(int Hi, int Lo) {
    check(Hi, Lo);
    return ApRangeRef<W, S>(*this, Hi, Lo);
  }
  ApRangeRef<W, S> operator()(int Hi, int Lo) { return range(Hi, Lo); }
  // On a const value the field itself (zero-extended), not a reference.
  ap_uint<W> range(int Hi, int Lo) const {
    check(Hi, Lo);
    ap_uint<W> R;
    apExtract(R.V, V, NumWords, Lo, Hi - Lo + 1);
    return R;
  }
  ap_uint<W> operator()(int Hi, int Lo) const { return range(Hi, Lo); }

  // "0b..." (radix 2) or "0x..." (radix 16) digits of the W-bit pattern, as the vendor's
  // to_string(radix) for those radixes.
  std::string to_string(int Radix = 2) const {
    const int Step = Radix == 16 ? 4 : 1, Digits = (W + Step - 1) / Step;
    std::string Out = Radix == 16 ? "0x" : "0b";
    const ApBase<W, false> U(*this);
    for (int D = Digits - 1; D >= 0; --D) {
      const int Lo = D * Step, Bits = W - Lo < Step ? W - Lo : Step;
      uint64_t F = 0;
      apExtract(&F, U.V, NumWords, Lo, Bits);
      Out += "0123456789abcdef"[F];
    }
    return Out;
  }

  template <class T> ApBase &operator+=(const T &X) { return *this = *this + X; }
  template <class T> ApBase &operator-=(const T &X) { return *this = *this - X; }
  template <class T> ApBase &operator*=(const T &X) { return *this = *this * X; }
  template <class T> ApBase &operator&=(const T &X) { return *this = *this & X; }
  template <class T> ApBase &operator|=(const T &X) { return *this = *this | X; }
  template <class T> ApBase &operator^=(const T &X) { return *this = *this ^ X; }
  template <class T> ApBase &operator<<=(const T &X) { return *this = *this << X; }
  template <class T> ApBase &operator>>=(const T &X) { return *this = *this >> X; }
  ApBase &operator++() { return *this += 1; }
  ApBase &operator--() { return *this -= 1; }
  ApType<W, S> operator++(int) {
    ApType<W, S> Old(*this);
    ++*this;
    return Old;
  }
  ApType<W, S> operator--(int) {
    ApType<W, S> Old(*this);
    --*this;
    return Old;
  }

  ApType<W, S> operator~() const {
    ApType<W, S> R;
    for (int I = 0; I < NumWords; ++I)
      R.V[I] = ~V[I];
    apNormalize<W, S>(R.V); // only an unsigned value has bits to clear
    return R;
  }
  ApType<W + 1, true> operator-() const { return ApBase<W + 1, true>() - *this; }
  ApType<W, S> operator+() const { return *this; }
  bool operator!() const { return iszero(); }

  ApType<W, S> shiftedLeft(long long N) const {
    if (N < 0)
      return shiftedRight(-N);
    ApType<W, S> R;
    apShl(R.V, V, NumWords, N < W ? N : W);
    apNormalize<W, S>(R.V);
    return R;
  }
  ApType<W, S> shiftedRight(long long N) const {
    if (N < 0)
      return shiftedLeft(-N);
    ApType<W, S> R;
    apShr(R.V, V, NumWords, N < W ? N : W, S);
    return R;
  }

  // Storage, public to the free operators of this header; not part of the vendor API.
  uint64_t V[NumWords];

  bool bit(int I) const {
    check(I, I);
    return (V[I / 64] >> (I % 64)) & 1;
  }
  void setBit(int I, bool B) {
    const uint64_t M = uint64_t(1) << (I % 64);
    V[I / 64] = B ? V[I / 64] | M : V[I / 64] & ~M;
    if (I == W - 1)
      apNormalize<W, S>(V); // the sign bit of an ap_int repeats above it
  }

private:
  static void check(int Hi, int Lo) {
    if (Lo < 0 || Hi < Lo || Hi >= W)
      apFail("bit index or range", Hi, Lo, W);
  }
};

// What an operand of a mixed expression is as an ap value: Ok for ap types, bit and range
// references and C integer types; IsAp unless it is a C integer (an expression needs one
// operand that is not, so plain C arithmetic never reaches these operators).
template <class T, class = void> struct ApOperand {
  static constexpr bool Ok = false, IsAp = false;
};
template <int W, bool S> struct ApOperand<ApBase<W, S>> {
  static constexpr bool Ok = true, IsAp = true, Signed = S;
  static constexpr int Width = W;
  static const ApBase<W, S> &get(const ApBase<W, S> &X) { return X; }
};
template <int W> struct ApOperand<ap_uint<W>> : ApOperand<ApBase<W, false>> {};
template <int W> struct ApOperand<ap_int<W>> : ApOperand<ApBase<W, true>> {};
template <int W, bool S> struct ApOperand<ApBitRef<W, S>> {
  static constexpr bool Ok = true, IsAp = true, Signed = false;
  static constexpr int Width = 1;
  static ApBase<1, false> get(const ApBitRef<W, S> &X) { return ApBase<1, false>(bool(X)); }
};
template <int W, bool S> struct ApOperand<ApRangeRef<W, S>> {
  static constexpr bool Ok = true, IsAp = true, Signed = false;
  static constexpr int Width = W;
  static ApBase<W, false> get(const ApRangeRef<W, S> &X) { return X.get(); }
};
template <class T> struct ApOperand<T, std::enable_if_t<std::is_integral<T>::value>> {
  static constexpr bool Ok = true, IsAp = false, Signed = std::is_signed<T>::value;
  static constexpr int Width = std::is_same<T, bool>::value ? 1 : int(sizeof(T) * 8);
  static ApBase<Width, Signed> get(T X) { return ApBase<Width, Signed>(X); }
};

// Both operands usable, at least one of them not a C integer.
template <class A, class B>
constexpr bool ApMixed = ApOperand<A>::Ok &&ApOperand<B>::Ok &&
                         (ApOperand<A>::IsAp || ApOperand<B>::IsAp);

// x[i] on a non-const value: reads as a bool, assigns one bit.
template <int W, bool S> class ApBitRef {
public:
  ApBitRef(ApBase<W, S> &X, int I) : X(X), I(I) {}
  ApBitRef(const ApBitRef &) = default;
  operator bool() const { return X.bit(I); }
  bool to_bool() const { return X.bit(I); }
  bool operator~() const { return !X.bit(I); }
  bool operator!() const { return !X.bit(I); }
  ApBitRef &operator=(bool B) {
    X.setBit(I, B);
    return *this;
  }
  ApBitRef &operator=(const ApBitRef &B) { return *this = bool(B); }
  template <int W2, bool S2> ApBitRef &operator=(const ApBitRef<W2, S2> &B) {
    return *this = bool(B);
  }

private:
  ApBase<W, S> &X;
  int I;
};

// x.range(hi, lo) / x(hi, lo) on a non-const value: reads as the field (an ap_uint<W>,
// zero-extended), assigns the low hi - lo + 1 bits of any ap value, reference or integer.
template <int W, bool S> class ApRangeRef {
public:
  ApRangeRef(ApBase<W, S> &X, int Hi, int Lo) : X(X), Hi(Hi), Lo(Lo) {}
  ApRangeRef(const ApRangeRef &) = default;
  ap_uint<W> get() const { return static_cast<const ApBase<W, S> &>(X).range(Hi, Lo); }
  int length() const { return Hi - Lo + 1; }
  int to_int() const { return get().to_int(); }
  unsigned to_uint() const { return get().to_uint(); }
  long long to_int64() const { return get().to_int64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }
  operator unsigned long long() const { return get().to_uint64(); }

  template <class T, std::enable_if_t<ApOperand<T>::Ok, int> = 0>
  ApRangeRef &operator=(const T &Y) {
    const auto &A = ApOperand<T>::get(Y);
    const int Len = Hi - Lo + 1;
    uint64_t Field[ApBase<W, S>::NumWords];
    apExtend(Field, apWords(Len), A.words(), A.NumWords, ApOperand<T>::Signed);
    apDeposit(X.V, ApBase<W, S>::NumWords, Lo, Len, Field);
    apNormalize<W, S>(X.V);
    return *this;
  }
  ApRangeRef &operator=(const ApRangeRef &Y) { return *this = Y.get(); }

private:
  ApBase<W, S> &X;
  int Hi, Lo;
};

// R = A op B on both operands extended to R's width (ApBinary's Op works on N words).
template <int RW, bool RS, class A, class B, class Op>
ApType<RW, RS> apBinary(const A &X, const B &Y, Op F) {
  constexpr int N = apWords(RW);
  const auto &AX = ApOperand<A>::get(X);
  const auto &BY = ApOperand<B>::get(Y);
  uint64_t XW[N], YW[N];
  apExtend(XW, N, AX.words(), AX.NumWords, ApOperand<A>::Signed);
  apExtend(YW, N, BY.words(), BY.NumWords, ApOperand<B>::Signed);
  ApType<RW, RS> R;
  F(R.V, XW, YW, N);
  apNormalize<RW, RS>(R.V);
  return R;
}

template <class A, class B> struct ApRType {
  static constexpr int WA = ApOperand<A>::Width, WB = ApOperand<B>::Width;
  static constexpr bool SA = ApOperand<A>::Signed, SB = ApOperand<B>::Signed;
  static constexpr int EA = WA + (!SA && SB), EB = WB + (!SB && SA);
  static constexpr int Logic = EA > EB ? EA : EB;
  static constexpr bool Signed = SA || SB;
};

template <class A, class B> int apCompare(const A &X, const B &Y) {
  const auto &AX = ApOperand<A>::get(X);
  const auto &BY = ApOperand<B>::get(Y);
  return apCompare(AX.words(), AX.NumWords, ApOperand<A>::Signed, BY.words(), BY.NumWords,
                   ApOperand<B>::Signed);
}

// The shift amount of `a << n`: a C integer or any ap value (its low 64 bits, signed).
template <class T> long long apShiftCount(const T &N) {
  if constexpr (std::is_integral<T>::value)
    return (long long)N;
  else
    return ApOperand<T>::get(N).to_int64();
}

} // namespace detail

template <int W> class ap_uint : public detail::ApBase<W, false> {
public:
  using detail::ApBase<W, false>::ApBase;
  ap_uint() = default;
  // Not inherited: C++ never inherits a constructor from the base's own type.
  ap_uint(const detail::ApBase<W, false> &X) : detail::ApBase<W, false>(X) {}
};

template <int W> class ap_int : public detail::ApBase<W, true> {
public:
  using detail::ApBase<W, true>::ApBase;
  ap_int() = default;
  // Not inherited: C++ never inherits a constructor from the base's own type.
  ap_int(const detail::ApBase<W, true> &X) : detail::ApBase<W, true>(X) {}
};

namespace detail {

// The operators live beside ApBase: argument-dependent lookup finds them for ap_uint and
// ap_int (through their base class), for the references, and inside ApBase itself.
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
auto operator+(const A &X, const B &Y) {
  using T = ApRType<A, B>;
  return apBinary<T::Logic + 1, T::Signed>(X, Y, apAdd);
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
auto operator-(const A &X, const B &Y) {
  using T = ApRType<A, B>;
  return apBinary<T::Logic + 1, true>(X, Y, apSub);
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
auto operator*(const A &X, const B &Y) {
  using T = ApRType<A, B>;
  return apBinary<T::WA + T::WB, T::Signed>(X, Y, apMul);
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
auto operator&(const A &X, const B &Y) {
  using T = ApRType<A, B>;
  return apBinary<T::Logic, T::Signed>(
      X, Y, [](uint64_t *R, const uint64_t *P, const uint64_t *Q, int N) {
        for (int I = 0; I < N; ++I)
          R[I] = P[I] & Q[I];
      });
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
auto operator|(const A &X, const B &Y) {
  using T = ApRType<A, B>;
  return apBinary<T::Logic, T::Signed>(
      X, Y, [](uint64_t *R, const uint64_t *P, const uint64_t *Q, int N) {
        for (int I = 0; I < N; ++I)
          R[I] = P[I] | Q[I];
      });
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
auto operator^(const A &X, const B &Y) {
  using T = ApRType<A, B>;
  return apBinary<T::Logic, T::Signed>(
      X, Y, [](uint64_t *R, const uint64_t *P, const uint64_t *Q, int N) {
        for (int I = 0; I < N; ++I)
          R[I] = P[I] ^ Q[I];
      });
}

template <int W, bool S, class T, std::enable_if_t<ApOperand<T>::Ok, int> = 0>
ApType<W, S> operator<<(const ApBase<W, S> &X, const T &N) {
  return X.shiftedLeft(apShiftCount(N));
}
template <int W, bool S, class T, std::enable_if_t<ApOperand<T>::Ok, int> = 0>
ApType<W, S> operator>>(const ApBase<W, S> &X, const T &N) {
  return X.shiftedRight(apShiftCount(N));
}

template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
bool operator==(const A &X, const B &Y) {
  return apCompare(X, Y) == 0;
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
bool operator!=(const A &X, const B &Y) {
  return apCompare(X, Y) != 0;
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
bool operator<(const A &X, const B &Y) {
  return apCompare(X, Y) < 0;
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
bool operator<=(const A &X, const B &Y) {
  return apCompare(X, Y) <= 0;
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
bool operator>(const A &X, const B &Y) {
  return apCompare(X, Y) > 0;
}
template <class A, class B, std::enable_if_t<ApMixed<A, B>, int> = 0>
bool operator>=(const A &X, const B &Y) {
  return apCompare(X, Y) >= 0;
}

} // namespace detail

} // namespace xnorc_hls

// The vendor's types are global names.
using xnorc_hls::ap_int;
using xnorc_hls::ap_uint;

#endif // !XNORC_HLS_VENDOR

#endif
