#pragma once
// subscriber owns a real HTTP(S) webhook receiver on 127.0.0.1 or another local address
// (subscriber_options::listen_address; Boost.Beast, its own
// io_context on `threads` threads, keep-alive, thousands of connections) and the
// record of every request. All methods are thread-safe; stop() or the destructor ends it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace courier::test {

class test_ca;

namespace detail {
struct subscriber_state;
struct subscriber_server;
} // namespace detail

// One request as received. status_sent is what the subscriber answered: an HTTP
// status, status_hang (no answer), status_reset (connection reset) or status_peer_gone
// (a 2xx not sent because the client had already closed, e.g. after a delay_ms longer
// than its timeout).
struct delivery {
  static constexpr int status_hang = 0;
  static constexpr int status_reset = -1;
  static constexpr int status_peer_gone = -2;

  std::string path;       // request target without the query string
  std::int64_t seq = -1;  // courier-seq, -1 when missing or not a number
  int attempt = -1;       // courier-attempt, -1 when missing or not a number
  std::string webhook_id; // webhook-id
  std::string timestamp;  // webhook-timestamp
  std::string signature;  // webhook-signature
  std::string body;       // empty when subscriber_options::keep_bodies is false
  std::string content_type;
  std::string user_agent;
  std::string traceparent;                          // empty when absent
  std::map<std::string, std::string> extra_headers; // x-* and authorization, names lowercased
  std::chrono::steady_clock::time_point at;         // arrival of the complete request
  int status_sent = 200;
  unsigned short peer_port = 0; // the sender's local port: which process sent it (see socket_owner)
  std::string peer_address;     // the sender's IP: which host or network namespace sent it
};

// How a path answers. fixed_status, hang and fail_ratio are checked in that order.
struct behaviour {
  double fail_ratio = 0;  // share of requests failed, each at random as 500, a hang of
                          // hang_ms then close, or a connection reset (SO_LINGER 0)
  int fixed_status = 0;   // 0: normal 200; otherwise always this status (410, 503, ...)
  bool hang = false;      // never answer; hold the connection until the peer or stop() closes it
  int delay_ms = 0;       // wait before answering (2xx and fixed_status answers)
  int hang_ms = 3000;     // the fail_ratio hang: longer than the sender's http_timeout_ms
  int retry_after_s = -1; // >= 0: a Retry-After header on every non-2xx answer
  std::string retry_after_text; // non-empty: this Retry-After value verbatim on every
                                // non-2xx answer (an HTTP-date, garbage); wins over retry_after_s
  std::string failure_body = "failure\n"; // the body of every non-2xx answer (any bytes)
};

// Seq `seq` was answered 2xx for the first time while `missing` (the lowest seq not yet
// answered 2xx nor marked skipped) had never been: a per-hook order breach.
struct order_violation {
  std::string path;
  std::int64_t seq = 0;
  std::int64_t missing = 0;
};

struct subscriber_options {
  const test_ca* tls = nullptr; // HTTPS with this CA's server certificate when set
  int threads = 2;
  bool keep_bodies = true; // false saves memory in long benchmarks
  unsigned seed = 0;       // for fail_ratio draws; 0 picks a random seed
  // An IPv4 address of this host to listen on (plain HTTP URLs name it; HTTPS ones name
  // localhost), e.g. the host side of a test_network.
  std::string listen_address = "127.0.0.1";
};

class subscriber {
public:
  subscriber();
  explicit subscriber(const test_ca& ca); // HTTPS
  explicit subscriber(const subscriber_options& options);
  ~subscriber();
  subscriber(const subscriber&) = delete;
  subscriber& operator=(const subscriber&) = delete;

  std::string base_url() const; // http://<listen_address>:PORT or https://localhost:PORT
  std::string url_for(const std::string& name) const; // base_url() + "/h/" + name
  int port() const;

  // Every path_or_name argument is a path ("/h/a") or a hook name ("a" = "/h/a").
  void set_behaviour(const std::string& path_or_name, const behaviour& b);
  void clear_behaviour(const std::string& path_or_name); // back to the default
  void set_default_behaviour(const behaviour& b);

  std::vector<delivery> received(const std::string& path_or_name) const; // arrival order
  std::vector<delivery> received_all() const;                            // arrival order
  std::size_t count() const;                                             // requests on every path
  std::size_t count(const std::string& path_or_name) const;
  std::size_t failures_sent() const; // answers that were not 2xx, hangs, resets, peer gone
  std::size_t failures_sent(const std::string& path_or_name) const;

  // Success bookkeeping counts a 2xx when it is about to be written to a connection the
  // client still holds open, i.e. before the client can see it (no false order alarms).
  std::size_t distinct_seqs(const std::string& path_or_name) const;
  std::size_t duplicates(const std::string& path_or_name) const;      // 2xx for an already-2xx seq
  std::int64_t contiguous_seq(const std::string& path_or_name) const; // max N: 1..N all 2xx
  void mark_skipped(const std::string& path_or_name, std::int64_t seq); // e.g. dead-lettered
  std::vector<order_violation> order_violations() const;

  // Re-evaluates pred (outside any subscriber lock) on every request and at least every
  // 100 ms; true as soon as it holds, false on timeout.
  bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
  // wait_for(contiguous_seq(path_or_name) >= seq).
  bool wait_for_seq(const std::string& path_or_name, std::int64_t seq,
                    std::chrono::milliseconds timeout);

  std::size_t open_connections() const;
  std::size_t accepted_connections() const;

  void stop(); // closes the listeners and every connection; idempotent

private:
  std::shared_ptr<detail::subscriber_state> state_;
  std::unique_ptr<detail::subscriber_server> server_;
  bool tls_ = false;
  std::string address_;
};

// Independent Standard Webhooks check (see signature.hpp): true when any v1 entry of
// d.signature matches HMAC-SHA256(secret key, webhook_id.timestamp.body).
bool verify_signature(const delivery& d, const std::string& whsec_secret);

} // namespace courier::test
