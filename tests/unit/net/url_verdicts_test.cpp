// The node's URL parser gives every verdict of the shared table (tests/data/
// url_verdicts.tsv); tests/pg/url_verdicts_test.cpp holds courier.create_hook to the
// same table, so a URL the database accepts is one the node can send to.
#include "net/url.hpp"
#include "tests/support/url_verdicts.hpp"

#include <gtest/gtest.h>

namespace courier::net {
namespace {

TEST(url_verdicts, the_node_parser_agrees_with_the_shared_table) {
  auto table = test::load_url_verdicts();
  ASSERT_GT(table.size(), 100u);
  for (const auto& v : table) {
    std::string error;
    auto parsed = parse_url(v.url, &error);
    EXPECT_EQ(parsed.has_value(), v.accept)
        << "line " << v.line << ": " << test::printable(v.url) << " (" << error << ")";
    if (!v.accept)
      EXPECT_FALSE(error.empty()) << "line " << v.line << ": a refusal names its reason";
  }
}

} // namespace
} // namespace courier::net
