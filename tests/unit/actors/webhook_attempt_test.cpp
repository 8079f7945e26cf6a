// The webhook attempt module: the request on the wire (byte for byte: headers, their
// order, the body, the Standard Webhooks signature checked by an independent
// implementation) and the meaning of a table of answers.
#include "actors/webhook/attempt.hpp"

#include "net/signer.hpp"
#include "tests/support/signature.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace courier::webhook {
namespace {

using namespace std::chrono_literals;
using sys_clock = std::chrono::system_clock;
using header_list = std::vector<std::pair<std::string, std::string>>;

// Wed, 21 Oct 2015 07:28:00 GMT.
const sys_clock::time_point now = sys_clock::from_time_t(1445412480);

const std::string secret = "whsec_" + net::base64_encode("webhook-attempt-test-key");

hook_spec hook() {
  hook_spec h;
  h.id = hook_id{7};
  h.url = "https://subscriber.test/hooks/7";
  h.secrets = {secret};
  return h;
}

outbox_event event() {
  return {stream_seq{42}, 1001, 0,
          R"({"type":"order.paid","timestamp":"2015-10-21T07:28:00.000000Z","data":{"n":1}})"};
}

const attempt_settings settings{"courier/0.1.0", 1234ms};
const attempt_identity first{1, 1445412480, 0x1234};

// -- batches ------------------------------------------------------------------------

TEST(webhook_batch_request, carries_the_range_in_order_with_each_events_id_and_seq) {
  std::deque<outbox_event> events;
  for (std::int64_t seq = 42; seq <= 44; ++seq)
    events.push_back(
        {stream_seq{seq}, 1000 + seq, 0,
         R"({"type":"order.paid","timestamp":"t","data":{"n":)" + std::to_string(seq) + "}}"});
  // Two of the three: the range is the caller's.
  auto built = build_batch_request(hook(), events, 2, 1445412480250, first, settings);
  ASSERT_TRUE(built.ok()) << built.error().message;
  const auto& req = built.value();
  EXPECT_EQ(
      req.body,
      R"({"type":"courier.batch","timestamp":"2015-10-21T07:28:00.250Z","data":[)"
      R"({"id":"msg_1042_7","seq":42,"type":"order.paid","timestamp":"t","data":{"n":42}},)"
      R"({"id":"msg_1043_7","seq":43,"type":"order.paid","timestamp":"t","data":{"n":43}}]})");
  auto signature =
      courier::test::expected_signature(secret, "msg_batch_7_42_43", "1445412480", req.body);
  ASSERT_TRUE(signature);
  EXPECT_EQ(req.headers, (header_list{{"content-type", "application/json"},
                                      {"webhook-id", "msg_batch_7_42_43"},
                                      {"webhook-timestamp", "1445412480"},
                                      {"webhook-signature", *signature},
                                      {"courier-seq", "42"},
                                      {"courier-attempt", "1"},
                                      {"user-agent", "courier/0.1.0"},
                                      {"courier-seq-last", "43"}}));
}

TEST(webhook_batch_request, rfc3339_utc_keeps_milliseconds) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_utc(1445412480007), "2015-10-21T07:28:00.007Z");
}

// -- the request --------------------------------------------------------------------

TEST(webhook_request, is_the_signed_post_of_the_event) {
  auto built = build_request(hook(), event(), {3, 1445412480, 0x1234}, settings);
  ASSERT_TRUE(built.ok()) << built.error().message;
  const auto& req = built.value();
  EXPECT_EQ(req.url, "https://subscriber.test/hooks/7");
  EXPECT_EQ(req.body, event().body); // exactly the envelope the store built
  EXPECT_EQ(req.timeout, 1234ms);
  EXPECT_FALSE(static_cast<bool>(req.may_send)); // the caller's fence
  auto signature =
      courier::test::expected_signature(secret, "msg_1001_7", "1445412480", event().body);
  ASSERT_TRUE(signature);
  // These names, values and this order are the wire format subscribers rely on.
  EXPECT_EQ(req.headers, (header_list{{"content-type", "application/json"},
                                      {"webhook-id", "msg_1001_7"},
                                      {"webhook-timestamp", "1445412480"},
                                      {"webhook-signature", *signature},
                                      {"courier-seq", "42"},
                                      {"courier-attempt", "3"},
                                      {"user-agent", "courier/0.1.0"}}));
}

