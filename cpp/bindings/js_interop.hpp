// Shared by the Embind files (cpp/bindings only; the core never sees Emscripten).
//
// Every bound function takes and returns emscripten::val so that typed arrays cross the boundary in one bulk
// copy. A core error is *returned* as a JS Error object (never thrown through WebAssembly frames, which would
// skip C++ destructors and leak the argument handles); web/quantlab/quantlab.js throws it. Numbers that must
// be integers (bits, seed, rows, cols, n) arrive as doubles and are checked by the core, so 4.5 bits is an
// error, not 4.
#pragma once

#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "quantlab/errors.hpp"
#include "quantlab/metrics.hpp"

namespace quantlab::js {

using emscripten::typed_memory_view;
using emscripten::val;

// The most values one argument (or one result) may have: 32 Mi, a batch of 40,000 SimpleNet inputs (31.4 Mi). Two
// float64 arguments that large take 512 MiB of the 2 GiB a 32-bit WebAssembly memory can grow to.
inline constexpr double kMaxElements = 1 << 25;

template <typename F>
val guarded(F&& body) {
  std::string message;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    message = "out of WebAssembly memory: this call needs more memory than the page can have; give smaller inputs";
  } catch (const std::length_error&) {
    message = "an array of this call would not fit in WebAssembly's 32-bit memory; give smaller inputs";
  } catch (const std::exception& e) {
    message = e.what();
  }
  return val::global("Error").new_(message);
}

// Copies a JS array or typed array into a vector with one TypedArray.prototype.set call; `what` names the argument
// in the error when it has more than kMaxElements values (checked before anything is allocated).
template <typename T>
std::vector<T> from_js(const val& array, const char* what = "an array argument") {
  const double length = array["length"].as<double>();
  if (length > kMaxElements) {
    throw quantlab::Error(std::string(what) + " has " + quantlab::format_number(length) + " values: at most " +
                          quantlab::format_number(kMaxElements) + " fit in one call");
  }
  const std::size_t n = quantlab::count_from_number(length, "array length", 0, kMaxElements);
  std::vector<T> out(n);
  if (n > 0) val(typed_memory_view(n, out.data())).call<void>("set", array);
  return out;
}

// A copy (not a view) of `data` as a new JS typed array of the matching type.
template <typename T>
val to_js(const std::vector<T>& data, const char* typed_array_name) {
  return val::global(typed_array_name).new_(typed_memory_view(data.size(), data.data()));
}

template <typename Narrow>
val narrow_to_js(const std::vector<std::int32_t>& q, const char* typed_array_name) {
  const std::vector<Narrow> narrow(q.begin(), q.end());
  return to_js(narrow, typed_array_name);
}

inline val signed_q_to_js(const std::vector<std::int32_t>& q, int bits) {
  return bits <= 8 ? narrow_to_js<std::int8_t>(q, "Int8Array") : narrow_to_js<std::int16_t>(q, "Int16Array");
}

inline val unsigned_q_to_js(const std::vector<std::int32_t>& q, int bits) {
  return bits <= 8 ? narrow_to_js<std::uint8_t>(q, "Uint8Array") : narrow_to_js<std::uint16_t>(q, "Uint16Array");
}

// An error measurement's four numbers as fields of `o` (mse, maxAbs, sqnrDb, signalPower): every binding that
// returns ErrorStats, alone or beside other fields, names them the same way.
inline void set_stats(val& o, const quantlab::ErrorStats& s) {
  o.set("mse", s.mse);
  o.set("maxAbs", s.max_abs);
  o.set("sqnrDb", s.sqnr_db);
  o.set("signalPower", s.signal_power);
}

}  // namespace quantlab::js
