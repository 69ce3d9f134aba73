// AVX2 and AVX-512 binary conv / dense requantized in the epilogue (bconv_quantize,
// bdense_quantize; generic/bquantize.h's contracts, bit for bit): the ISA's binary kernel with
// its float epilogue (x86/bconv_epi.h), whose value is quantized in registers by the 8-bit
// kernels' lane policy (xn_quantize_t: the quantize kernels' steps) and stored as bytes.
#ifndef XNORC_RUNTIME_X86_BCONV_QUANTIZE_H
#define XNORC_RUNTIME_X86_BCONV_QUANTIZE_H

#include "avx2_bconv.h"
#include "avx512_bconv.h"
#include "avx512_q8.h"

template <int B> using xn_avx2_epi_quant = xn_x86_bconv_epi<xn_avx2_epi_ops, B, xn_avx2_q8_lanes>;
template <int B> using xn_avx512_epi_quant = xn_x86_bconv_epi<xn_avx512_epi_ops, B, xn_avx512_vnni>;

// xn_avx2_bconv_quantize, xn_avx2_bdense_quantize, xn_avx512_bconv_quantize,
// xn_avx512_bdense_quantize.
XN_OC_BCONV_QUANTIZE_ENTRY_POINTS(avx2, xn_avx2_bits, xn_avx2_epi_quant, XN_AVX2_TARGET)
XN_OC_BCONV_QUANTIZE_ENTRY_POINTS(avx512, xn_oc_bits<xn_avx512_bconv_isa>, xn_avx512_epi_quant,
                                  XN_AVX512_TARGET)

#endif // XNORC_RUNTIME_X86_BCONV_QUANTIZE_H
