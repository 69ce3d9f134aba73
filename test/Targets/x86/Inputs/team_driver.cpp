// Drives a --threads model the ways an application does, against the same model compiled
// single-threaded (`one`): many calls in a row (the workers stay up between calls), calls
// after the workers have gone to sleep, and calls from several application threads at once
// (one call gets the workers, the others run on their own thread). Every output must equal
// the single-threaded one bit for bit. Exit status: the number of differing calls (0: all
// equal), 100 on a failed call.
#include "one.h"
#include "team.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

struct Buffers {
  std::vector<std::vector<float>> in, out;
  void *arena = nullptr;
  explicit Buffers(const xnorc_model_info &m, size_t arena_bytes) {
    for (int i = 0; i < m.num_inputs; ++i)
      in.emplace_back(static_cast<size_t>(m.inputs[i].size));
    for (int i = 0; i < m.num_outputs; ++i)
      out.emplace_back(static_cast<size_t>(m.outputs[i].size));
    arena = std::aligned_alloc(64, (arena_bytes + 63) / 64 * 64 + 64);
  }
  ~Buffers() { std::free(arena); }
  void fill(uint32_t seed) {
    for (auto &v : in)
      for (float &x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = static_cast<float>(static_cast<int32_t>(seed >> 8) % 2001 - 1000) / 500.0f;
      }
  }
  std::vector<const float *> ins() const {
    std::vector<const float *> p;
    for (auto &v : in)
      p.push_back(v.data());
    return p;
  }
  std::vector<float *> outs() {
    std::vector<float *> p;
    for (auto &v : out)
      p.push_back(v.data());
    return p;
  }
};

std::atomic<int> failed_calls{0};

// One call of each model on the same inputs; true if every output is identical.
bool same(uint32_t seed) {
  Buffers a(one_info, ONE_ARENA_BYTES), b(team_info, TEAM_ARENA_BYTES);
  a.fill(seed);
  b.fill(seed);
  auto ai = a.ins(), bi = b.ins();
  auto ao = a.outs(), bo = b.outs();
  if (one_run(ai.data(), ao.data(), a.arena) != ONE_OK ||
      team_run(bi.data(), bo.data(), b.arena) != TEAM_OK) {
    failed_calls.fetch_add(1);
    return false;
  }
  for (size_t i = 0; i < a.out.size(); ++i)
    if (std::memcmp(a.out[i].data(), b.out[i].data(), a.out[i].size() * sizeof(float)) != 0)
      return false;
  return true;
}

} // namespace

int main() {
  int differ = 0;
  int sequential = 0;
  for (uint32_t s = 0; s < 30; ++s)
    sequential += same(s);
  differ += 30 - sequential;

  int after_sleep = 0; // the workers spin ~1 ms after a call, then sleep
  for (uint32_t s = 100; s < 103; ++s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after_sleep += same(s);
  }
  differ += 3 - after_sleep;

  std::atomic<int> concurrent{0};
  std::vector<std::thread> callers;
  for (uint32_t t = 0; t < 4; ++t)
    callers.emplace_back([t, &concurrent] {
      for (uint32_t s = 0; s < 25; ++s)
        concurrent.fetch_add(same(1000 * (t + 1) + s));
    });
  for (auto &c : callers)
    c.join();
  differ += 100 - concurrent.load();

  std::printf("identical: %d/30 in a row, %d/3 after sleeping, %d/100 from 4 threads at once\n",
              sequential, after_sleep, concurrent.load());
  return failed_calls.load() ? 100 : differ;
}