TEST(webhook_request, continues_the_stored_trace_with_a_span_of_its_own) {
  auto ev = event();
  ev.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto built = build_request(hook(), ev, {2, 1445412480, 0xa1b2c3d4e5f60718}, settings);
  ASSERT_TRUE(built.ok());
  const auto& headers = built.value().headers;
  ASSERT_EQ(headers.size(), 8u);
  EXPECT_EQ(headers.back(),
            (std::pair<std::string, std::string>{
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-a1b2c3d4e5f60718-01"}));
}

TEST(webhook_request, sends_no_traceparent_without_a_valid_stored_one) {
  for (const char* stored : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                             "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
    auto ev = event();
    ev.traceparent = stored;
    auto built = build_request(hook(), ev, first, settings);
    ASSERT_TRUE(built.ok());
    for (const auto& [name, value] : built.value().headers)
      EXPECT_NE(name, "traceparent") << "stored: '" << stored << "'";
  }
}

TEST(webhook_request, message_id_names_event_and_hook) {
  EXPECT_EQ(message_id(1001, hook_id{7}), "msg_1001_7");
  EXPECT_NE(message_id(1001, hook_id{7}), message_id(1001, hook_id{8}));
  EXPECT_NE(message_id(1001, hook_id{7}), message_id(1002, hook_id{7}));
}

TEST(webhook_request, signs_once_per_secret_during_rotation) {
  auto older = "whsec_" + net::base64_encode("the previous key");
  auto h = hook();
  h.secrets = {secret, older};
  auto built = build_request(h, event(), first, settings);
  ASSERT_TRUE(built.ok());
  auto header = built.value().headers[3];
  ASSERT_EQ(header.first, "webhook-signature");
  auto newest = courier::test::expected_signature(secret, "msg_1001_7", "1445412480", event().body);
  auto oldest = courier::test::expected_signature(older, "msg_1001_7", "1445412480", event().body);
  EXPECT_EQ(header.second, *newest + " " + *oldest);
}

TEST(webhook_request, secrets_that_do_not_decode_are_skipped) {
  auto h = hook();
  h.secrets = {"whsec_!!!", secret};
  auto built = build_request(h, event(), first, settings);
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built.value().headers[3].second,
            *courier::test::expected_signature(secret, "msg_1001_7", "1445412480", event().body));
}

TEST(webhook_request, no_usable_secret_is_a_permanent_error) {
  auto h = hook();
  h.secrets = {"whsec_!!!not-base64!!!"};
  auto built = build_request(h, event(), first, settings);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().code, errc::permanent);
  EXPECT_NE(built.error().message.find("hook 7"), std::string::npos) << built.error().message;
  h.secrets = {};
  EXPECT_FALSE(build_request(h, event(), first, settings).ok());
}

// -- the answer -----------------------------------------------------------------------

net::http_result status(int code, std::optional<std::string> retry_after = std::nullopt,
                        std::string body = {}) {
  net::http_result r;
  r.status = code;
  r.retry_after = std::move(retry_after);
  r.body_excerpt = std::move(body);
  return r;
}

net::http_result failure(net::http_failure f, std::string error) {
  net::http_result r;
  r.failure = f;
  r.error = std::move(error);
  return r;
}

struct row {
  const char* what;
  net::http_result result;
  verdict kind;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string description;
};

// What the client reports for an oversized body: the status, and an excerpt capped at
// 512 bytes (the rest is never read).
const std::string oversized(512, 'x');

const std::vector<row> table = {
    {"200", status(200), verdict::delivered, std::nullopt, "HTTP 200"},
    {"201", status(201), verdict::delivered, std::nullopt, "HTTP 201"},
    {"204", status(204), verdict::delivered, std::nullopt, "HTTP 204"},
    {"299", status(299), verdict::delivered, std::nullopt, "HTTP 299"},
    {"2xx ignores Retry-After", status(200, "120"), verdict::delivered, std::nullopt, "HTTP 200"},
    {"2xx with an oversized body", status(200, std::nullopt, oversized), verdict::delivered,
     std::nullopt, "HTTP 200"},
    {"199", status(199), verdict::retryable, std::nullopt, "HTTP 199"},
    {"300", status(300), verdict::retryable, std::nullopt, "HTTP 300"},
    {"301 (redirects are not followed)", status(301, std::nullopt, "moved"), verdict::retryable,
     std::nullopt, "HTTP 301: moved"},
    {"302", status(302), verdict::retryable, std::nullopt, "HTTP 302"},
    {"304", status(304), verdict::retryable, std::nullopt, "HTTP 304"},
    {"400", status(400, std::nullopt, "bad"), verdict::retryable, std::nullopt, "HTTP 400: bad"},
    {"404", status(404), verdict::retryable, std::nullopt, "HTTP 404"},
    {"410", status(410), verdict::gone, std::nullopt, "HTTP 410"},
    {"410 ignores Retry-After", status(410, "60"), verdict::gone, std::nullopt, "HTTP 410"},
    {"429 + Retry-After seconds", status(429, "120"), verdict::retry_after, 120000ms, "HTTP 429"},
    {"429 + Retry-After zero", status(429, "0"), verdict::retry_after, 0ms, "HTTP 429"},
    {"429 + Retry-After HTTP-date", status(429, "Wed, 21 Oct 2015 07:28:30 GMT"),
     verdict::retry_after, 30000ms, "HTTP 429"},
    {"429 + Retry-After date in the past", status(429, "Wed, 21 Oct 2015 07:00:00 GMT"),
     verdict::retry_after, 0ms, "HTTP 429"},
    {"429 + malformed Retry-After", status(429, "soon"), verdict::retryable, std::nullopt,
     "HTTP 429"},
    {"429 without Retry-After", status(429, std::nullopt, "slow down"), verdict::retryable,
     std::nullopt, "HTTP 429: slow down"},
    {"500", status(500, std::nullopt, "boom"), verdict::retryable, std::nullopt, "HTTP 500: boom"},
    {"502", status(502), verdict::retryable, std::nullopt, "HTTP 502"},
    {"503 + Retry-After", status(503, " 5 ", "maintenance"), verdict::retry_after, 5000ms,
     "HTTP 503: maintenance"},
    {"5xx with an oversized body", status(500, std::nullopt, oversized), verdict::retryable,
     std::nullopt, "HTTP 500: " + std::string(200, 'x')},
    {"timeout", failure(net::http_failure::timeout, "no answer within 15000 ms"),
     verdict::retryable, std::nullopt, "timeout: no answer within 15000 ms"},
    {"reset before any response", failure(net::http_failure::connect, "connection reset by peer"),
     verdict::retryable, std::nullopt, "connect: connection reset by peer"},
    {"reset mid-response", failure(net::http_failure::protocol, "end of stream"),
     verdict::retryable, std::nullopt, "protocol: end of stream"},
    {"TLS failure", failure(net::http_failure::tls, "certificate verify failed"),
     verdict::retryable, std::nullopt, "tls: certificate verify failed"},
    {"DNS failure", failure(net::http_failure::resolve, "host not found"), verdict::retryable,
     std::nullopt, "resolve: host not found"},
    {"refused target", failure(net::http_failure::refused_target, "private address"),
     verdict::retryable, std::nullopt, "refused_target: private address"},
    {"bad URL", failure(net::http_failure::bad_url, "unsupported scheme"), verdict::retryable,
     std::nullopt, "bad_url: unsupported scheme"},
    {"fenced before sending", failure(net::http_failure::fenced, "not sent"), verdict::not_sent,
     std::nullopt, "fenced: not sent"},
    {"client shutting down", failure(net::http_failure::shutdown, "stopping"), verdict::not_sent,
     std::nullopt, "shutdown: stopping"},
};

TEST(webhook_answer, table_of_answers) {
  for (const auto& r : table) {
    auto a = classify(r.result, now);
    EXPECT_EQ(to_string(a.kind), std::string{to_string(r.kind)}) << r.what;
    EXPECT_EQ(a.retry_after, r.retry_after) << r.what;
    EXPECT_EQ(a.description, r.description) << r.what;
  }
}

TEST(webhook_answer, http_date_is_relative_to_now) {
  auto a = classify(status(503, "Wed, 21 Oct 2015 07:29:00 GMT"), now + 15s);
  EXPECT_EQ(a.kind, verdict::retry_after);
  EXPECT_EQ(a.retry_after, 45000ms);
}

TEST(webhook_answer, description_is_one_line) {
  using namespace std::string_literals;
  auto a = classify(status(500, std::nullopt, "line one\r\nline\ttwo\x7f\0end"s), now);
  EXPECT_EQ(a.description, "HTTP 500: line one  line two  end");
}

// -- the excerpt ------------------------------------------------------------------------

bool valid_utf8(const std::string& s) {
  // The decoder the tests trust: iconv-free, by the RFC 3629 table.
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size())
      return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
        return false;
    i += n;
  }
  return true;
}

