// Reading NumPy .npy files: the one parser of the --emit-main program (pasted into
// <name>_main.cpp) and of xnorc-run (compiler/Frontend/TensorIO.cpp).
//
// A .npy file is a preamble ("\x93NUMPY", version, header length), a header (a Python
// dict literal: 'descr', 'fortran_order', 'shape') and the raw data. The file is
// untrusted input: every length is checked against the bytes that are there, the
// dimensions' product is overflow-checked, the header must be exactly the dict numpy
// writes (no other keys, each once), and the data must be exactly what the shape and
// element width say: a truncated or oversized file is an error, as is big-endian or
// Fortran-ordered data. Errors are one-line reasons for the caller to prefix with the
// file name. C headers only and no allocation, like the kernels.
#ifndef XNORC_RUNTIME_COMMON_NPY_H
#define XNORC_RUNTIME_COMMON_NPY_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define XN_NPY_MAX_RANK 32 // numpy's own limit (NPY_MAXDIMS before numpy 2)

struct xn_npy_info {
  char descr[16]; // the dtype string, e.g. "<f4"
  char kind;      // its type character: 'f', 'i', 'u', 'b', ...
  int width;      // bytes per element
  int rank;
  long long dims[XN_NPY_MAX_RANK];
  unsigned long long count; // elements (the product of dims)
  size_t data_offset;       // where the data starts in the file
};

// The header text being parsed, and the first error met.
struct xn_npy_cursor {
  const char *p, *end;
  char *err;
  size_t errlen;
  int failed;
};

inline int xn_npy_fail(xn_npy_cursor *c, const char *what) {
  if (!c->failed)
    snprintf(c->err, c->errlen, "bad .npy header: %s", what);
  c->failed = 1;
  return 0;
}

inline void xn_npy_skip_space(xn_npy_cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    ++c->p;
}

// Consumes the character ch (after spaces) if it is next.
inline int xn_npy_accept(xn_npy_cursor *c, char ch) {
  xn_npy_skip_space(c);
  if (c->p < c->end && *c->p == ch) {
    ++c->p;
    return 1;
  }
  return 0;
}

