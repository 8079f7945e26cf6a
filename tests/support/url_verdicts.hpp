#pragma once
// The shared table of hook URL verdicts (tests/data/url_verdicts.tsv), read by the
// node-side and the SQL-side URL tests so both judge the same URLs. Stateless.
#include <string>
#include <vector>

namespace courier::test {

struct url_verdict {
  std::string url; // escapes decoded: may hold any byte
  bool accept = false;
  int line = 0; // in the data file, for failure messages
};

// Every verdict of the table; throws std::runtime_error naming the line on a malformed
// line (an unknown verdict, a bad escape) so a typo cannot silently drop a case.
std::vector<url_verdict> load_url_verdicts();

// The URL with bytes outside printable ASCII shown as \xHH, for messages.
std::string printable(const std::string& url);

} // namespace courier::test
