// A seeded random mutator driving the model-loader fuzz target (model_loader_fuzz.cpp) where libFuzzer is not
// available: natively, under ASan+UBSan and as WebAssembly in Node (32-bit size_t: where sizes wrap). It mutates the
// seed files (model_seeds.hpp) with the edits that matter for this format: bit flips, interesting bytes,
// interesting 32-bit values at field offsets (sizes such as 65536 or 2^31, counts), special floats (NaN, Infinity,
// subnormals, FLT_MAX), truncation, insertion and deletion, starting from the seed files and the findings so far
// (model_seeds.hpp). Deterministic for a given seed.
//
//   quantlab_fuzz_mutator [iterations = 4000] [seed = 1]
//
// On a finding (anything but a quantlab::Error escaping, or a failed invariant) it prints the input in hex.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iterator>
#include <random>
#include <vector>

#include "model_seeds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
namespace quantlab::fuzz {
std::size_t models_loaded();
}

namespace {

using Bytes = std::vector<std::uint8_t>;

const std::uint32_t kInterestingU32[] = {0,          1,          2,          3,          4,          7,
                                         8,          9,          16,         64,         65,         255,
                                         256,        4096,       16384,      32768,      65535,      65536,
                                         65537,      0x7fffffff, 0x80000000, 0xffffffff, 0x40000000, 0x00010001};
const std::uint32_t kInterestingF32[] = {0x7fc00000 /* NaN */, 0x7f800000 /* Inf */, 0xff800000 /* -Inf */,
                                         0x00000001 /* smallest subnormal */, 0x00400000 /* subnormal */,
                                         0x00800000 /* FLT_MIN */, 0x7f7fffff /* FLT_MAX */, 0x80000000 /* -0 */,
                                         0xff7fffff /* -FLT_MAX */, 0x7e967699 /* 1e38 */};

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void mutate(Bytes& b, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::size_t words = b.size() / 4;
  switch (pick(8)) {
    case 0:
      if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
      break;
    case 1: {
      const std::uint8_t bytes[] = {0, 1, 0x7f, 0x80, 0xff};
      if (!b.empty()) b[pick(b.size())] = bytes[pick(5)];
      break;
    }
    case 2:  // a header field: sizes, types, counts (the first 64 words hold every layer header of small seeds)
    case 3:
      if (words > 0) put_u32(b, 4 * pick(words < 64 ? words : 64), kInterestingU32[pick(std::size(kInterestingU32))]);
      break;
    case 4:
      if (words > 0) put_u32(b, 4 * pick(words), kInterestingF32[pick(std::size(kInterestingF32))]);
      break;
    case 5:
      if (!b.empty()) b.resize(pick(b.size()));
      break;
    case 6: {
      const std::size_t at = b.empty() ? 0 : pick(b.size());
      const std::size_t n = 1 + pick(16);
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), n, static_cast<std::uint8_t>(rng()));
      break;
    }
    default: {
      if (b.empty()) break;
      const std::size_t at = pick(b.size());
      const std::size_t n = std::min<std::size_t>(1 + pick(16), b.size() - at);
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
      break;
    }
  }
}

void print_hex(const Bytes& b) {
  std::fprintf(stderr, "input (%zu bytes):", b.size());
  for (std::size_t i = 0; i < b.size() && i < 4096; ++i) std::fprintf(stderr, "%s%02x", i % 32 ? "" : "\n", b[i]);
  std::fprintf(stderr, "\n");
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned long long iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4000;
  const unsigned long long seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  std::vector<Bytes> seeds = quantlab::fuzz::model_seeds();
  for (Bytes& s : quantlab::fuzz::crafted_seeds()) seeds.push_back(std::move(s));
  std::mt19937_64 rng(seed);
  for (const Bytes& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());
  for (unsigned long long i = 0; i < iterations; ++i) {
    Bytes input = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) mutate(input, rng);
    try {
      LLVMFuzzerTestOneInput(input.data(), input.size());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "model loader fuzz: iteration %llu (seed %llu) threw %s\n", i, seed, e.what());
      print_hex(input);
      return 1;
    }
  }
  std::printf("model loader fuzz: %llu mutated inputs (seed %llu), %zu loads of valid models, no finding\n", iterations,
              seed, quantlab::fuzz::models_loaded());
  return 0;
}
