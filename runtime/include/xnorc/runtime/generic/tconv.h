// Ternary-weight XNOR conv and dense layers (TWN / TBN): packed ±1 activations, weights in
// {-1, 0, +1} stored as two bit planes, sign (bit 1 = -1, as b1) and mask (bit 1 = nonzero):
//   d = popcount(mask & ~(x ^ sign)) - popcount(mask & (x ^ sign))
//     = nnz - 2 * popcount(mask & (x ^ sign)),
// nnz being the number of mask bits over the taps summed. One popcount per word, as for a
// binary layer; the zero weights cost nothing but their mask bits.
//
// Padding is handled as in bconv.h: pad_value 0 is exact zero padding (a padded tap adds
// nothing, so nnz counts the valid taps' mask bits only); pad_value ±1 makes a padded tap an
// activation of that value on every channel.
//
// The generic kernels are common/oc_tconv_walk.h with one output channel per "vector" (a
// uint64_t): weights packed by xn_oc_tconv_pack with lanes = 1, i.e. per output channel its
// nonzero count, then sign and mask word by word; groups as in bconv.h.
#ifndef XNORC_RUNTIME_GENERIC_TCONV_H
#define XNORC_RUNTIME_GENERIC_TCONV_H

#include "../common/oc_tconv_walk.h"

// The policy common/oc_tconv_walk.h documents, on scalar words.
struct xn_scalar_tconv_isa {
  enum { L = 1 };
  typedef uint64_t wvec;
  typedef int64_t acc;
  static void zero_acc(acc &a) { a = 0; }
  static void load_w(wvec &v, const uint64_t *p) { v = *p; }
  static void bcast_value(wvec &v, uint64_t x) { v = x; }
  static void and_xor_pop(acc &a, wvec x, wvec s, wvec m) { a += xn_popcount64((x ^ s) & m); }
  static void pop(acc &a, wvec m) { a += xn_popcount64(m); }
  static void store(int64_t *p, acc a) { *p = a; }
};

// xn_tconv, xn_tconv_threshold, xn_tdense, xn_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(xn_, xn_scalar_tconv_isa, )

#endif // XNORC_RUNTIME_GENERIC_TCONV_H