TEST(webhook_excerpt, keeps_utf8_and_never_cuts_a_character) {
  // "é" is two bytes: a limit that falls inside it stops before it.
  EXPECT_EQ(excerpt("caf\xC3\xA9", 5), "caf\xC3\xA9");
  EXPECT_EQ(excerpt("caf\xC3\xA9", 4), "caf");
  EXPECT_EQ(excerpt("\xE2\x82\xAC\xF0\x9F\x98\x80", 7), "\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(excerpt("\xE2\x82\xAC\xF0\x9F\x98\x80", 6), "\xE2\x82\xAC");
}

TEST(webhook_excerpt, bytes_that_are_not_utf8_become_question_marks) {
  EXPECT_EQ(excerpt("a\xFF"
                    "b",
                    10),
            "a?b");
  EXPECT_EQ(excerpt("\xC3", 10), "?");                // truncated sequence
  EXPECT_EQ(excerpt("\xC0\xAF", 10), "??");           // overlong '/'
  EXPECT_EQ(excerpt("\xED\xA0\x80", 10), "???");      // UTF-16 surrogate
  EXPECT_EQ(excerpt("\xF4\x90\x80\x80", 10), "????"); // beyond U+10FFFF
}

TEST(webhook_excerpt, a_binary_body_gives_a_valid_utf8_description) {
  std::string body;
  for (int i = 0; i < 512; ++i)
    body += static_cast<char>((i * 37 + 11) % 256);
  auto a = classify(status(500, std::nullopt, body), now);
  EXPECT_TRUE(valid_utf8(a.description)) << a.description;
  EXPECT_LE(a.description.size(), std::string{"HTTP 500: "}.size() + 200);
  // A multi-byte character straddling the 200-byte cut is dropped, not halved.
  auto straddling = std::string(199, 'x') + "\xC3\xA9";
  EXPECT_EQ(classify(status(500, std::nullopt, straddling), now).description,
            "HTTP 500: " + std::string(199, 'x'));
}

TEST(webhook_excerpt, transport_errors_are_made_valid_too) {
  auto a = classify(failure(net::http_failure::tls, "certificate CN=\xFF\xFE"), now);
  EXPECT_EQ(a.description, "tls: certificate CN=??");
}

} // namespace
} // namespace courier::webhook
