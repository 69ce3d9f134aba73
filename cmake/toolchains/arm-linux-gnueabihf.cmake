# Cross-compiling for 32-bit ARMv7 Linux, hard-float ABI, with NEON enabled
# (-mfpu=neon -mfloat-abi=hard: Debian's armhf default is VFPv3-D16 without NEON), with
# Debian's g++-arm-linux-gnueabihf. Programs run on an x86 host under qemu-user (package
# qemu-user; binfmt need not be active): CMAKE_CROSSCOMPILING_EMULATOR makes ctest go
# through qemu-arm.
#
#   cmake -S . -B build-a32 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7-a)

set(XNORC_CROSS_TRIPLE arm-linux-gnueabihf)
set(XNORC_CROSS_SYSROOT /usr/${XNORC_CROSS_TRIPLE} CACHE PATH "target libraries (qemu -L)")
set(CMAKE_C_COMPILER ${XNORC_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${XNORC_CROSS_TRIPLE}-g++)
set(CMAKE_C_FLAGS_INIT "-mfpu=neon -mfloat-abi=hard")
# -Wno-psabi: g++ notes an ABI change of GCC 7.1 for std::vector<double> iterators.
set(CMAKE_CXX_FLAGS_INIT "-mfpu=neon -mfloat-abi=hard -Wno-psabi")

set(CMAKE_FIND_ROOT_PATH ${XNORC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm;-L;${XNORC_CROSS_SYSROOT})
