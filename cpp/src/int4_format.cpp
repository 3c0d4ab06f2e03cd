// The int4 byte format: two's complement nibbles, element 2i low, element 2i+1 high (lowbit.hpp).
#include <string>

#include "quantlab/errors.hpp"
#include "quantlab/lowbit.hpp"

namespace quantlab {

std::vector<std::uint8_t> pack_int4(Span<std::int32_t> q) {
  std::vector<std::uint8_t> out((q.size() + 1) / 2, 0);
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] < -8 || q[i] > 7) {
      throw Error("q[" + std::to_string(i) + "] is " + std::to_string(q[i]) + ": a 4-bit value must lie in [-8, 7]");
    }
    const unsigned nibble = static_cast<unsigned>(q[i]) & 0xFu;  // two's complement: -1 -> 0xF, -8 -> 0x8
    out[i / 2] = static_cast<std::uint8_t>(out[i / 2] | (nibble << (4 * (i % 2))));
  }
  return out;
}

std::vector<std::int32_t> unpack_int4(Span<std::uint8_t> bytes, std::size_t count) {
  if (count > 2 * bytes.size()) {
    throw Error("cannot unpack " + std::to_string(count) + " values from " + std::to_string(bytes.size()) +
                " bytes: a byte holds two 4-bit values");
  }
  std::vector<std::int32_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0xF;
    out[i] = nibble >= 8 ? nibble - 16 : nibble;  // sign bit 3 set: subtract 16
  }
  return out;
}

}  // namespace quantlab