// A quoted string without escapes ('descr' or "descr") into out (at most cap - 1 bytes).
inline int xn_npy_string(xn_npy_cursor *c, char *out, size_t cap) {
  xn_npy_skip_space(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return xn_npy_fail(c, "expected a quoted string");
  const char quote = *c->p++;
  size_t n = 0;
  for (; c->p < c->end && *c->p != quote; ++c->p) {
    if (*c->p == '\\' || n + 1 >= cap)
      return xn_npy_fail(c, "unexpected string (escaped or too long)");
    out[n++] = *c->p;
  }
  if (c->p >= c->end)
    return xn_npy_fail(c, "unterminated string");
  ++c->p;
  out[n] = '\0';
  return 1;
}

inline int xn_npy_word(xn_npy_cursor *c, const char *word) {
  xn_npy_skip_space(c);
  const size_t n = strlen(word);
  if (static_cast<size_t>(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
    return 0;
  c->p += n;
  return 1;
}

// '(' [int {',' int}] [','] ')': numpy writes () for a scalar and (n,) for one dimension.
inline int xn_npy_shape(xn_npy_cursor *c, xn_npy_info *info) {
  if (!xn_npy_accept(c, '('))
    return xn_npy_fail(c, "'shape' is not a tuple");
  info->rank = 0;
  while (!xn_npy_accept(c, ')')) {
    xn_npy_skip_space(c);
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
      return xn_npy_fail(c, "'shape' holds something other than non-negative integers");
    if (info->rank == XN_NPY_MAX_RANK)
      return xn_npy_fail(c, "'shape' has more than 32 dimensions");
    long long d = 0;
    for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; ++c->p) {
      if (d > (INT64_MAX - 9) / 10)
        return xn_npy_fail(c, "a dimension of 'shape' is too large");
      d = d * 10 + (*c->p - '0');
    }
    if (c->p < c->end && *c->p == 'L') // Python 2's long suffix
      ++c->p;
    info->dims[info->rank++] = d;
    if (!xn_npy_accept(c, ',')) {
      if (!xn_npy_accept(c, ')'))
        return xn_npy_fail(c, "'shape' is not a tuple of integers");
      break;
    }
  }
  return 1;
}

// "<f4" -> byte order '<', kind 'f', width 4. Only little-endian (or byte-wide) data.
inline int xn_npy_descr(xn_npy_info *info, char *err, size_t errlen) {
  const char *d = info->descr;
  const char order = d[0];
  int width = 0, digits = 0;
  if (order != '\0' && d[1] != '\0')
    for (const char *q = d + 2; *q >= '0' && *q <= '9' && digits < 3; ++q, ++digits)
      width = width * 10 + (*q - '0');
  if ((order != '<' && order != '>' && order != '|' && order != '=') || digits == 0 ||
      d[2 + digits] != '\0' || width == 0) {
    snprintf(err, errlen, "dtype '%s' is not a plain numeric type", d);
    return 0;
  }
  if (order == '>' || (order == '=' && width > 1)) {
    snprintf(err, errlen,
             "dtype '%s' is %s byte order; only little-endian ('<') data is read: save it with "
             "arr.astype('<f4')",
             d, order == '>' ? "big-endian" : "native ('=')");
    return 0;
  }
  info->kind = d[1];
  info->width = width;
  return 1;
}

// Parses the .npy file held in bytes[0, size): fills *info and returns 1, or writes
// the reason into err (errlen bytes) and returns 0.
inline int xn_npy_parse(const unsigned char *bytes, size_t size, xn_npy_info *info, char *err,
                        size_t errlen) {
  memset(info, 0, sizeof *info);
  if (size < 10 || memcmp(bytes, "\x93NUMPY", 6) != 0) {
    snprintf(err, errlen, "not a .npy file (it does not start with \\x93NUMPY)");
    return 0;
  }
  const unsigned major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0) {
    snprintf(err, errlen, "unsupported .npy format version %u.%u (1.0, 2.0 or 3.0 expected)", major,
             minor);
    return 0;
  }
  const size_t start = major == 1 ? 10 : 12;
  if (size < start) {
    snprintf(err, errlen, "truncated .npy preamble (%zu bytes)", size);
    return 0;
  }
  size_t hlen = bytes[8] | static_cast<size_t>(bytes[9]) << 8;
  if (major > 1)
    hlen |= static_cast<size_t>(bytes[10]) << 16 | static_cast<size_t>(bytes[11]) << 24;
  if (hlen > size - start) {
    snprintf(err, errlen, "truncated .npy header: it declares %zu bytes, the file has %zu", hlen,
             size - start);
    return 0;
  }
  xn_npy_cursor c = {reinterpret_cast<const char *>(bytes) + start,
                     reinterpret_cast<const char *>(bytes) + start + hlen, err, errlen, 0};
  int have_descr = 0, have_order = 0, have_shape = 0; // each key must come exactly once
  if (!xn_npy_accept(&c, '{'))
    return xn_npy_fail(&c, "not a dict");
  while (!xn_npy_accept(&c, '}')) {
    char key[32];
    if (!xn_npy_string(&c, key, sizeof key))
      return 0;
    if (!xn_npy_accept(&c, ':'))
      return xn_npy_fail(&c, "expected ':' after a key");
    if (strcmp(key, "descr") == 0 && !have_descr) {
      have_descr = 1;
      if (!xn_npy_string(&c, info->descr, sizeof info->descr))
        return xn_npy_fail(&c, "'descr' is not a plain dtype string");
    } else if (strcmp(key, "fortran_order") == 0 && !have_order) {
      have_order = 1;
      if (xn_npy_word(&c, "True")) {
        snprintf(err, errlen, "Fortran-ordered data is unsupported (save a C-ordered array)");
        return 0;
      }
      if (!xn_npy_word(&c, "False"))
        return xn_npy_fail(&c, "'fortran_order' is neither True nor False");
    } else if (strcmp(key, "shape") == 0 && !have_shape) {
      have_shape = 1;
      if (!xn_npy_shape(&c, info))
        return 0;
    } else {
      return xn_npy_fail(&c, "a key other than 'descr', 'fortran_order' and 'shape', or one "
                             "given twice");
    }
    if (!xn_npy_accept(&c, ',')) {
      if (!xn_npy_accept(&c, '}'))
        return xn_npy_fail(&c, "expected ',' or '}' after a value");
      break;
    }
  }
  xn_npy_skip_space(&c);
  if (c.p != c.end)
    return xn_npy_fail(&c, "text after the dict");
  if (!have_descr || !have_order || !have_shape)
    return xn_npy_fail(&c, "'descr', 'fortran_order' or 'shape' is missing");
  if (!xn_npy_descr(info, err, errlen))
    return 0;

  // The data must be exactly count * width bytes.
  const size_t data = size - start - hlen;
  unsigned long long count = 1;
  int overflow = 0, empty = 0;
  for (int i = 0; i < info->rank; ++i) {
    const unsigned long long d = static_cast<unsigned long long>(info->dims[i]);
    empty |= d == 0;
    if (d != 0 && count > ULLONG_MAX / d)
      overflow = 1;
    count *= d;
  }
  const unsigned long long width = static_cast<unsigned long long>(info->width);
  if (empty) { // no data, whatever the other dimensions are
    count = 0;
    overflow = 0;
  } else if (count > ULLONG_MAX / width) {
    overflow = 1;
  }
  if (overflow) {
    snprintf(err, errlen, "the shape's element count overflows (the file has %zu data bytes)",
             data);
    return 0;
  }
  const unsigned long long need = count * width;
  if (need > data) {
    snprintf(err, errlen, "data is truncated: the shape needs %llu bytes, the file has %zu", need,
             data);
    return 0;
  }
  if (need < data) {
    snprintf(err, errlen, "oversized: %llu bytes follow the %llu bytes of data the shape describes",
             static_cast<unsigned long long>(data) - need, need);
    return 0;
  }
  info->count = count;
  info->data_offset = start + hlen;
  return 1;
}

// How many model inputs of shape dims[0, rank) an array of shape have[0, have_rank)
// holds: 1 for exactly that shape, k for the shape with its leading dimension k times
// the model's (k inputs concatenated along it; a scalar input takes a 1-D array of k);
// 0 if the shape fits neither way.
inline long long xn_npy_batches(const long long *have, int have_rank, const long long *dims,
                                int rank) {
  if (rank == 0)
    return have_rank == 0 ? 1 : have_rank == 1 ? have[0] : 0;
  if (have_rank != rank || dims[0] <= 0 || have[0] % dims[0] != 0)
    return 0;
  for (int i = 1; i < rank; ++i)
    if (have[i] != dims[i])
      return 0;
  return have[0] / dims[0];
}

// The shape as "[d0,d1,...]" into out.
inline void xn_npy_shape_text(const long long *dims, int rank, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  n += snprintf(out, cap, "[");
  for (int i = 0; i < rank && n < cap; ++i)
    n += snprintf(out + n, cap - n, i ? ",%lld" : "%lld", dims[i]);
  if (n < cap)
    snprintf(out + n, cap - n, "]");
}

#endif
