// A highly available Postgres is reached through a multi-host libpq URL (Patroni, cloud
// HA): the db key takes it as it is and logs it with the password masked.
#include "config/redact.hpp"
#include "config_test_support.hpp"

namespace courier::config {
namespace {

constexpr const char* ha_url =
    "postgresql://courier:s3cret@pg1:5432,pg2:5432/app?target_session_attrs=read-write";

TEST(multi_host_db, is_accepted_verbatim) {
  EXPECT_EQ(test::load_with({"--db", ha_url}).db, ha_url);
}

TEST(multi_host_db, password_is_masked) {
  EXPECT_EQ(redact_db(ha_url),
            "postgresql://courier:***@pg1:5432,pg2:5432/app?target_session_attrs=read-write");
  EXPECT_EQ(redact_db("postgresql://pg1:5432,pg2:5432/app?password=x"),
            "postgresql://pg1:5432,pg2:5432/app?password=***");
}

} // namespace
} // namespace courier::config
