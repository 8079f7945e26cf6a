// Loopback tests of the HTTP client: statuses, failures and admission.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "client_test_support.hpp"
#include "net/http_sender.hpp"
#include "test_http_server.hpp"

namespace courier::net::testing {
namespace {

using namespace std::chrono_literals;
using kind = server_reply::kind;

server_reply status(int code, std::string body = {}) {
  server_reply r;
  r.status = code;
  r.body = std::move(body);
  return r;
}

TEST(http_client, delivers_a_post_and_reports_200) {
  test_server server(
      [](const server_request&, const request_context&) { return status(200, "ok"); });
  auto client = make_http_client(loopback_options());
  auto req = post_to(server.url("127.0.0.1", "/hook?a=1"), R"({"event":"x"})");
  req.headers = {{"webhook-id", "msg_1"}, {"content-type", "application/json"}};
  pending_result pending;
  client->send(std::move(req), pending.callback());
  auto result = pending.get();
  EXPECT_EQ(result.failure, http_failure::none) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body_excerpt, "ok");
  EXPECT_FALSE(result.retry_after);
  EXPECT_NE(pending.thread(), std::this_thread::get_id());

  auto seen = server.last_request();
  EXPECT_EQ(seen.method_string(), "POST");
  EXPECT_EQ(seen.target(), "/hook?a=1");
  EXPECT_EQ(seen.body(), R"({"event":"x"})");
  EXPECT_EQ(seen["host"], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen["content-length"], "13");
  EXPECT_EQ(seen["user-agent"], "courier");
  EXPECT_EQ(seen["webhook-id"], "msg_1");
  EXPECT_EQ(seen["content-type"], "application/json");
  client->stop();
  EXPECT_EQ(pending.calls(), 1);
}

TEST(http_client, caller_user_agent_wins_and_framing_headers_are_ours) {
  test_server server([](const server_request&, const request_context&) { return status(204); });
  auto opts = loopback_options();
  opts.user_agent = "courier/9";
  auto client = make_http_client(opts);
  auto req = post_to(server.url(), "abc");
  req.headers = {{"User-Agent", "custom"}, {"Content-Length", "999"}, {"Host", "evil"}};
  auto result = send_and_wait(*client, std::move(req));
  EXPECT_EQ(result.status, 204) << result.error;
  auto seen = server.last_request();
  EXPECT_EQ(seen["user-agent"], "custom");
  EXPECT_EQ(seen["content-length"], "3");
  EXPECT_EQ(seen["host"], "127.0.0.1:" + std::to_string(server.port()));

  auto plain = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(plain.status, 204);
  EXPECT_EQ(server.last_request()["user-agent"], "courier/9");
}

TEST(http_client, returns_error_statuses_and_does_not_follow_redirects) {
  test_server server([](const server_request& req, const request_context&) {
    if (req.target() == "/500")
      return status(500, "boom");
    if (req.target() == "/410")
      return status(410);
    auto r = status(302);
    r.headers = {{"Location", "/elsewhere"}};
    return r;
  });
  auto client = make_http_client(loopback_options());
  auto r500 = send_and_wait(*client, post_to(server.url("127.0.0.1", "/500")));
  EXPECT_EQ(r500.failure, http_failure::none);
  EXPECT_EQ(r500.status, 500);
  EXPECT_EQ(r500.body_excerpt, "boom");
  EXPECT_EQ(send_and_wait(*client, post_to(server.url("127.0.0.1", "/410"))).status, 410);
  EXPECT_EQ(send_and_wait(*client, post_to(server.url("127.0.0.1", "/redirect"))).status, 302);
  EXPECT_EQ(server.requests(), 3u);
}

TEST(http_client, surfaces_retry_after_verbatim) {
  test_server server([](const server_request&, const request_context&) {
    auto r = status(429);
    r.headers = {{"Retry-After", "Wed, 21 Oct 2037 07:28:00 GMT"}};
    return r;
  });
  auto client = make_http_client(loopback_options());
  auto result = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(result.status, 429);
  ASSERT_TRUE(result.retry_after);
  EXPECT_EQ(*result.retry_after, "Wed, 21 Oct 2037 07:28:00 GMT");
}

TEST(http_client, reset_connection_is_a_connect_failure) {
  test_server server([](const server_request&, const request_context&) {
    server_reply r;
    r.action = kind::reset;
    return r;
  });
  auto client = make_http_client(loopback_options());
  auto result = send_and_wait(*client, post_to(server.url()));
  EXPECT_TRUE(result.failure == http_failure::connect || result.failure == http_failure::protocol)
      << to_string(result.failure) << ": " << result.error;
  EXPECT_EQ(server.connections(), 1u); // a fresh connection is never retried
}

TEST(http_client, refused_connection_is_a_connect_failure) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = probe.local_endpoint().port();
  probe.close();
  auto client = make_http_client(loopback_options());
  auto result = send_and_wait(*client, post_to("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_EQ(result.failure, http_failure::connect) << result.error;
}

TEST(http_client, malformed_response_is_a_protocol_failure) {
  test_server server([](const server_request&, const request_context&) {
    server_reply r;
    r.action = kind::raw_then_close;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort";
    return r;
  });
  auto client = make_http_client(loopback_options());
  auto result = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(result.failure, http_failure::protocol) << result.error;
}

TEST(http_client, skips_interim_responses) {
  test_server server([](const server_request&, const request_context&) {
    server_reply r;
    r.action = kind::raw_then_close;
    r.raw = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
            "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nhi";
    return r;
  });
  auto client = make_http_client(loopback_options());
  auto result = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(result.failure, http_failure::none) << result.error;
  EXPECT_EQ(result.status, 202);
  EXPECT_EQ(result.body_excerpt, "hi");
}

TEST(http_client, reuses_one_keep_alive_connection) {
  test_server server([](const server_request&, const request_context&) { return status(200); });
  auto client = make_http_client(loopback_options());
  for (int i = 0; i < 50; ++i) {
    auto result = send_and_wait(*client, post_to(server.url()));
    ASSERT_EQ(result.status, 200) << i << ": " << result.error;
  }
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.requests(), 50u);
}

TEST(http_client, respects_connection_close_from_the_server) {
  test_server server([](const server_request&, const request_context&) {
    auto r = status(200);
    r.close = true;
    return r;
  });
  auto client = make_http_client(loopback_options());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(send_and_wait(*client, post_to(server.url())).status, 200);
  EXPECT_EQ(server.connections(), 3u);
}

TEST(http_client, retries_once_when_a_pooled_connection_is_stale) {
  // Each connection answers its first request and drops the second one unanswered,
  // as a server does when its idle timeout races our reuse.
  test_server server([](const server_request&, const request_context& ctx) {
    if (ctx.index_on_connection == 1)
      return status(200);
    server_reply r;
    r.action = kind::reset;
    return r;
  });
  auto client = make_http_client(loopback_options());
  EXPECT_EQ(send_and_wait(*client, post_to(server.url())).status, 200);
  auto second = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(second.failure, http_failure::none) << second.error;
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests(), 3u);
}

