// Shared pieces of xnorc's ARM NEON binary kernels (AArch64 and 32-bit ARMv7 + NEON).
//
// The kernels use only intrinsics that exist on both (veorq_u8, vcntq_u8, vpadalq_u8,
// vpaddlq_u16/u32, vld1q_dup_u64, vandq/vorrq, vcgeq_f32...), so one source serves both
// targets; only the register tile differs (AArch64 has 32 q-registers, ARMv7 16).
//
// Building: AArch64 needs no flags (NEON is baseline). 32-bit ARM needs NEON enabled:
// arm-linux-gnueabihf-g++ -mfpu=neon -mfloat-abi=hard (or -mfpu=neon-vfpv4, ...).
#ifndef XNORC_RUNTIME_NEON_COMMON_H
#define XNORC_RUNTIME_NEON_COMMON_H

#if !defined(__ARM_NEON) && !defined(__ARM_NEON__)
#error                                                                                             \
    "xnorc NEON kernels: NEON is not enabled. On 32-bit ARM compile with -mfpu=neon -mfloat-abi=hard (arm-linux-gnueabihf-g++); on AArch64 NEON is always on. For other CPUs use xnorc --target=generic."
#endif

#include "../common/unroll.h"
#include "../common/oc_blocked.h"

#include <arm_neon.h>

// Output channels per q-register: two 64-bit weight words side by side.
#define XN_NEON_LANES 2

// Register tile: XN_NEON_P pixels x XN_NEON_B blocks of 2 output channels, one uint16x8
// accumulator each. AArch64 (32 q-registers): 4 x 4 = 8 channels x 4 pixels, LCE's tile,
// 16 accumulators + 4 weight vectors + activation broadcasts. ARMv7 (16 q-registers):
// 2 x 4 = 8 accumulators + 4 weight vectors + 1-2 broadcasts. The emitted code sets them
// through neon/config_*.h; these defaults serve direct includes.
#ifndef XN_NEON_P
#if defined(__aarch64__)
#define XN_NEON_P 4
#else
#define XN_NEON_P 2
#endif
#endif
#ifndef XN_NEON_B
#define XN_NEON_B 4
#endif
// Float-input kernels (neon/fconv.h): XN_NEON_FG groups of 4 pixels x XN_NEON_FB blocks of 4
// output channels per register tile, XN_NEON_FB1 blocks for one-pixel layers. AArch64:
// 12 x 8 (24 accumulators + 2 weight + 3 input vectors of 32), 32 channels; ARMv7: 4 x 8
// (8 + 2 + 1 of 16), 16 channels.
#ifndef XN_NEON_FG
#if defined(__aarch64__)
#define XN_NEON_FG 3
#define XN_NEON_FB1 8
#else
#define XN_NEON_FG 1
#define XN_NEON_FB1 4
#endif
#define XN_NEON_FB 2
#endif

// Words a uint16x8 accumulator can take before it may overflow: vpadalq_u8 adds two byte
// counts (<= 8 each) to each 16-bit lane per word, so <= 16 per word: 4095 * 16 = 65520.
#define XN_NEON_FOLD 4095

// Per-channel popcounts of a uint16x8 accumulator (lanes 0-3: channel 0, 4-7: channel 1).
inline uint64x2_t xn_neon_fold(uint16x8_t acc) { return vpaddlq_u32(vpaddlq_u16(acc)); }

#endif // XNORC_RUNTIME_NEON_COMMON_H
