#pragma once
// A scriptable loopback HTTP(S)/1.1 server for the client tests.
#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "loopback_listener.hpp"

namespace courier::net::testing {

// What the server does with one request.
struct server_reply {
  enum class kind {
    respond,        // send the response below
    never_answer,   // keep the connection open and silent
    reset,          // close with RST right away
    raw_then_close, // write `raw` verbatim, then close
  };
  kind action = kind::respond;
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool chunked = false;
  bool close = false; // answer with "Connection: close" and close
  std::chrono::milliseconds delay{0};
  std::string raw;
};

using server_request = boost::beast::http::request<boost::beast::http::string_body>;

// Where a request arrived: which accepted connection (1-based) and its position on it.
struct request_context {
  std::size_t connection = 0;
  std::size_t index_on_connection = 0;
};

// Owns a listener on 127.0.0.1:<ephemeral>, its io_context and the one thread that
// runs every session; the handler is called on that thread. Counters are atomics
// so tests read them from their own thread.
class test_server {
public:
  using handler = std::function<server_reply(const server_request&, const request_context&)>;

  // `tls` (optional) makes it an HTTPS server; it must outlive the server.
  explicit test_server(handler h, boost::asio::ssl::context* tls = nullptr);
  ~test_server();

  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  unsigned short port() const { return listener_.port(); }
  std::string url(const std::string& host = "127.0.0.1", const std::string& path = "/") const;

  std::size_t connections() const { return state_->connections.load(); }
  std::size_t requests() const { return state_->requests.load(); }
  std::size_t max_concurrent() const { return state_->max_concurrent.load(); }
  server_request last_request() const;

  // Shared with the sessions, which may outlive a handler call but not the server.
  struct state {
    handler on_request;
    boost::asio::ssl::context* tls = nullptr;
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> requests{0};
    std::atomic<std::size_t> concurrent{0};
    std::atomic<std::size_t> max_concurrent{0};
    mutable std::mutex mutex;
    server_request last;
    std::vector<std::shared_ptr<void>> parked; // silent sessions kept open
  };

private:
  std::shared_ptr<state> state_;
  loopback_listener listener_; // after state_: its thread uses it
};

} // namespace courier::net::testing
