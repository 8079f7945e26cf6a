#pragma once
// Contract of the outbound HTTP(S) client used by delivery actors. No Beast or
// OpenSSL here: the implementation (net/http_client_impl.*) runs its own Asio
// event loop thread(s) and calls `done` on that thread; callers turn the result
// into an actor message.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace courier::net {

struct http_request {
  std::string url; // absolute http:// or https:// URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Whole attempt: resolve+connect+tls+write+read. It starts when the request gets an
  // in-flight slot; time spent waiting for one is not time spent on the subscriber.
  std::chrono::milliseconds timeout{15000};
  // Checked on the I/O thread right before the request bytes are written, and while the
  // request waits for a slot; when it returns false the request is not sent and fails
  // with http_failure::fenced. Must be cheap and must not call into the sender.
  std::function<bool()> may_send;
  // Whose request this is (opaque, e.g. a hook id): flows take turns for the in-flight
  // slots, requests of one flow start in send() order, and a flow whose last attempt
  // timed out is confined to a small share of the slots. Empty: the URL's origin.
  std::string flow;
};

enum class http_failure {
  none,           // a response arrived (any status)
  bad_url,        // unparsable or unsupported URL
  refused_target, // resolved to a private/loopback/link-local/metadata address
  resolve,        // DNS failure
  connect,        // TCP connect failed or reset
  tls,            // handshake or certificate/host-name verification failed
  timeout,        // http_request::timeout elapsed
  protocol,       // malformed response, reset mid-response
  fenced,         // may_send() said no
  shutdown,       // client stopping
  no_slot,        // waited max_queue_wait for an in-flight slot; nothing was sent
};

const char* to_string(http_failure f);

struct http_result {
  int status = 0; // valid when failure == none
  http_failure failure = http_failure::none;
  std::string error;                      // human-readable detail for logs/last_error
  std::optional<std::string> retry_after; // raw Retry-After header, if any
  std::string body_excerpt;               // first bytes of the body (capped)
};

struct http_client_options {
  std::size_t max_in_flight = 256;            // requests beyond this wait (net/slot_scheduler.hpp)
  std::size_t max_in_flight_per_origin = 256; // slots one scheme://host:port may hold
  // A request still waiting for a slot after this fails with no_slot. Its signature's
  // timestamp was taken when it was built, and receivers refuse stale ones (Standard
  // Webhooks suggests 5 min): the wait plus the attempt's timeout must stay below that.
  std::chrono::milliseconds max_queue_wait{120000};
  bool allow_private_targets = false;    // false: refuse private/loopback/... addresses
  std::string ca_file;                   // extra trusted CAs (PEM) besides the system store
  std::size_t max_response_body = 65536; // bytes read from a response body; rest discarded
  std::size_t max_idle_per_origin = 8;   // keep-alive connections kept per scheme://host:port
  std::string user_agent = "courier";    // sent as user-agent unless the request sets one
  int io_threads = 1;
};

// Sends requests asynchronously. Thread-safe: send() may be called from any thread.
class http_sender {
public:
  virtual ~http_sender() = default;
  virtual void send(http_request req, std::function<void(http_result)> done) = 0;
  // Stops accepting work, fails queued requests with http_failure::shutdown,
  // cancels in-flight ones and joins the I/O threads.
  virtual void stop() = 0;
};

std::unique_ptr<http_sender> make_http_client(const http_client_options& opts);

} // namespace courier::net
