/* Calls small_run (Inputs/small.onnxtext, --name=small) with each argument the generated
 * API rejects, then with good ones, printing the status of each call. */
#include "small.h"

#include <stdint.h>
#include <stdio.h>

int main(void) {
  static float in[SMALL_INPUT0_SIZE], out[SMALL_OUTPUT0_SIZE];
  static unsigned char store[SMALL_ARENA_BYTES + 2 * SMALL_ARENA_ALIGN];
  unsigned char *arena = store + (SMALL_ARENA_ALIGN - (uintptr_t)store % SMALL_ARENA_ALIGN);
  const float *ins[1] = {in};
  float *outs[1] = {out};
  int i;
  for (i = 0; i < SMALL_INPUT0_SIZE; ++i)
    in[i] = (float)i - 2.5f;
  printf("arena bytes > 0: %d\n", SMALL_ARENA_BYTES > 0);
  printf("null inputs: %d\n", small_run(NULL, outs, arena));
  printf("null outputs: %d\n", small_run(ins, NULL, arena));
  printf("null arena: %d\n", small_run(ins, outs, NULL));
  printf("misaligned arena: %d\n", small_run(ins, outs, arena + 1));
  printf("output untouched: %d\n", out[0] == 0.0f);
  printf("ok: %d\n", small_run(ins, outs, arena));
  printf("output written: %d\n", out[0] != 0.0f);
  return 0;
}
