// Switching between fibers (stacks of the dataflow C simulation's processes, scheduler.h).
//
// POSIX ucontext works where the dataflow mode runs (Linux; not Windows), but swapcontext
// saves and restores the signal mask with a system call on every switch: 2.5 µs per switch
// measured on this project's machines, where system calls are slow, against the few
// nanoseconds the switch itself needs. On x86-64 (System V ABI, so not Windows) with GCC or
// clang the switch is therefore six pushes, a stack-pointer exchange and six pops (the
// callee-saved registers; the x87 and SSE control words are left alone: the simulation never
// changes them). Under AddressSanitizer or ThreadSanitizer (they follow stack switches through
// their swapcontext interceptors), with CET shadow stacks, on other targets, or with
// -DXNORC_HLS_FIBER_UCONTEXT, ucontext is used.
#ifndef XNORC_RUNTIME_HLS_FIBER_H
#define XNORC_RUNTIME_HLS_FIBER_H

#include "mode.h"

#if XNORC_HLS_THREADED
#include <cstddef>
#include <cstdint>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define XNORC_HLS_FIBER_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define XNORC_HLS_FIBER_SANITIZED 1
#endif
// A shadow stack (CET, -fcf-protection) would reject the `ret` into a new fiber.
#if defined(__CET__)
#if __CET__ & 2
#define XNORC_HLS_FIBER_SHADOW_STACK 1
#endif
#endif
#if defined(__x86_64__) && !defined(_WIN32) && (defined(__GNUC__) || defined(__clang__)) &&        \
    !defined(XNORC_HLS_FIBER_SANITIZED) && !defined(XNORC_HLS_FIBER_SHADOW_STACK) &&               \
    !defined(XNORC_HLS_FIBER_UCONTEXT)
#define XNORC_HLS_FIBER_ASM 1
#else
#define XNORC_HLS_FIBER_ASM 0
#include <ucontext.h>
#endif

namespace xnorc_hls {
namespace detail {

#if XNORC_HLS_FIBER_ASM
struct FiberContext {
  void *Sp = nullptr; // the stack pointer while switched out
};

// Saves the callee-saved registers on the current stack, stores the stack pointer in *From,
// switches to the stack To and restores what was saved there (rdi = From, rsi = To).
__attribute__((naked, noinline)) inline void fiberSwap(void **, void *) {
  __asm__ volatile("pushq %rbp\n\t"
                   "pushq %rbx\n\t"
                   "pushq %r12\n\t"
                   "pushq %r13\n\t"
                   "pushq %r14\n\t"
                   "pushq %r15\n\t"
                   "movq %rsp, (%rdi)\n\t"
                   "movq %rsi, %rsp\n\t"
                   "popq %r15\n\t"
                   "popq %r14\n\t"
                   "popq %r13\n\t"
                   "popq %r12\n\t"
                   "popq %rbx\n\t"
                   "popq %rbp\n\t"
                   "ret\n\t");
}

// Prepares C to start Entry (which never returns) on the stack [Stack, Stack + Bytes): six
// zero registers and Entry as the return address, placed so that Entry starts with the
// stack aligned as after a call.
inline bool fiberMake(FiberContext &C, char *Stack, size_t Bytes, void (*Entry)()) {
  const uintptr_t Top = (uintptr_t(Stack) + Bytes) & ~uintptr_t(15);
  void **Sp = reinterpret_cast<void **>(Top - 64);
  for (int I = 0; I < 6; ++I)
    Sp[I] = nullptr;
  Sp[6] = reinterpret_cast<void *>(Entry);
  Sp[7] = nullptr; // Entry's own return address: none
  C.Sp = Sp;
  return true;
}

inline void fiberSwitch(FiberContext &From, FiberContext &To) { fiberSwap(&From.Sp, To.Sp); }
#else
struct FiberContext {
  ucontext_t Uc;
};

inline bool fiberMake(FiberContext &C, char *Stack, size_t Bytes, void (*Entry)()) {
  if (getcontext(&C.Uc) != 0)
    return false;
  C.Uc.uc_stack.ss_sp = Stack;
  C.Uc.uc_stack.ss_size = Bytes;
  C.Uc.uc_link = nullptr; // Entry never returns
  makecontext(&C.Uc, Entry, 0);
  return true;
}

inline void fiberSwitch(FiberContext &From, FiberContext &To) { swapcontext(&From.Uc, &To.Uc); }
#endif

} // namespace detail
} // namespace xnorc_hls
#endif // XNORC_HLS_THREADED

#endif