TEST(http_client, does_not_retry_once_response_bytes_arrived) {
  test_server server([](const server_request&, const request_context& ctx) {
    if (ctx.index_on_connection == 1)
      return status(200);
    server_reply r;
    r.action = kind::raw_then_close;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Le";
    return r;
  });
  auto client = make_http_client(loopback_options());
  EXPECT_EQ(send_and_wait(*client, post_to(server.url())).status, 200);
  auto second = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(second.failure, http_failure::protocol) << second.error;
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.requests(), 2u);
}

TEST(http_client, honours_max_in_flight) {
  test_server server([](const server_request&, const request_context&) {
    auto r = status(200);
    r.delay = 20ms;
    return r;
  });
  auto opts = loopback_options();
  opts.max_in_flight = 4;
  auto client = make_http_client(opts);
  std::vector<pending_result> pending(40);
  for (auto& p : pending)
    client->send(post_to(server.url()), p.callback());
  for (auto& p : pending)
    EXPECT_EQ(p.get().status, 200);
  EXPECT_LE(server.max_concurrent(), 4u);
  EXPECT_GE(server.max_concurrent(), 2u);
  EXPECT_EQ(server.requests(), 40u);
}

TEST(http_client, handles_a_thousand_concurrent_requests) {
  test_server server([](const server_request&, const request_context&) { return status(200); });
  auto opts = loopback_options();
  opts.max_in_flight = 200;
  opts.io_threads = 2;
  auto client = make_http_client(opts);
  std::vector<pending_result> pending(1000);
  for (auto& p : pending)
    client->send(post_to(server.url()), p.callback());
  std::size_t ok = 0;
  for (auto& p : pending)
    ok += p.get().status == 200 ? 1 : 0;
  EXPECT_EQ(ok, pending.size());
  EXPECT_LE(server.max_concurrent(), 200u);
}

