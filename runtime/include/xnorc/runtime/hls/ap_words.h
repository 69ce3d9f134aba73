// Two's-complement arithmetic on little-endian arrays of 64-bit words, the storage of the
// C-simulation ap_uint / ap_int (ap_int.h).
//
// A value of W bits lives in ceil(W / 64) words and is kept *normalized*: the bits above
// W - 1 in the top word repeat bit W - 1 for a signed type and are zero for an unsigned one.
// So the words read as a two's-complement (or unsigned) integer of any larger word count
// by repeating the top word's sign, and a value compares, converts and popcounts without
// looking at W again. Every loop runs over words, never over bits.
#ifndef XNORC_RUNTIME_HLS_AP_WORDS_H
#define XNORC_RUNTIME_HLS_AP_WORDS_H

#include "mode.h"

#if !XNORC_HLS_VENDOR
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace xnorc_hls {
namespace detail {

constexpr int apWords(int W) { return (W + 63) / 64; }

__extension__ typedef unsigned __int128 ApU128; // a GNU extension; g++ and clang++ have it

// A precondition of the vendor's API that the code broke (a bit index or range outside the
// width): C simulation stops with the reason rather than reading outside the words.
[[noreturn]] inline void apFail(const char *What, int A, int B, int W) {
  std::fprintf(stderr, "xnorc hls csim: %s (%d, %d) outside ap_(u)int<%d>\n", What, A, B, W);
  std::fflush(stderr);
  std::abort();
}

// The word a normalized value repeats above its top word: all ones if it is negative.
inline uint64_t apFill(const uint64_t *X, int N, bool Signed) {
  return Signed && (X[N - 1] >> 63) ? ~uint64_t(0) : 0;
}

// Brings the bits above W - 1 into normal form (see above).
template <int W, bool Signed> inline void apNormalize(uint64_t *X) {
  constexpr int R = W % 64, N = apWords(W);
  if constexpr (R != 0) {
    if constexpr (Signed)
      X[N - 1] = uint64_t(int64_t(X[N - 1] << (64 - R)) >> (64 - R));
    else
      X[N - 1] &= (uint64_t(1) << R) - 1;
  }
}

// Dst[0, N) = X[0, M) extended by its fill word (or truncated).
inline void apExtend(uint64_t *Dst, int N, const uint64_t *X, int M, bool Signed) {
  const uint64_t Fill = apFill(X, M, Signed);
  for (int I = 0; I < N; ++I)
    Dst[I] = I < M ? X[I] : Fill;
}

inline void apAdd(uint64_t *Dst, const uint64_t *A, const uint64_t *B, int N) {
  uint64_t Carry = 0;
  for (int I = 0; I < N; ++I) {
    const uint64_t S = A[I] + Carry;
    const uint64_t C1 = S < Carry;
    Dst[I] = S + B[I];
    Carry = C1 + (Dst[I] < S);
  }
}

inline void apSub(uint64_t *Dst, const uint64_t *A, const uint64_t *B, int N) {
  uint64_t Borrow = 0;
  for (int I = 0; I < N; ++I) {
    const uint64_t D = A[I] - B[I];
    const uint64_t B1 = A[I] < B[I];
    Dst[I] = D - Borrow;
    Borrow = B1 + (D < Borrow);
  }
}

// Dst[0, N) = A * B mod 2^(64 N), both operands already extended to N words: the low words
// of a two's-complement product do not depend on the operands' signs.
inline void apMul(uint64_t *Dst, const uint64_t *A, const uint64_t *B, int N) {
  for (int I = 0; I < N; ++I)
    Dst[I] = 0;
  for (int I = 0; I < N; ++I) {
    uint64_t Carry = 0;
    for (int J = 0; I + J < N; ++J) {
      const ApU128 P = ApU128(A[I]) * B[J] + Dst[I + J] + Carry;
      Dst[I + J] = uint64_t(P);
      Carry = uint64_t(P >> 64);
    }
  }
}

// Dst = X << S (S >= 0), N words.
inline void apShl(uint64_t *Dst, const uint64_t *X, int N, long long S) {
  const long long Q = S / 64;
  const int R = int(S % 64);
  for (int I = N - 1; I >= 0; --I) {
    const long long From = I - Q;
    const uint64_t Hi = From >= 0 && From < N ? X[From] : 0;
    const uint64_t Lo = From - 1 >= 0 && From - 1 < N ? X[From - 1] : 0;
    Dst[I] = R ? (Hi << R) | (Lo >> (64 - R)) : Hi;
  }
}

// Dst = X >> S (S >= 0), N words, shifting in the fill word (arithmetic for signed).
inline void apShr(uint64_t *Dst, const uint64_t *X, int N, long long S, bool Signed) {
  const uint64_t Fill = apFill(X, N, Signed);
  const long long Q = S / 64;
  const int R = int(S % 64);
  for (int I = 0; I < N; ++I) {
    const long long From = I + Q;
    const uint64_t Lo = From < N ? X[From] : Fill;
    const uint64_t Hi = From + 1 < N ? X[From + 1] : Fill;
    Dst[I] = R ? (Lo >> R) | (Hi << (64 - R)) : Lo;
  }
}

// Dst[0, apWords(Len)) = bits [Lo, Lo + Len) of X (N words), zero-extended.
inline void apExtract(uint64_t *Dst, const uint64_t *X, int N, int Lo, int Len) {
  const int M = apWords(Len);
  for (int K = 0; K < M; ++K) {
    const int Bit = Lo + 64 * K, Q = Bit / 64, R = Bit % 64;
    uint64_t V = Q < N ? X[Q] >> R : 0;
    if (R && Q + 1 < N)
      V |= X[Q + 1] << (64 - R);
    Dst[K] = V;
  }
  if (Len % 64)
    Dst[M - 1] &= (uint64_t(1) << (Len % 64)) - 1;
}

// Bits [Lo, Lo + Len) of X (N words) = the low Len bits of V; Lo + Len <= 64 N.
inline void apDeposit(uint64_t *X, int N, int Lo, int Len, const uint64_t *V) {
  const int M = apWords(Len);
  for (int K = 0; K < M; ++K) {
    const int Bits = K == M - 1 && Len % 64 ? Len % 64 : 64;
    const uint64_t Mask = Bits == 64 ? ~uint64_t(0) : (uint64_t(1) << Bits) - 1;
    const uint64_t Val = V[K] & Mask;
    const int Bit = Lo + 64 * K, Q = Bit / 64, R = Bit % 64;
    X[Q] = (X[Q] & ~(Mask << R)) | (Val << R);
    if (R && Q + 1 < N && Bits > 64 - R)
      X[Q + 1] = (X[Q + 1] & ~(Mask >> (64 - R))) | (Val >> (64 - R));
  }
}

// -1, 0 or 1 as the integer A (NA words) compares with B (NB words).
inline int apCompare(const uint64_t *A, int NA, bool SA, const uint64_t *B, int NB, bool SB) {
  const uint64_t FA = apFill(A, NA, SA), FB = apFill(B, NB, SB);
  if (FA != FB)
    return FA ? -1 : 1; // exactly one is negative
  for (int I = (NA > NB ? NA : NB) - 1; I >= 0; --I) {
    const uint64_t X = I < NA ? A[I] : FA, Y = I < NB ? B[I] : FB;
    if (X != Y)
      return X < Y ? -1 : 1; // same sign: two's complement orders as unsigned
  }
  return 0;
}

} // namespace detail
} // namespace xnorc_hls
#endif // !XNORC_HLS_VENDOR

#endif
