// Fuzz target of the model loader (Mlp::deserialize, docs/model-format.md), for libFuzzer (build-scripts/fuzz.sh,
// clang with -fsanitize=fuzzer,address,undefined) and for the seeded mutator (mutator_main.cpp, every ctest build,
// WebAssembly's 32-bit size_t included).
//
// Each input is loaded twice: as it is, and with its last 4 bytes replaced by the right CRC-32, so that mutations
// reach the checks behind the checksum. A bad file must throw quantlab::Error and nothing else (std::bad_alloc,
// std::length_error or a crash is a finding). A file that loads must then behave: forward passes with every
// kernel set (a row of a batch equal to the same example alone; int8 bit-identical across kernel sets), save and
// load again to the same bytes, and for fp32, dynamic quantization. Overflow and tiny-scale errors are fine.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "quantlab/errors.hpp"
#include "quantlab/kernels.hpp"
#include "quantlab/model.hpp"

namespace {

// Counts for the mutator's summary line.
std::size_t g_models_loaded = 0;

// A broken invariant: thrown as a non-quantlab exception, so that libFuzzer reports a crash (uncaught) and the
// mutator prints the input.
[[noreturn]] void fail(const char* what) { throw std::logic_error(std::string("model loader fuzz: ") + what); }

// Forward of `batch` examples; false when the arithmetic overflowed (a quantlab::Error).
bool forward(const quantlab::Mlp& m, const std::vector<float>& x, std::size_t batch, std::vector<float>& y,
             const quantlab::kernels::KernelSet& ks) {
  y.assign(batch * m.output_size(), 0.0f);
  try {
    m.forward(x.data(), batch, y.data(), ks);
    return true;
  } catch (const quantlab::Error&) {
    return false;
  }
}

void exercise(const quantlab::Mlp& m, const std::uint8_t* file, std::size_t size) {
  ++g_models_loaded;
  constexpr std::size_t kBatch = 3;
  std::vector<float> x(kBatch * m.input_size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i))) * 2.0f;
  std::vector<float> reference;
  for (const quantlab::kernels::KernelSet* ks : quantlab::kernels::all_kernel_sets()) {
    std::vector<float> y, y1;
    if (!forward(m, x, kBatch, y, *ks)) continue;
    // A row of a batch equals that example alone, bit for bit (kernels.hpp).
    if (forward(m, x, 1, y1, *ks) && std::memcmp(y1.data(), y.data(), y1.size() * sizeof(float)) != 0) {
      fail("row 0 of a batch differs from the same example alone");
    }
    for (float v : y)
      if (!std::isfinite(v)) fail("forward returned a non-finite value without an error");
    if (m.integer_only()) {
      if (reference.empty()) reference = y;
      else if (std::memcmp(reference.data(), y.data(), y.size() * sizeof(float)) != 0) fail("integer kernel sets disagree");
    }
  }
  const std::vector<std::uint8_t> saved = m.serialize();
  if (saved.size() != size || std::memcmp(saved.data(), file, size) != 0) {
    // The file held a model in a form serialize() does not write (a version-2 file whose layers all fit version 1,
    // a per-channel layer of one output stored as per tensor, ...): what serialize() writes is then the canonical
    // form, which must load back to itself and compute what the file's model computes.
    const quantlab::Mlp again = quantlab::Mlp::deserialize(saved.data(), saved.size());
    if (again.serialize() != saved) fail("serialize()'s bytes do not load back to the same bytes");
    const auto& ks = quantlab::kernels::scalar_kernels();
    std::vector<float> y, y2;
    if (forward(m, x, kBatch, y, ks) && (!forward(again, x, kBatch, y2, ks) || std::memcmp(y.data(), y2.data(), y.size() * sizeof(float)) != 0)) {
      fail("the model serialize() wrote computes something else than the file's");
    }
  }
  if (!m.quantized()) {
    try {
      const quantlab::Mlp q = m.quantize_dynamic(size % 2 == 0);
      const std::vector<std::uint8_t> qbytes = q.serialize();
      const quantlab::Mlp back = quantlab::Mlp::deserialize(qbytes.data(), qbytes.size());
      if (back.serialize() != qbytes) fail("a quantized model does not load back to the same bytes");
    } catch (const quantlab::Error&) {
      // e.g. weights too small for a normal float32 scale
    }
  }
}

void load(const std::uint8_t* data, std::size_t size) {
  try {
    const quantlab::Mlp m = quantlab::Mlp::deserialize(data, size);
    exercise(m, data, size);
  } catch (const quantlab::Error&) {
    // a named rejection: what a bad file must give
  }
}

}  // namespace

namespace quantlab::fuzz {
std::size_t models_loaded() { return g_models_loaded; }
}  // namespace quantlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  load(data, size);
  if (size >= 20) {
    std::vector<std::uint8_t> fixed(data, data + size);
    const std::uint32_t crc = quantlab::model_crc32(fixed.data(), size - 4);
    for (int i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    load(fixed.data(), size);
  }
  return 0;
}
