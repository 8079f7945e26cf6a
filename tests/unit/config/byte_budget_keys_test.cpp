// max_buffered_bytes and max_prefetch_bytes_per_hook: byte counts in range, and one hook's
// prefetch never larger than the node's budget it is carved from.
#include "config_test_support.hpp"

namespace courier::config {
namespace {

using test::load_error;
using test::load_with;

TEST(byte_budget_keys, default_to_256_mib_and_1_mib) {
  const auto c = load_with({});
  EXPECT_EQ(c.max_buffered_bytes, 256LL << 20);
  EXPECT_EQ(c.max_prefetch_bytes_per_hook, 1LL << 20);
}

TEST(byte_budget_keys, accept_byte_counts_from_every_source) {
  EXPECT_EQ(load_with({"--max_buffered_bytes", "33554432"}).max_buffered_bytes, 32LL << 20);
  EXPECT_EQ(
      load_with({}, {"COURIER_DB=postgres://u@h/db", "COURIER_MAX_PREFETCH_BYTES_PER_HOOK=65536"})
          .max_prefetch_bytes_per_hook,
      65536);
}

TEST(byte_budget_keys, reject_out_of_range_naming_the_key) {
  for (const char* bad : {"0", "1048575", "68719476737", "lots", ""}) {
    const config_error e = load_error({"--max_buffered_bytes", bad});
    EXPECT_EQ(e.key, "max_buffered_bytes") << bad;
  }
  for (const char* bad : {"1023", "1073741825", "-5"}) {
    const config_error e = load_error({"--max_prefetch_bytes_per_hook", bad});
    EXPECT_EQ(e.key, "max_prefetch_bytes_per_hook") << bad;
  }
}

TEST(byte_budget_keys, a_hook_may_not_prefetch_more_than_the_node_buffers) {
  const config_error e =
      load_error({"--max_buffered_bytes", "2097152", "--max_prefetch_bytes_per_hook", "4194304"});
  EXPECT_EQ(e.key, "max_prefetch_bytes_per_hook");
  EXPECT_NE(std::string(e.what()).find("expected at most max_buffered_bytes (2097152)"),
            std::string::npos)
      << e.what();
  EXPECT_EQ(
      load_with({"--max_buffered_bytes", "2097152", "--max_prefetch_bytes_per_hook", "2097152"})
          .max_prefetch_bytes_per_hook,
      2097152);
}

TEST(byte_budget_keys, show_in_the_startup_line) {
  const auto line = describe(load_with({"--max_buffered_bytes", "33554432"}));
  EXPECT_NE(line.find(" max_buffered_bytes=33554432"), std::string::npos) << line;
  EXPECT_NE(line.find(" max_prefetch_bytes_per_hook=1048576"), std::string::npos) << line;
}

} // namespace
} // namespace courier::config
