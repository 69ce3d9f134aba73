# Cross-compiling for 64-bit ARM Linux (AArch64) with Debian's g++-aarch64-linux-gnu; NEON
# is baseline, no flags needed. Programs run on an x86 host under qemu-user (package
# qemu-user; binfmt need not be active): CMAKE_CROSSCOMPILING_EMULATOR makes ctest, and
# add_custom_command / add_test with a target's executable, go through it.
#
#   cmake -S . -B build-a64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(XNORC_CROSS_TRIPLE aarch64-linux-gnu)
set(XNORC_CROSS_SYSROOT /usr/${XNORC_CROSS_TRIPLE} CACHE PATH "target libraries (qemu -L)")
set(CMAKE_C_COMPILER ${XNORC_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${XNORC_CROSS_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH ${XNORC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;${XNORC_CROSS_SYSROOT})
