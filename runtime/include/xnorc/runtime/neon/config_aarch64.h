// Tile configuration of the code xnorc --target=neon emits: AArch64 (32 q-registers).
// NEON is baseline on AArch64: the generated code builds with a plain
// aarch64-linux-gnu-g++ -std=c++17 -O2.
#ifndef XNORC_RUNTIME_NEON_CONFIG_H
#define XNORC_RUNTIME_NEON_CONFIG_H

#if !defined(__aarch64__)
#error                                                                                             \
    "xnorc --target=neon code is for AArch64 (e.g. aarch64-linux-gnu-g++). For 32-bit ARM with NEON use --target=neon-armv7 (and -mfpu=neon -mfloat-abi=hard); for other CPUs --target=generic."
#endif

#define XN_NEON_P 4 // pixels per register tile
#define XN_NEON_B 4 // 2-channel blocks per register tile: 16 uint16x8 accumulators
// Float-input conv / Gemm / BWN (neon/fconv.h): tiles of XN_NEON_FG groups of 4 pixels x
// XN_NEON_FB blocks of 4 output channels = 12 pixels x 8 channels, 24 float32x4
// accumulators; one-pixel layers (dense, Gemm) take XN_NEON_FB1 blocks = 32 channels.
#define XN_NEON_FG 3
#define XN_NEON_FB 2
#define XN_NEON_FB1 8

#endif // XNORC_RUNTIME_NEON_CONFIG_H
