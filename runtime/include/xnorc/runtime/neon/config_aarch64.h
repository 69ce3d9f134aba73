// Tile configuration of the code xnorc --target=neon emits: AArch64 (32 q-registers).
// NEON is baseline on AArch64: the generated code builds with a plain
// aarch64-linux-gnu-g++ -std=c++17 -O2.
#ifndef XNORC_RUNTIME_NEON_CONFIG_H
#define XNORC_RUNTIME_NEON_CONFIG_H

#if !defined(__aarch64__)
#error "xnorc --target=neon code is for AArch64 (e.g. aarch64-linux-gnu-g++). For 32-bit ARM with NEON use --target=neon-armv7 (and -mfpu=neon -mfloat-abi=hard); for other CPUs --target=generic."
#endif

#define XN_NEON_P 4 // pixels per register tile
#define XN_NEON_B 4 // 2-channel blocks per register tile: 16 uint16x8 accumulators

#endif // XNORC_RUNTIME_NEON_CONFIG_H
