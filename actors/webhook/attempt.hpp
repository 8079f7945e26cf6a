#pragma once
// What one webhook attempt is, on the wire and in meaning: the signed POST of an event
// (Standard Webhooks headers, courier-seq/-attempt) and what the subscriber's answer
// means (delivered, gone, retry after a given delay, retry on the schedule, or not sent
// at all), with a one-line description for logs and courier.hook_status. Pure: no CAF,
// no Beast; time comes in as arguments. Used by the delivery actor, which keeps only
// the ordering and the state machine around it.
#include "actors/domain/error.hpp"
#include "actors/domain/types.hpp"
#include "net/http_sender.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace courier::webhook {

// The Standard Webhooks message id of an event sent to a hook: the same on every
// attempt, different for every (event, hook).
std::string message_id(std::int64_t event_id, hook_id hook);

// What every attempt of this node carries besides the event (per-hook options will
// refine these).
struct attempt_settings {
  std::string user_agent;                   // courier/<version>
  std::chrono::milliseconds timeout{15000}; // the whole attempt
};

// What tells one attempt from another: its number (1 on the first try), when it is
// signed, and its own trace span (random, drawn by the caller).
struct attempt_identity {
  int number = 1;
  std::int64_t unix_seconds = 0;
  std::uint64_t span_id = 0;
};

// The POST of `ev` to the hook's URL as attempt `attempt`, signed with each of the hook's
// secrets that decodes, with a `traceparent` continuing the event's stored trace (none
// without one) and the hook's static headers (options.headers). Fails as permanent when no secret
// decodes: bad data, which no retry can mend. `may_send` is left to the caller (it is the caller's
// lease fence).
result<net::http_request> build_request(const hook_spec& hook, const outbox_event& ev,
                                        const attempt_identity& attempt,
                                        const attempt_settings& settings);

// Ordered batches (CONTRACT.md "Batches"): the first `count` events of `events`, in seq
// order, in one POST of {"type": "courier.batch", "timestamp": <first_attempt_ms>, "data":
// [{"id", "seq", "type", "timestamp", "data"}, ...]}, with webhook-id naming the range
// (batch_id: the same on every attempt of it), courier-seq its first seq and
// courier-seq-last its last. Signed and traced like one event (the first's trace).
result<net::http_request> build_batch_request(const hook_spec& hook,
                                              const std::deque<outbox_event>& events,
                                              std::size_t count, std::int64_t first_attempt_ms,
                                              const attempt_identity& attempt,
                                              const attempt_settings& settings);

// The webhook-id of the batch of seqs first..last of a hook.
std::string batch_id(hook_id hook, stream_seq first, stream_seq last);

// Unix milliseconds as RFC 3339 UTC with milliseconds: 2024-05-01T12:00:00.250Z.
std::string rfc3339_utc(std::int64_t unix_ms);

enum class verdict {
  delivered,   // 2xx: the event is acknowledged; the cursor moves past it
  gone,        // 410 Gone: the subscriber asked us to stop; the hook is disabled
  retry_after, // any other answer carrying a valid Retry-After: retry when it says
  retryable,   // any other answer, a timeout, a connection/TLS/DNS failure: retry on
               // the schedule (the contract retries every failure)
  not_sent,    // the lease fence or a shutdown kept it from going out: not an attempt
};

const char* to_string(verdict v);

struct answer {
  verdict kind = verdict::retryable;
  std::optional<std::chrono::milliseconds> retry_after; // set for verdict::retry_after
  std::string description; // "HTTP 503: <excerpt>", "timeout: ...": one line, valid UTF-8
};

// The attempt log's class of an answer (courier.attempts.outcome): delivered, gone,
// retry_after, failed (any other status), or the transport failure's name (timeout,
// connect, tls, resolve, refused_target, protocol, no_slot, bad_url).
std::string outcome_class(const net::http_result& r, verdict v);

// What the result of an attempt means; `now` dates an HTTP-date Retry-After.
answer classify(const net::http_result& r, std::chrono::system_clock::time_point now);

// At most `limit` bytes of a response body for a one-line description: control
// characters become spaces, bytes that are not UTF-8 become '?', and no character is
// cut in half (Postgres rejects invalid UTF-8 in last_error and dead letters).
std::string excerpt(std::string_view body, std::size_t limit);

} // namespace courier::webhook
