// One row per hostile subscriber behaviour and the bound the HTTP client must hit on
// it: how the attempt ends (its outcome class), when (at the whole-attempt timeout or
// well before it), how much the server got to write, and that every hostile connection
// is closed, never pooled. A behaviour dropped from this table is no longer covered.
#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "client_test_support.hpp"
#include "hostile_server.hpp"
#include "net/http_sender.hpp"
#include "test_certs.hpp"

namespace courier::net::testing {
namespace {

using namespace std::chrono_literals;
using ending = hostile_script::ending;

constexpr std::size_t max_response_body = 64 * 1024;
// The client reads at most max_response_body plus a header and a read buffer; the
// rest of what the server wrote sits in loopback socket buffers (a few MB at most).
constexpr std::uint64_t max_server_bytes = 32ull << 20;

struct hostile_row {
  const char* name = "";
  hostile_script script;
  bool tls_server = false; // the subscriber speaks TLS
  bool https_url = false;  // the client speaks TLS
  std::chrono::milliseconds timeout{3000};
  std::set<http_failure> outcomes;      // any of these; none means a response
  int status = 0;                       // the status when the outcome is a response
  bool at_timeout = false;              // ends at the whole-attempt timeout, not before
  bool retry_on_new_connection = false; // a second attempt must not reuse the connection
};

hostile_row named(const char* name) {
  hostile_row row;
  row.name = name;
  return row;
}

void PrintTo(const hostile_row& row, std::ostream* os) {
  *os << row.name;
}

std::string repeated(char c, std::size_t n) {
  return std::string(n, c);
}

std::vector<hostile_row> rows() {
  std::vector<hostile_row> out;
  {
    auto r = named("never_answers");
    r.timeout = 1000ms;
    r.outcomes = {http_failure::timeout};
    r.at_timeout = true;
    out.push_back(r);
  }
  {
    // 1 byte per 100 ms: every read makes progress, so only a whole-attempt deadline
    // (not a per-read one) ends it; the header never reaches Beast's 8 KB header limit.
    auto r = named("headers_at_ten_bytes_per_second");
    r.script.head = "HTTP/1.1 200 OK\r\nX-Slow: ";
    r.script.unit = "a";
    r.script.repeats = -1;
    r.script.every = 100ms;
    r.timeout = 1000ms;
    r.outcomes = {http_failure::timeout};
    r.at_timeout = true;
    out.push_back(r);
  }
  {
    auto r = named("endless_header_line");
    r.script.head = "HTTP/1.1 200 OK\r\nX-Big: ";
    r.script.unit = repeated('a', 16384);
    r.script.repeats = -1;
    r.outcomes = {http_failure::protocol}; // header limit
    out.push_back(r);
  }
  {
    // A 2xx is a 2xx however long the body: the attempt succeeds once max_response_body
    // bytes were read and the connection is dropped with the rest of the body.
    auto r = named("endless_body");
    r.script.head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    r.script.unit = "4000\r\n" + repeated('b', 0x4000) + "\r\n";
    r.script.repeats = -1;
    r.outcomes = {http_failure::none};
    r.status = 200;
    out.push_back(r);
  }
  {
    auto r = named("endless_body_of_an_error");
    r.script.head = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 99999999999\r\n\r\n";
    r.script.unit = repeated('e', 0x4000);
    r.script.repeats = -1;
    r.outcomes = {http_failure::none};
    r.status = 503;
    out.push_back(r);
  }
  {
    // A chunk-size line that never ends is not body: no body limit sees it, only a
    // bounded read buffer does. Paced (64 KB/ms) so that an unbounded client grows
    // by ~100 MB per second instead of exhausting the machine's memory.
    auto r = named("endless_chunk_extension");
    r.script.head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;x=";
    r.script.unit = repeated('x', 65536);
    r.script.repeats = -1;
    r.script.every = 1ms;
    r.outcomes = {http_failure::protocol};
    out.push_back(r);
  }
  {
    auto r = named("endless_trailer"); // the same, after the last chunk
    r.script.head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: ";
    r.script.unit = repeated('t', 65536);
    r.script.repeats = -1;
    r.script.every = 1ms;
    r.outcomes = {http_failure::protocol};
    out.push_back(r);
  }
  {
    auto r = named("endless_interim_responses");
    r.script.unit = "HTTP/1.1 100 Continue\r\n\r\n";
    r.script.repeats = -1;
    r.outcomes = {http_failure::protocol};
    out.push_back(r);
  }
  {
    auto r = named("reset_mid_body");
    r.script.head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + repeated('r', 1000);
    r.script.end = ending::reset;
    r.outcomes = {http_failure::protocol};
    out.push_back(r);
  }
  {
    // The subscriber expects a ClientHello and gets "POST / HTTP/1.1": its handshake
    // fails at once; the client sees a TLS alert or the closed connection.
    auto r = named("tls_on_an_http_url");
    r.tls_server = true;
    r.outcomes = {http_failure::connect, http_failure::protocol};
    out.push_back(r);
  }
  {
    auto r = named("plain_http_on_an_https_url");
    r.script.head = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    r.script.end = ending::close;
    r.https_url = true;
    r.outcomes = {http_failure::tls};
    out.push_back(r);
  }
  {
    // The 200 arrives after the client gave up: the attempt is a timeout (a failure to
    // retry), and the late answer must not be read as the next request's response.
    auto r = named("success_after_the_timeout");
    r.script.delay = 800ms;
    r.script.head = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    r.timeout = 500ms;
    r.outcomes = {http_failure::timeout};
    r.at_timeout = true;
    r.retry_on_new_connection = true;
    out.push_back(r);
  }
  return out;
}

// A TLS server context with a throwaway certificate for "localhost".
std::unique_ptr<boost::asio::ssl::context> server_tls() {
  auto pki = make_test_pki({"localhost"});
  auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  ctx->use_certificate_chain(
      boost::asio::buffer(pki.server_cert_pem.data(), pki.server_cert_pem.size()));
  ctx->use_private_key(boost::asio::buffer(pki.server_key_pem.data(), pki.server_key_pem.size()),
                       boost::asio::ssl::context::pem);
  return ctx;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class hostile_subscriber : public ::testing::TestWithParam<hostile_row> {};

TEST_P(hostile_subscriber, hits_its_bound) {
  const auto& row = GetParam();
  auto tls = row.tls_server ? server_tls() : nullptr;
  hostile_server server(row.script, tls.get());
  auto opts = loopback_options();
  opts.max_response_body = max_response_body;
  auto client = make_http_client(opts);
  auto url = std::string(row.https_url ? "https" : "http") +
             "://127.0.0.1:" + std::to_string(server.port()) + "/hook";
  auto attempt = [&] {
    auto req = post_to(url);
    req.timeout = row.timeout;
    return send_and_wait(*client, std::move(req));
  };

  auto started = std::chrono::steady_clock::now();
  auto result = attempt();
  auto elapsed = std::chrono::steady_clock::now() - started;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();

  EXPECT_EQ(row.outcomes.count(result.failure), 1u)
      << "outcome " << to_string(result.failure) << " (" << result.error << ") after " << ms
      << " ms";
  if (result.failure == http_failure::none) {
    EXPECT_EQ(result.status, row.status);
    EXPECT_LE(result.body_excerpt.size(), 512u);
  }
  if (row.at_timeout) {
    EXPECT_GE(elapsed, row.timeout - 5ms);
    EXPECT_LT(elapsed, row.timeout + 3s) << "the deadline fired late";
  } else {
    EXPECT_LT(elapsed, row.timeout) << "ran into the timeout instead of its own bound";
  }
  // The client let go of the hostile connection (closed, not parked in the pool).
  EXPECT_TRUE(eventually([&] { return server.ended() == server.connections(); }, 10s))
      << server.ended() << " of " << server.connections() << " connections closed";
  EXPECT_LE(server.bytes_written(), max_server_bytes) << "the client kept reading";

  if (row.retry_on_new_connection) {
    attempt();
    EXPECT_EQ(server.connections(), 2u) << "the timed-out connection was reused";
  }
}

INSTANTIATE_TEST_SUITE_P(table, hostile_subscriber, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<hostile_row>& info) {
                           return std::string(info.param.name);
                         });

} // namespace
} // namespace courier::net::testing
