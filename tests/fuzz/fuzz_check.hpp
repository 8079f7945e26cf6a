#pragma once
// What every fuzz target shares: a property check that crashes (so libFuzzer keeps the
// input) with a readable reason, and the input viewed as text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace courier::fuzz {

// A broken property is a finding like a sanitizer report: print why and abort.
#define COURIER_FUZZ_CHECK(cond)                                                                   \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);             \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace courier::fuzz
