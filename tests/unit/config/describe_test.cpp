// describe() and the db password masking it relies on.
#include "config/redact.hpp"
#include "config_test_support.hpp"

namespace courier::config {
namespace {

using test::load_with;

TEST(describe, masks_url_password_and_token) {
  const node_config c =
      load_with({"--db", "postgres://u:secret@h/db", "--admin_token", "tok3n", "--node_id", "n1"});
  const std::string line = describe(c);
  EXPECT_EQ(line.find("secret"), std::string::npos) << line;
  EXPECT_EQ(line.find("tok3n"), std::string::npos) << line;
  EXPECT_NE(line.find("db=postgres://u:***@h/db"), std::string::npos) << line;
  EXPECT_NE(line.find("admin_token=***"), std::string::npos) << line;
  EXPECT_NE(line.find("node_id=n1"), std::string::npos) << line;
  EXPECT_NE(line.find("retry_schedule=5s,30s,2m,10m,30m,1h,2h,4h,8h,8h"), std::string::npos)
      << line;
  EXPECT_NE(line.find("http_timeout_ms=15s"), std::string::npos) << line;
  EXPECT_NE(line.find("restart_max=5 restart_window_ms=1m quarantine_ms=1m"), std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(describe, shows_absent_token_and_keyword_db) {
  const std::string line = describe(load_with({"--db", "host=h password='s e c' dbname=d"}));
  EXPECT_EQ(line.find("s e c"), std::string::npos) << line;
  EXPECT_NE(line.find("db=\"host=h password=*** dbname=d\""), std::string::npos) << line;
  EXPECT_NE(line.find("admin_token=(none)"), std::string::npos) << line;
}

TEST(redact_db, url_forms) {
  EXPECT_EQ(redact_db("postgres://u:secret@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(redact_db("postgresql://u:se@cret@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_db("postgres://u@h/db"), "postgres://u@h/db");
  EXPECT_EQ(redact_db("postgres://h:5432/db"), "postgres://h:5432/db");
  EXPECT_EQ(redact_db("postgres://h/db?sslmode=require&password=x&user=u"),
            "postgres://h/db?sslmode=require&password=***&user=u");
  EXPECT_EQ(redact_db("postgres://u:p@h/db?sslpassword=k"),
            "postgres://u:***@h/db?sslpassword=***");
}

TEST(redact_db, keyword_forms) {
  EXPECT_EQ(redact_db("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redact_db("host=h password = 'a \\' b' dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redact_db("password=x"), "password=***");
  EXPECT_EQ(redact_db("dbname=d"), "dbname=d");
}

} // namespace
} // namespace courier::config
