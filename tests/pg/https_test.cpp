// HTTPS delivery with certificate and host-name verification against a test CA.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/test_ca.hpp"

namespace courier::test {
namespace {

class https : public pg_test {};

TEST_F(https, delivers_over_tls_and_refuses_a_wrong_host_name) {
  test_ca ca{{"localhost"}, {}}; // the certificate names only "localhost"
  subscriber tls_sub{ca};
  auto good_secret = random_secret();
  create_hook(db_, tls_sub.url_for("good"), good_secret);
  // Same server, reached by IP: the name does not match the certificate.
  create_hook(db_, "https://127.0.0.1:" + std::to_string(tls_sub.port()) + "/h/bad",
              random_secret());
  start_node("n1", {"--ca_file", ca.ca_pem_path()});
  emit(db_, "x", R"({"secure":true})");
  ASSERT_TRUE(tls_sub.wait_for([&] { return tls_sub.contiguous_seq("good") >= 1; }, 15s));
  EXPECT_TRUE(verify_signature(tls_sub.received("good")[0], good_secret));
  ASSERT_TRUE(tls_sub.wait_for(
      [&] {
        return pg_instance::exec_scalar(
                   db_, "SELECT last_error FROM courier.hook_status WHERE url LIKE '%/h/bad'")
                   .find("tls") != std::string::npos;
      },
      15s));
  EXPECT_EQ(tls_sub.count("bad"), 0u);
}

TEST_F(https, untrusted_certificate_is_refused) {
  test_ca ca;
  subscriber tls_sub{ca};
  create_hook(db_, tls_sub.url_for("h"), random_secret());
  start_node("n1"); // no ca_file: the test CA is not trusted
  emit(db_, "x", "{}");
  ASSERT_TRUE(tls_sub.wait_for(
      [&] {
        return pg_instance::exec_scalar(db_, "SELECT last_error FROM courier.hook_status")
                   .find("tls") != std::string::npos;
      },
      15s));
  EXPECT_EQ(tls_sub.count("h"), 0u);
}

} // namespace
} // namespace courier::test
