#pragma once
// The one error vocabulary of a node. An error is classified once, where it happens
// (runtime/ turns libpqxx exceptions into it, the webhook module a request it cannot
// build), and callers branch on the class, never on the text: the class decides whether
// an actor retries, fails to its supervisor or drops a partition. Plain data, used on
// any thread.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>

namespace courier {

enum class errc : std::uint8_t {
  retryable = 1, // transient (connection lost, serialization failure, server restarting):
                 // the same call may succeed later; the caller retries after a backoff
  permanent,     // a bug or bad data: the same call fails the same way; the actor fails
                 // so that its supervisor restarts or quarantines it
  fenced,        // a write under a lease epoch that is no longer this node's was refused:
                 // the partition has a new owner and is dropped here
};

const char* to_string(errc code);

struct error {
  errc code = errc::permanent;
  std::string message; // what failed, with its context, for logs and hook_status
};

// "<class>: <message>", for logs.
std::string to_string(const error& e);

// The same error, its message prefixed with what was being done ("fetching events: ...").
error with_context(const error& e, const std::string& what);

// A value or the error that prevented it.
template <class T> class result {
public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  result(courier::error e) : state_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const { return state_.index() == 0; }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  const courier::error& error() const { return std::get<1>(state_); }

private:
  std::variant<T, courier::error> state_;
};

// Success without a value, or the error.
template <> class result<void> {
public:
  result() = default;
  result(courier::error e) : error_(std::move(e)), failed_(true) {}

  bool ok() const { return !failed_; }
  const courier::error& error() const { return error_; }

private:
  courier::error error_;
  bool failed_ = false;
};

template <class T> using callback = std::function<void(result<T>)>;

} // namespace courier
