#include "actors/domain/types.hpp"

namespace courier {

const char* to_string(hook_state s) {
  switch (s) {
  case hook_state::active:
    return "active";
  case hook_state::paused:
    return "paused";
  case hook_state::disabled:
    return "disabled";
  }
  return "unknown";
}

std::optional<hook_state> hook_state_from_string(std::string_view text) {
  for (auto s : {hook_state::active, hook_state::paused, hook_state::disabled})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

} // namespace courier
