#pragma once
// The subscriber's Retry-After header, part of what a webhook answer means (see
// attempt.hpp). Pure: `now` comes in as an argument; any thread.
#include <chrono>
#include <optional>
#include <string_view>

namespace courier {

// Retry-After as delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00
// GMT"), relative to `now`. nullopt when malformed; a date in the past gives 0.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

} // namespace courier
