// Compressed sparse rows (CSR) of a constant float weight matrix: the storage of the sparse
// float conv and Gemm (generic/sparse.h, x86/sparse.h). Plain C++: the compiler packs the
// weights at compile time (compiler/Lowering/WeightPacking.cpp) and emits them as one array
// of 64-bit words, which the kernels read through this header's views.
//
// A matrix of `rows` output channels by `cols` reduction indices (a conv's c_in * kh * kw
// taps in ONNX order, a Gemm's K) keeps its non-zero entries, row by row in ascending column
// order -- the order the dense generic kernels sum in, which makes the sparse kernels give
// the dense ones' results (docs/XnorMath.md, "Sparse float kernels"). Layout, in bytes:
//
//   int32  row_start[rows + 1]      entries of row r: [row_start[r], row_start[r + 1])
//   uint16 col[nnz]                 column of each entry (cols <= XN_SPARSE_MAX_COLS)
//   (padding to 4 bytes)
//   float  value[nnz]
//
// i.e. 6 bytes per non-zero weight plus 4 per row against 4 per weight dense: the array
// shrinks once more than about a third of the weights are zero.
#ifndef XNORC_RUNTIME_COMMON_SPARSE_PACK_H
#define XNORC_RUNTIME_COMMON_SPARSE_PACK_H

#include <stdint.h>
#include <string.h>

// Columns a uint16 index reaches; wider matrices keep their dense kernels.
#define XN_SPARSE_MAX_COLS 65536

inline int64_t xn_sparse_col_offset(int64_t rows) { return 4 * (rows + 1); }
inline int64_t xn_sparse_value_offset(int64_t rows, int64_t nnz) {
  return (xn_sparse_col_offset(rows) + 2 * nnz + 3) / 4 * 4;
}
// 64-bit words of the packed matrix.
inline int64_t xn_sparse_packed_words(int64_t rows, int64_t nnz) {
  return (xn_sparse_value_offset(rows, nnz) + 4 * nnz + 7) / 8;
}

// Non-zero entries of w[r * row_stride + c * col_stride] (r < rows, c < cols).
inline int64_t xn_sparse_count(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride,
                               const float *w) {
  int64_t nnz = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      nnz += w[r * row_stride + c * col_stride] != 0.0f;
  return nnz;
}

// Packs w as above into out (xn_sparse_packed_words words; padding bytes are left as they are). A
// weight that compares equal to zero (+0 or -0) is dropped.
inline void xn_sparse_pack(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride,
                           const float *w, uint64_t *out) {
  const int64_t nnz = xn_sparse_count(rows, cols, row_stride, col_stride, w);
  unsigned char *b = (unsigned char *)out;
  unsigned char *col_at = b + xn_sparse_col_offset(rows);
  unsigned char *val_at = b + xn_sparse_value_offset(rows, nnz);
  int32_t e = 0;
  for (int64_t r = 0; r < rows; ++r) {
    memcpy(b + 4 * r, &e, 4);
    for (int64_t c = 0; c < cols; ++c) {
      const float v = w[r * row_stride + c * col_stride];
      if (v == 0.0f)
        continue;
      const uint16_t c16 = (uint16_t)c;
      memcpy(col_at + 2 * e, &c16, 2);
      memcpy(val_at + 4 * e, &v, 4);
      ++e;
    }
  }
  memcpy(b + 4 * rows, &e, 4);
}

// Read access to a packed matrix (memcpy loads: the words are not int32 / float objects).
struct xn_sparse_view {
  const unsigned char *row_start, *col, *value;
};

inline xn_sparse_view xn_sparse_view_of(int64_t rows, const uint64_t *packed) {
  const unsigned char *b = (const unsigned char *)packed;
  int32_t nnz;
  memcpy(&nnz, b + 4 * rows, 4);
  return {b, b + xn_sparse_col_offset(rows), b + xn_sparse_value_offset(rows, nnz)};
}
inline int32_t xn_sparse_row_start(const xn_sparse_view &v, int64_t r) {
  int32_t e;
  memcpy(&e, v.row_start + 4 * r, 4);
  return e;
}
inline int64_t xn_sparse_col(const xn_sparse_view &v, int64_t e) {
  uint16_t c;
  memcpy(&c, v.col + 2 * e, 2);
  return c;
}
inline float xn_sparse_value(const xn_sparse_view &v, int64_t e) {
  float f;
  memcpy(&f, v.value + 4 * e, 4);
  return f;
}

#endif // XNORC_RUNTIME_COMMON_SPARSE_PACK_H
