#pragma once
// When a courierd text log said something: the wall-clock times of the lines that
// contain a needle, parsed from their "2026-11-23T14:40:17.167 ..." prefix (UTC).
// Stateless.
#include <chrono>
#include <string>
#include <vector>

namespace courier::test {

std::vector<std::chrono::system_clock::time_point> log_times(const std::string& log,
                                                             const std::string& needle);

} // namespace courier::test
