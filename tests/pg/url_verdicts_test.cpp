// courier.create_hook gives every verdict of the shared URL table (tests/data/
// url_verdicts.tsv) that tests/unit/net/url_verdicts_test.cpp holds the node's parser
// to: the database never takes a URL the node would refuse on every attempt.
#include "tests/pg/pg_test_base.hpp"
#include "tests/support/url_verdicts.hpp"

#include <pqxx/pqxx>

namespace courier::test {
namespace {

class url_verdicts : public pg_test {};

TEST_F(url_verdicts, create_hook_agrees_with_the_shared_table) {
  auto table = load_url_verdicts();
  ASSERT_GT(table.size(), 100u);
  auto secret = random_secret();
  pqxx::connection conn{db_};
  for (const auto& v : table) {
    std::string error;
    try {
      pqxx::work tx{conn};
      tx.exec_params("SELECT courier.create_hook($1, $2)", v.url, secret);
      tx.abort(); // judge each URL alone; the table needs no hooks
    } catch (const pqxx::sql_error& e) {
      error = e.what();
    }
    if (v.accept) {
      EXPECT_EQ(error, "") << "line " << v.line << ": " << printable(v.url);
    } else {
      EXPECT_NE(error.find("invalid hook url"), std::string::npos)
          << "line " << v.line << ": " << printable(v.url) << " -> '" << error << "'";
    }
  }
}

} // namespace
} // namespace courier::test
