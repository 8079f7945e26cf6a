#include "tests/support/log_times.hpp"

#include <ctime>
#include <sstream>

namespace courier::test {

std::vector<std::chrono::system_clock::time_point> log_times(const std::string& log,
                                                             const std::string& needle) {
  using wall = std::chrono::system_clock;
  std::vector<wall::time_point> out;
  std::istringstream lines{log};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(needle) == std::string::npos || line.size() < 23)
      continue;
    std::tm tm{};
    if (strptime(line.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr)
      continue;
    auto ms = std::stoi(line.substr(20, 3));
    out.push_back(wall::from_time_t(timegm(&tm)) + std::chrono::milliseconds{ms});
  }
  return out;
}

} // namespace courier::test
