// Writes the fuzzers' seed files (model_seeds.hpp) into a directory: `quantlab_fuzz_seeds <dir>`, for libFuzzer.
#include <cstdio>
#include <fstream>
#include <string>

#include "model_seeds.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <directory>\n", argv[0]);
    return 2;
  }
  // The crafted findings are larger than fuzz.sh's -max_len (16 KB): libFuzzer would only read their start.
  const auto seeds = quantlab::fuzz::model_seeds();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(std::string(argv[1]) + "/seed-" + std::to_string(i) + ".qlab", std::ios::binary);
    out.write(reinterpret_cast<const char*>(seeds[i].data()), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "cannot write into %s\n", argv[1]);
      return 1;
    }
  }
  std::printf("%zu seed files in %s\n", seeds.size(), argv[1]);
  return 0;
}
