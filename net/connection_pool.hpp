#pragma once
// Keep-alive reuse: idle connections per origin (scheme://host:port).
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/http_connection.hpp"

namespace courier::net {

// Owns idle connections, at most max_idle_per_origin per origin. Thread-safe: every
// I/O thread parks and takes connections; stop() closes them from the caller's.
class connection_pool {
public:
  // Connections idle longer than this are dropped instead of reused: many servers
  // time idle keep-alive connections out after 5–60 s, and reusing one they are
  // about to close costs a retry.
  static constexpr std::chrono::seconds max_idle_age{30};

  explicit connection_pool(std::size_t max_idle_per_origin);

  // The most recently parked connection of `origin` that still looks alive, or null.
  std::shared_ptr<http_connection> take(const std::string& origin);

  // Parks a connection whose last response completed cleanly; closes it when the
  // origin already has enough idle ones or the pool is closed.
  void park(const std::string& origin, std::shared_ptr<http_connection> conn);

  // Closes every idle connection and makes later park() calls close theirs.
  void close_all();

private:
  // Removes connections idle past max_idle_age from every origin (origins that get
  // no more traffic would otherwise hold their sockets forever).
  void sweep_locked(std::chrono::steady_clock::time_point now,
                    std::vector<std::shared_ptr<http_connection>>& expired);

  std::size_t max_idle_per_origin_;
  std::mutex mutex_;
  bool closed_ = false;
  std::chrono::steady_clock::time_point last_sweep_;
  std::unordered_map<std::string, std::deque<std::shared_ptr<http_connection>>> idle_;
};

} // namespace courier::net
