#pragma once
// A loopback server that misbehaves on purpose: once a request's first bytes arrive it
// writes a fixed script of raw bytes (trickled, endless, then reset, ...) whatever the
// request said, and drains whatever the client sends meanwhile.
#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "loopback_listener.hpp"

namespace courier::net::testing {

// What a hostile server writes on every connection: after `delay`, `head`, then `unit`
// `repeats` times (-1: until the client goes away), `every` apart, then `end`.
struct hostile_script {
  enum class ending { hold, close, reset };
  std::chrono::milliseconds delay{0};
  std::string head;
  std::string unit;
  int repeats = 0;
  std::chrono::milliseconds every{0};
  ending end = ending::hold;
};

// Owns a loopback_listener whose thread runs every session. With `tls` set it is a TLS server that
// runs the script after the handshake (a client speaking plain HTTP to it fails the handshake).
// Counters are atomics so the test thread reads them while sessions run.
class hostile_server {
public:
  explicit hostile_server(hostile_script script, boost::asio::ssl::context* tls = nullptr);

  hostile_server(const hostile_server&) = delete;
  hostile_server& operator=(const hostile_server&) = delete;

  unsigned short port() const { return listener_.port(); }

  // Shared with the sessions, which live in their own pending handlers.
  struct state {
    hostile_script script;
    boost::asio::ssl::context* tls = nullptr;
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> ended{0};           // sessions whose connection is gone
    std::atomic<std::uint64_t> bytes_written{0}; // what the client's kernel accepted
    std::atomic<std::uint64_t> bytes_received{0};
  };

  std::size_t connections() const { return state_->connections.load(); }
  std::size_t ended() const { return state_->ended.load(); }
  std::uint64_t bytes_written() const { return state_->bytes_written.load(); }

private:
  std::shared_ptr<state> state_;
  loopback_listener listener_; // after state_: its thread uses it
};

} // namespace courier::net::testing
