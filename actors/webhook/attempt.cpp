#include "actors/webhook/attempt.hpp"

#include "actors/webhook/retry_after.hpp"
#include "actors/webhook/trace_context.hpp"
#include "net/signer.hpp"

#include <cstdio>
#include <ctime>

namespace courier::webhook {

namespace {

// Bytes of the subscriber's answer kept in a failure's description.
constexpr std::size_t description_excerpt = 200;

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF) starting at text[i], or 0 when there is none.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  auto at = [&](std::size_t k) {
    return static_cast<unsigned char>(text[i + k]);
  };
  auto lead = at(0);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF; // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + length > text.size() || at(1) < low || at(1) > high)
    return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (!is_continuation(at(k)))
      return 0;
  return length;
}

} // namespace

std::string message_id(std::int64_t event_id, hook_id hook) {
  return "msg_" + std::to_string(event_id) + "_" + std::to_string(raw(hook));
}

namespace {

// The signed POST of `body` under message id `id`, as attempt `attempt`: the headers
// every request of the stream carries (Standard Webhooks, courier-seq, -attempt, the
// trace, the hook's static ones).
result<net::http_request> signed_post(const hook_spec& hook, std::string id, std::string body,
                                      stream_seq first_seq, const std::string& traceparent,
                                      const attempt_identity& attempt,
                                      const attempt_settings& settings) {
  auto signature = net::signature_header(hook.secrets, id, attempt.unix_seconds, body);
  if (signature.empty())
    return error{errc::permanent, "hook " + std::to_string(raw(hook.id)) + " has no usable secret"};
  net::http_request req;
  req.url = hook.url;
  req.body = std::move(body);
  req.timeout = settings.timeout;
  req.flow = std::to_string(raw(hook.id)); // the client shares its slots fairly across hooks
  req.headers = {{"content-type", "application/json"},
                 {"webhook-id", std::move(id)},
                 {"webhook-timestamp", std::to_string(attempt.unix_seconds)},
                 {"webhook-signature", std::move(signature)},
                 {"courier-seq", std::to_string(raw(first_seq))},
                 {"courier-attempt", std::to_string(attempt.number)},
                 {"user-agent", settings.user_agent}};
  if (auto trace = parse_traceparent(traceparent))
    req.headers.emplace_back("traceparent", attempt_traceparent(*trace, attempt.span_id));
  for (const auto& header : hook.options.headers) // the hook's static headers, after ours
    req.headers.push_back(header);
  return req;
}

} // namespace

result<net::http_request> build_request(const hook_spec& hook, const outbox_event& ev,
                                        const attempt_identity& attempt,
                                        const attempt_settings& settings) {
  return signed_post(hook, message_id(ev.event_id, hook.id), ev.body, ev.seq, ev.traceparent,
                     attempt, settings);
}

std::string batch_id(hook_id hook, stream_seq first, stream_seq last) {
  return "msg_batch_" + std::to_string(raw(hook)) + "_" + std::to_string(raw(first)) + "_" +
         std::to_string(raw(last));
}

std::string rfc3339_utc(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return text;
}

result<net::http_request> build_batch_request(const hook_spec& hook,
                                              const std::deque<outbox_event>& events,
                                              std::size_t count, std::int64_t first_attempt_ms,
                                              const attempt_identity& attempt,
                                              const attempt_settings& settings) {
  const auto& first = events.front();
  const auto& last = events[count - 1];
  std::string body =
      R"({"type":"courier.batch","timestamp":")" + rfc3339_utc(first_attempt_ms) + R"(","data":[)";
  for (std::size_t i = 0; i < count; ++i) {
    const auto& ev = events[i];
    // {"id","seq"} and then the event's own envelope {"type","timestamp","data"}.
    body += (i > 0 ? ",{\"id\":\"" : "{\"id\":\"") + message_id(ev.event_id, hook.id) +
            "\",\"seq\":" + std::to_string(raw(ev.seq)) + "," + ev.body.substr(1);
  }
  body += "]}";
  auto req = signed_post(hook, batch_id(hook.id, first.seq, last.seq), std::move(body), first.seq,
                         first.traceparent, attempt, settings);
  if (req.ok())
    req.value().headers.emplace_back("courier-seq-last", std::to_string(raw(last.seq)));
  return req;
}

const char* to_string(verdict v) {
  switch (v) {
  case verdict::delivered:
    return "delivered";
  case verdict::gone:
    return "gone";
  case verdict::retry_after:
    return "retry_after";
  case verdict::retryable:
    return "retryable";
  case verdict::not_sent:
    return "not_sent";
  }
  return "unknown";
}

std::string outcome_class(const net::http_result& r, verdict v) {
  if (v == verdict::retryable)
    return r.failure == net::http_failure::none ? "failed" : net::to_string(r.failure);
  return to_string(v);
}

answer classify(const net::http_result& r, std::chrono::system_clock::time_point now) {
  if (r.failure == net::http_failure::fenced || r.failure == net::http_failure::shutdown)
    return {verdict::not_sent, std::nullopt,
            std::string{net::to_string(r.failure)} + ": " + r.error};
  if (r.failure != net::http_failure::none)
    return {verdict::retryable, std::nullopt,
            std::string{net::to_string(r.failure)} + ": " + excerpt(r.error, r.error.size())};
  if (r.status >= 200 && r.status < 300)
    return {verdict::delivered, std::nullopt, "HTTP " + std::to_string(r.status)};
  if (r.status == 410)
    return {verdict::gone, std::nullopt, "HTTP 410"};
  auto description = "HTTP " + std::to_string(r.status);
  auto body = excerpt(r.body_excerpt, description_excerpt);
  if (!body.empty())
    description += ": " + body;
  std::optional<std::chrono::milliseconds> delay;
  if (r.retry_after)
    delay = parse_retry_after(*r.retry_after, now);
  return {delay ? verdict::retry_after : verdict::retryable, delay, std::move(description)};
}

std::string excerpt(std::string_view body, std::size_t limit) {
  std::string out;
  out.reserve(std::min(body.size(), limit));
  for (std::size_t i = 0; i < body.size();) {
    auto length = utf8_sequence(body, i);
    if (out.size() + std::max<std::size_t>(length, 1) > limit)
      break;
    if (length == 0) {
      out += '?';
      ++i;
      continue;
    }
    auto c = static_cast<unsigned char>(body[i]);
    if (length == 1 && (c < 0x20 || c == 0x7f))
      out += ' ';
    else
      out.append(body.substr(i, length));
    i += length;
  }
  return out;
}

} // namespace courier::webhook
