// --help, -h and --version: recognised wherever a flag may stand, even beside bad flags;
// usage() lists every key of the table.
#include "config/keys.hpp"
#include "config_test_support.hpp"

namespace courier::config {
namespace {

cli_request request_for(std::vector<std::string> args) {
  std::vector<const char*> argv{"courierd"};
  for (const auto& a : args)
    argv.push_back(a.c_str());
  return requested(static_cast<int>(argv.size()), argv.data());
}

TEST(cli_request, help_and_version) {
  EXPECT_EQ(request_for({"--help"}), cli_request::help);
  EXPECT_EQ(request_for({"-h"}), cli_request::help);
  EXPECT_EQ(request_for({"--version"}), cli_request::version);
  EXPECT_EQ(request_for({"--version", "--help"}), cli_request::help);
  EXPECT_EQ(request_for({"--db", "x=y", "--partitions", "8"}), cli_request::run);
  EXPECT_EQ(request_for({}), cli_request::run);
}

TEST(cli_request, help_answers_beside_bad_flags) {
  EXPECT_EQ(request_for({"--no_such_key", "1", "--help"}), cli_request::help);
  EXPECT_EQ(request_for({"stray", "-h"}), cli_request::help);
  EXPECT_EQ(request_for({"--partitions", "--version"}), cli_request::version);
}

TEST(cli_request, a_flag_value_is_not_a_request) {
  // "-h" here is the value of --partitions, as load() reads it.
  EXPECT_EQ(request_for({"--partitions", "-h"}), cli_request::run);
  EXPECT_EQ(test::load_error({"--partitions", "-h"}).key, "partitions");
}

TEST(usage, lists_every_key_with_what_it_accepts) {
  const std::string text = usage();
  for (const auto& spec : key_specs()) {
    EXPECT_NE(text.find("--" + std::string(spec.name) + " "), std::string::npos) << spec.name;
    EXPECT_NE(text.find(spec.expected), std::string::npos) << spec.name;
  }
  EXPECT_NE(text.find("default 256"), std::string::npos) << text;
  EXPECT_NE(text.find("COURIER_"), std::string::npos) << text;
}

} // namespace
} // namespace courier::config
