// Tile configuration of the code xnorc --target=neon-armv7 emits: 32-bit ARM with NEON
// (16 q-registers). Build with NEON enabled:
// arm-linux-gnueabihf-g++ -std=c++17 -O2 -mfpu=neon -mfloat-abi=hard.
#ifndef XNORC_RUNTIME_NEON_CONFIG_H
#define XNORC_RUNTIME_NEON_CONFIG_H

#if !defined(__ARM_NEON) && !defined(__ARM_NEON__)
#error                                                                                             \
    "xnorc --target=neon-armv7 code needs NEON: compile with -mfpu=neon -mfloat-abi=hard (arm-linux-gnueabihf-g++ -std=c++17 -O2 -mfpu=neon -mfloat-abi=hard)."
#endif

#define XN_NEON_P 2 // pixels per register tile
#define XN_NEON_B 4 // 2-channel blocks per register tile: 8 uint16x8 accumulators
// Float-input conv / Gemm / BWN (neon/fconv.h): 4 pixels x 8 channels, 8 float32x4
// accumulators; one-pixel layers (dense, Gemm) take XN_NEON_FB1 blocks = 16 channels.
#define XN_NEON_FG 1
#define XN_NEON_FB 2
#define XN_NEON_FB1 4

#endif // XNORC_RUNTIME_NEON_CONFIG_H