TEST(http_client, caps_a_huge_response_body) {
  std::string big(5 * 1024 * 1024, 'x');
  big.replace(0, 5, "start");
  test_server server([&big](const server_request& req, const request_context&) {
    auto r = status(200, big);
    r.chunked = req.target() == "/chunked";
    return r;
  });
  auto client = make_http_client(loopback_options());
  for (const char* path : {"/length", "/chunked"}) {
    auto result = send_and_wait(*client, post_to(server.url("127.0.0.1", path)));
    EXPECT_EQ(result.failure, http_failure::none) << path << ": " << result.error;
    EXPECT_EQ(result.status, 200) << path;
    EXPECT_LE(result.body_excerpt.size(), 512u) << path;
    EXPECT_EQ(result.body_excerpt.substr(0, 5), "start") << path;
  }
  // The truncated connections were closed, not reused mid-body.
  EXPECT_EQ(server.connections(), 2u);
}

TEST(http_client, refuses_private_targets_unless_allowed) {
  test_server server([](const server_request&, const request_context&) { return status(200); });
  http_client_options opts; // allow_private_targets = false
  auto client = make_http_client(opts);
  for (const auto& url : {server.url("127.0.0.1"), server.url("localhost"),
                          std::string("http://[::1]:") + std::to_string(server.port()) + "/"}) {
    auto result = send_and_wait(*client, post_to(url));
    EXPECT_EQ(result.failure, http_failure::refused_target) << url << ": " << result.error;
    EXPECT_NE(result.error.find("private address"), std::string::npos) << result.error;
  }
  EXPECT_EQ(server.connections(), 0u);
}

TEST(http_client, may_send_false_fences_the_request) {
  test_server server([](const server_request&, const request_context&) { return status(200); });
  auto client = make_http_client(loopback_options());
  auto req = post_to(server.url());
  std::thread::id checked_on;
  req.may_send = [&checked_on] {
    checked_on = std::this_thread::get_id();
    return false;
  };
  auto result = send_and_wait(*client, std::move(req));
  EXPECT_EQ(result.failure, http_failure::fenced) << result.error;
  EXPECT_EQ(server.requests(), 0u);
  EXPECT_NE(checked_on, std::this_thread::get_id());

  auto allowed = post_to(server.url());
  allowed.may_send = [] {
    return true;
  };
  EXPECT_EQ(send_and_wait(*client, std::move(allowed)).status, 200);
  EXPECT_EQ(server.requests(), 1u);
}

TEST(http_client, rejects_bad_urls_and_headers) {
  auto client = make_http_client(loopback_options());
  EXPECT_EQ(send_and_wait(*client, post_to("ftp://example.com/")).failure, http_failure::bad_url);
  EXPECT_EQ(send_and_wait(*client, post_to("http://user@example.com/")).failure,
            http_failure::bad_url);
  auto injected = post_to("http://127.0.0.1:9/");
  injected.headers = {{"x-a", "1\r\nx-b: 2"}};
  EXPECT_EQ(send_and_wait(*client, std::move(injected)).failure, http_failure::bad_url);
}

TEST(http_client, stop_fails_queued_and_in_flight_requests) {
  test_server server([](const server_request&, const request_context&) {
    server_reply r;
    r.action = kind::never_answer;
    return r;
  });
  auto opts = loopback_options();
  opts.max_in_flight = 1;
  auto client = make_http_client(opts);
  std::vector<pending_result> pending(3);
  for (auto& p : pending)
    client->send(post_to(server.url()), p.callback());
  // Wait until the first one is really in flight at the server.
  for (int i = 0; i < 500 && server.requests() == 0; ++i)
    std::this_thread::sleep_for(2ms);
  ASSERT_EQ(server.requests(), 1u);
  client->stop();
  for (auto& p : pending) {
    EXPECT_EQ(p.get().failure, http_failure::shutdown);
    EXPECT_EQ(p.calls(), 1);
  }
  client->stop(); // idempotent
  auto late = send_and_wait(*client, post_to(server.url()));
  EXPECT_EQ(late.failure, http_failure::shutdown);
}

TEST(http_client, unreadable_ca_file_fails_construction) {
  auto opts = loopback_options();
  opts.ca_file = "/nonexistent/courier-ca.pem";
  EXPECT_THROW(make_http_client(opts), std::runtime_error);
}

TEST(http_client, failure_names) {
  EXPECT_STREQ(to_string(http_failure::none), "none");
  EXPECT_STREQ(to_string(http_failure::refused_target), "refused_target");
  EXPECT_STREQ(to_string(http_failure::shutdown), "shutdown");
}

} // namespace
} // namespace courier::net::testing
