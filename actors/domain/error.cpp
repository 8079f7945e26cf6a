#include "actors/domain/error.hpp"

namespace courier {

const char* to_string(errc code) {
  switch (code) {
  case errc::retryable:
    return "retryable";
  case errc::permanent:
    return "permanent";
  case errc::fenced:
    return "fenced";
  }
  return "unknown";
}

std::string to_string(const error& e) {
  return std::string{to_string(e.code)} + ": " + e.message;
}

error with_context(const error& e, const std::string& what) {
  return {e.code, what + ": " + e.message};
}

} // namespace courier
