// Work splitting for multi-threaded generated code (xnorc --threads=N).
//
// A kernel that can split its work takes two trailing arguments, `int part = 0, int parts =
// 1`, and computes only part `part` of `parts` of its output: a contiguous range of output
// rows (or planes, or pixels), chosen by xn_part_range so that the parts are disjoint, cover
// everything, and each part's arithmetic is exactly what the whole call does for those
// outputs (results do not depend on the number of threads, nor on where the parts end).
// With the defaults the kernel is the single-threaded kernel.
//
// Parts are equal unless a team has set shares (xn_part_shares): threads that run at
// different speeds (a phone's big and little cores, a VM whose virtual CPUs share their
// physical cores with other guests) then get row ranges in proportion to their speed
// (common/team.h measures it). Channel splits (xn_part_channel_blocks) stay equal: their
// few tiles must fall where the next layer's channel words fall.
#ifndef XNORC_RUNTIME_COMMON_PARTS_H
#define XNORC_RUNTIME_COMMON_PARTS_H

#include <stdint.h>

// [*lo, *hi) of `count` items cut into `n` pieces whose sizes differ by at most one.
inline void xn_split_even(int64_t count, int i, int n, int64_t *lo, int64_t *hi) {
  const int64_t q = count / n, r = count % n;
  *lo = i * q + (i < r ? i : r);
  *hi = *lo + q + (i < r ? 1 : 0);
}

// Elementwise splits cut at multiples of a cache line of floats (a whole vector on every ISA):
// no two parts write one line.
#define XN_PART_LINE_FLOATS 16

#define XN_PART_ONE 65536 // a whole, in the units of xn_part_shares::cut

// The shares of the team whose call is running: part k of `parts` covers the fraction
// [cut[k], cut[k + 1]) / XN_PART_ONE of each split (cut[0] = 0, cut[parts] = XN_PART_ONE).
// Set by the thread team (common/team.h) for the duration of a call that holds the workers;
// `parts` is 0 (equal parts) otherwise. A call running alone (one part) never reads it.
// followed (null: not kept): followed[k * stride] set when part k cuts a range by these
// shares, which common/team.h reads and clears at each barrier: a thread's speed is measured
// on that work alone, since the splits that stay equal cannot move toward it. (A stride: each
// thread's mark on a cache line of its own.)
struct xn_part_shares {
  int parts;
  const uint32_t *cut;
  unsigned char *followed;
  int64_t stride;
};
inline xn_part_shares &xn_part_current_shares() {
  static xn_part_shares shares = {0, 0, 0, 0};
  return shares;
}

// Part `part` of `parts` of `count` items: [*lo, *hi); equal parts (sizes differing by at
// most one) unless the running team set shares.
inline void xn_part_range(int64_t count, int part, int parts, int64_t *lo, int64_t *hi) {
  if (parts > 1) {
    const xn_part_shares &s = xn_part_current_shares();
    if (s.parts == parts) {
      if (s.followed)
        s.followed[part * s.stride] = 1;
      *lo = (count * (int64_t)s.cut[part] + XN_PART_ONE / 2) / XN_PART_ONE;
      *hi = (count * (int64_t)s.cut[part + 1] + XN_PART_ONE / 2) / XN_PART_ONE;
      return;
    }
  }
  xn_split_even(count, part, parts, lo, hi);
}

// The same with the range's ends rounded down to multiples of `align` (the last part still
// ends at `count`): for kernels that work in chunks of `align` items.
inline void xn_part_range_aligned(int64_t count, int64_t align, int part, int parts, int64_t *lo,
                                  int64_t *hi) {
  const int64_t chunks = (count + align - 1) / align;
  xn_part_range(chunks, part, parts, lo, hi);
  *lo *= align;
  *hi = *hi * align < count ? *hi * align : count;
}

// Whether an NCHW float map with planes of `plane_floats` splits its rows among the parts
// (4 KiB or more) or its channels: a plane under 4 KiB holds few cache lines, so a row split
// has the parts write the same lines of every plane (a 7x7 plane is 196 bytes). Layers that
// read such a map split it the same way, so each thread reads what its own core wrote.
inline bool xn_part_plane_by_rows(int64_t plane_floats) {
  return plane_floats * (int64_t)sizeof(float) >= 4096;
}

// Part `part` of `parts` of an NCHW float map (`planes` = images x channels planes of `plane`
// floats each) for the elementwise layers that read a conv's output: split as the convs
// split such maps, so each thread reads the floats its own core wrote (QuickNet's 56x56x64
// BatchNorm and Add on two threads of an AMD EPYC were slower than on one when they split
// the flat tensor while the conv had split the rows). Large planes (xn_part_plane_by_rows):
// every plane's elements [s_lo, s_hi), whole vectors of `align`; small ones: whole planes
// [pl_lo, pl_hi).
struct xn_map_part {
  int64_t pl_lo, pl_hi, s_lo, s_hi;
};
inline xn_map_part xn_part_map(int64_t planes, int64_t plane, int64_t align, int part, int parts) {
  xn_map_part m = {0, planes, 0, plane};
  if (parts < 2)
    return m;
  if (xn_part_plane_by_rows(plane) || planes < parts)
    xn_part_range_aligned(plane, align, part, parts, &m.s_lo, &m.s_hi);
  else
    xn_part_range(planes, part, parts, &m.pl_lo, &m.pl_hi);
  return m;
}

// f(lo, hi) for each run of contiguous elements of part m of a map of `plane`-float planes:
// one run when the part holds whole planes, one per plane otherwise.
template <typename F> inline void xn_map_part_runs(const xn_map_part &m, int64_t plane, F f) {
  if (m.s_lo == 0 && m.s_hi == plane) {
    if (m.pl_lo < m.pl_hi)
      f(m.pl_lo * plane, m.pl_hi * plane);
    return;
  }
  if (m.s_lo < m.s_hi)
    for (int64_t pl = m.pl_lo; pl < m.pl_hi; ++pl)
      f(pl * plane + m.s_lo, pl * plane + m.s_hi);
}

// Conv outputs in NCHW whose planes are small (xn_part_plane_by_rows) split their output
// channels instead of their rows, so that each part also reads only its filters. Splits
// `blocks` channel blocks in whole tiles of `tile` blocks (the last part takes the rest) when
// the tiles divide evenly among the parts; returns false (rows, then) otherwise, or for one
// part. Each output's arithmetic is the same either way: results never depend on it.
inline bool xn_part_channel_blocks(int64_t plane_floats, int64_t blocks, int64_t tile, int part,
                                   int parts, int64_t *lo, int64_t *hi) {
  const int64_t tiles = tile > 0 ? blocks / tile : 0;
  if (parts < 2 || xn_part_plane_by_rows(plane_floats) || tiles < parts || tiles % parts != 0)
    return false;
  xn_split_even(tiles, part, parts, lo, hi);
  *lo *= tile;
  *hi = part == parts - 1 ? blocks : *hi * tile;
  return true;
}

#endif // XNORC_RUNTIME_COMMON_PARTS_H
