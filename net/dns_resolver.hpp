#pragma once
// Host-name lookups for the HTTP client on a few private threads. Asio's own async
// resolver runs every getaddrinfo() on one hidden thread, so one slow DNS server
// would stall the lookups of all other hooks; a small pool keeps them independent.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <string>
#include <vector>

namespace courier::net {

// Owns the lookup threads; resolve() may be called from any thread and delivers
// the result on the executor passed in.
class dns_resolver {
public:
  using endpoints = std::vector<boost::asio::ip::tcp::endpoint>;
  using handler = std::function<void(boost::system::error_code, endpoints)>;

  explicit dns_resolver(std::size_t threads);
  ~dns_resolver();

  dns_resolver(const dns_resolver&) = delete;
  dns_resolver& operator=(const dns_resolver&) = delete;

  // Looks up host:port (numeric port) and posts `done` to `ex`. A lookup cannot be
  // cancelled; callers that gave up simply ignore the late result.
  void resolve(std::string host, std::string port, boost::asio::any_io_executor ex, handler done);

  // Waits for lookups already running (their results are still posted). Idempotent.
  void stop();

private:
  boost::asio::thread_pool pool_;
};

} // namespace courier::net
