// Tile configuration of the code xnorc --target=neon-dotprod emits: AArch64 with the ARMv8.2
// dot product (sdot; Cortex-A55/A75 and later, Apple M1, Neoverse). The "neon" target's
// configuration, and the 8-bit kernels (neon/q8.h) multiply with sdot instead of smull.
// Build with -march=armv8.2-a+dotprod (or a -mcpu that has it).
#ifndef XNORC_RUNTIME_NEON_CONFIG_DOTPROD_H
#define XNORC_RUNTIME_NEON_CONFIG_DOTPROD_H

#if !defined(__ARM_FEATURE_DOTPROD)
#error                                                                                             \
    "xnorc --target=neon-dotprod code needs the ARMv8.2 dot product: compile with -march=armv8.2-a+dotprod (aarch64-linux-gnu-g++ -std=c++17 -O2 -march=armv8.2-a+dotprod), or use --target=neon."
#endif

#define XN_NEON_DOTPROD 1

#include "config_aarch64.h"

#endif // XNORC_RUNTIME_NEON_CONFIG_DOTPROD_H
