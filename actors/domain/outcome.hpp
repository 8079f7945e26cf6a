#pragma once
// Errors as values: what runtime/ turns libpqxx exceptions into, so actors never see
// a raw pqxx exception. Classified once, at the edge (runtime/pg_pool.cpp).
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace courier {

enum class store_errc {
  retryable, // connection lost, serialization failure, server shutting down: try again
  permanent, // a bug or bad data: retrying the same call will fail the same way
};

struct store_error {
  store_errc code = store_errc::retryable;
  std::string message;
};

template <class T> struct outcome {
  T value{};
  std::optional<store_error> error;
  bool ok() const { return !error; }

  static outcome success(T v) { return outcome{std::move(v), std::nullopt}; }
  static outcome failure(store_error e) { return outcome{T{}, std::move(e)}; }
};

template <class T> using callback = std::function<void(outcome<T>)>;

} // namespace courier
