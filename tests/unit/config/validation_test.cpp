// Every validation rule rejects with a config_error naming its key, what it expected and
// what it got; boundary values that must pass do.
#include "config_test_support.hpp"

#include <sys/stat.h>

namespace courier::config {
namespace {

using test::load_error;
using test::load_with;
using test::temp_dir;

struct rejection {
  std::vector<std::string> args;
  std::string key;
  std::string expected; // substring of what()
};

std::ostream& operator<<(std::ostream& os, const rejection& r) {
  for (const auto& a : r.args)
    os << a << ' ';
  return os;
}

class validation : public ::testing::TestWithParam<rejection> {};

TEST_P(validation, names_the_key) {
  const rejection& r = GetParam();
  const config_error e = load_error(r.args);
  const std::string what = e.what();
  EXPECT_EQ(e.key, r.key) << what;
  EXPECT_EQ(what.rfind("config key '" + r.key + "': ", 0), 0u) << what;
  EXPECT_NE(what.find(r.expected), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
}

const rejection rejections[] = {
    {{"--db", ""}, "db", "got ''"},
    {{"--db", "mysql://u@h/d"}, "db", "expected a postgres:// or postgresql:// URL"},
    {{"--db", "localhost"}, "db", "got 'localhost'"},
    {{"--node_id", ""}, "node_id", "expected 1 to 64 characters"},
    {{"--node_id", "a b"}, "node_id", "got 'a b'"},
    {{"--node_id", "n/1"}, "node_id", "got 'n/1'"},
    {{"--node_id", std::string(65, 'a')}, "node_id", "expected 1 to 64"},
    {{"--partitions", "0"}, "partitions", "expected an integer from 1 to 65536, got '0'"},
    {{"--partitions", "65537"}, "partitions", "got '65537'"},
    {{"--partitions", "-1"}, "partitions", "got '-1'"},
    {{"--partitions", "1e3"}, "partitions", "got '1e3'"},
    {{"--partitions", "99999999999999999999"}, "partitions", "from 1 to 65536"},
    {{"--admin_listen", "8480"}, "admin_listen", "expected host:port"},
    {{"--admin_listen", "127.0.0.1:70000"}, "admin_listen", "got '127.0.0.1:70000'"},
    {{"--admin_listen", "127.0.0.1:65536"}, "admin_listen", "got '127.0.0.1:65536'"},
    {{"--admin_listen", "127.0.0.1:"}, "admin_listen", "host:port"},
    {{"--admin_listen", ":8480"}, "admin_listen", "host:port"},
    {{"--admin_listen", "::1:8480"}, "admin_listen", "IPv6 as [::1]:8480"},
    {{"--admin_listen", "[::1]8480"}, "admin_listen", "host:port"},
    {{"--admin_listen", "[nothost]:8480"}, "admin_listen", "host:port"},
    {{"--admin_listen", "0.0.0.0:8480"}, "admin_token", "not loopback"},
    {{"--admin_listen", "[::]:8480"}, "admin_token", "not loopback"},
    {{"--admin_listen", "10.0.0.1:8480", "--admin_token", ""}, "admin_token", "not loopback"},
    {{"--allow_private_targets", "yes"}, "allow_private_targets", "expected true or false"},
    {{"--http_timeout_ms", "abc"},
     "http_timeout_ms",
     "expected a positive duration (e.g. 15000 or 15s), got 'abc'"},
    {{"--http_timeout_ms", "0"}, "http_timeout_ms", "got '0'"},
    {{"--http_timeout_ms", "61m"}, "http_timeout_ms", "at most 1h"},
    {{"--http_timeout_ms", "5x"}, "http_timeout_ms", "got '5x'"},
    {{"--max_in_flight", "0"}, "max_in_flight", "from 1 to 100000"},
    {{"--max_in_flight", "100001"}, "max_in_flight", "got '100001'"},
    {{"--retry_schedule", ""}, "retry_schedule", "positive durations"},
    {{"--retry_schedule", "1s,0,2s"}, "retry_schedule", "element 2 is zero"},
    {{"--retry_schedule", "1s,,2s"}, "retry_schedule", "element 2 is empty"},
    {{"--retry_schedule", "1s,2q"}, "retry_schedule", "element 2"},
    {{"--poison_policy", "drop"}, "poison_policy", "expected block or dead_letter, got 'drop'"},
    {{"--max_attempts", "0"}, "max_attempts", "at least 1"},
    {{"--max_attempts", "99999999999"}, "max_attempts", "got '99999999999'"},
    {{"--lease_self_expiry_ms", "499"}, "lease_self_expiry_ms", "at least 500ms"},
    {{"--shutdown_grace_ms", "-1"}, "shutdown_grace_ms", "got '-1'"},
    {{"--log_format", "xml"}, "log_format", "expected text or json"},
    {{"--log_level", "warning"}, "log_level", "one of trace, debug, info"},
    {{"--log_level", "INFO"}, "log_level", "got 'INFO'"},
    {{"--ca_file", "/nonexistent/ca.pem"}, "ca_file", "No such file"},
    {{"--ca_file", "/"}, "ca_file", "is a directory"},
    {{"--db_pool_size", "0"}, "db_pool_size", "from 1 to 64"},
    {{"--db_pool_size", "65"}, "db_pool_size", "got '65'"},
    {{"--poll_interval_ms", "0"}, "poll_interval_ms", "positive duration"},
    {{"--passivate_after_ms", "0"}, "passivate_after_ms", "positive duration"},
    {{"--passivate_after_ms", "soon"}, "passivate_after_ms", "positive duration"},
    {{"--attempt_log", "yes"}, "attempt_log", "true or false"},
    {{"--attempt_body_bytes", "65537"}, "attempt_body_bytes", "from 0 to 65536"},
    {{"--attempt_body_bytes", "-1"}, "attempt_body_bytes", "from 0 to 65536"},
    {{"--attempt_retention", "30m"}, "attempt_retention", "from 1h to 8760h"},
    {{"--attempt_retention", "8761h"}, "attempt_retention", "from 1h to 8760h"},
    {{"--pause_after", "later"}, "pause_after", "at most 8760h"},
    {{"--pause_after", "8761h"}, "pause_after", "at most 8760h"},
    {{"--lease_tick_ms", "49"}, "lease_tick_ms", "at least 50ms"},
    {{"--lease_tick_ms", "2500"}, "lease_tick_ms", "below half of lease_self_expiry_ms (5s)"},
    // Found by the config_file fuzz target: doubling this tick overflowed (UB).
    {{"--lease_tick_ms", "7849531177930588218ms"}, "lease_tick_ms", "below half of"},
    {{"--lease_self_expiry_ms", "800"}, "lease_tick_ms", "got 500ms (default)"},
    {{"--cursor_flush_interval_ms", "0ms"}, "cursor_flush_interval_ms", "positive duration"},
    {{"--max_response_body", "-1"}, "max_response_body", "from 0 to 67108864"},
    {{"--restart_max", "-1"}, "restart_max", "expected an integer from 0 to 1000, got '-1'"},
    {{"--restart_max", "1001"}, "restart_max", "got '1001'"},
    {{"--restart_max", "five"}, "restart_max", "got 'five'"},
    {{"--restart_window_ms", "0"}, "restart_window_ms", "positive duration"},
    {{"--restart_window_ms", "25h"}, "restart_window_ms", "at most 24h"},
    {{"--quarantine_ms", "0s"}, "quarantine_ms", "positive duration"},
    {{"--quarantine_ms", "2d"}, "quarantine_ms", "got '2d'"},
    {{"--quarantine_ms", "1441m"}, "quarantine_ms", "at most 24h"},
};

INSTANTIATE_TEST_SUITE_P(rules, validation, ::testing::ValuesIn(rejections));

TEST(validation_bounds, accepted_edges) {
  temp_dir dir;
  const auto ca = dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const node_config c = load_with({"--partitions",
                                   "65536",
                                   "--max_in_flight",
                                   "100000",
                                   "--http_timeout_ms",
                                   "1h",
                                   "--lease_self_expiry_ms",
                                   "500",
                                   "--lease_tick_ms",
                                   "50",
                                   "--db_pool_size",
                                   "64",
                                   "--max_response_body",
                                   "0",
                                   "--ca_file",
                                   ca,
                                   "--node_id",
                                   std::string(64, 'x'),
                                   "--max_attempts",
                                   "1",
                                   "--restart_max",
                                   "1000",
                                   "--restart_window_ms",
                                   "24h",
                                   "--quarantine_ms",
                                   "1"});
  EXPECT_EQ(c.partitions, 65536);
  EXPECT_EQ(c.restart_max, 1000);
  EXPECT_EQ(c.restart_window, std::chrono::hours(24));
  EXPECT_EQ(c.quarantine, std::chrono::milliseconds(1));
  EXPECT_EQ(load_with({"--restart_max", "0", "--restart_window_ms", "1"}).restart_max, 0);
  EXPECT_EQ(c.ca_file, ca);
  EXPECT_EQ(load_with({"--partitions", "1"}).partitions, 1);
}

TEST(validation_bounds, db_spellings) {
  for (const char* db : {"postgres://h/d", "postgresql://u:p@h:5432/d?sslmode=require",
                         "host=/var/run/postgresql dbname=courier", "dbname=x"})
    EXPECT_EQ(load_with({"--db", db}).db, db);
}

TEST(validation_bounds, loopback_listeners_need_no_token) {
  for (const char* listen :
       {"127.0.0.1:8480", "127.1.2.3:1", "[::1]:8480", "localhost:65535", "LOCALHOST:80"})
    EXPECT_EQ(load_with({"--admin_listen", listen}).admin_listen, listen);
}

TEST(validation_bounds, public_listener_with_token) {
  const node_config c = load_with({"--admin_listen", "0.0.0.0:8480", "--admin_token", "t0k"});
  EXPECT_EQ(c.admin_token, "t0k");
}

TEST(validation_bounds, db_error_masks_the_password) {
  const config_error e = load_error({"--db", "mysql://u:hunter2@h/d"});
  EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
}

TEST(validation_bounds, control_characters_stay_on_one_line) {
  const config_error e = load_error({"--partitions", "1\n2"});
  EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("1\\n2"), std::string::npos) << e.what();
}

} // namespace
} // namespace courier::config
