// Loopback tests of the HTTP client over TLS with a throwaway CA.
#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>

#include "client_test_support.hpp"
#include "net/http_sender.hpp"
#include "test_certs.hpp"
#include "test_http_server.hpp"

namespace courier::net::testing {
namespace {

// One CA + "localhost"-only server certificate shared by the tests (EC keygen is
// cheap, but there is no need to redo it per test).
class https_client : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    pki_ = new test_pki(make_test_pki({"localhost"}));
    ca_file_ = new temp_file(pki_->ca_cert_pem);
  }
  static void TearDownTestSuite() {
    delete ca_file_;
    delete pki_;
  }

  https_client() : server_ctx_(boost::asio::ssl::context::tls_server) {
    server_ctx_.use_certificate_chain(
        boost::asio::buffer(pki_->server_cert_pem.data(), pki_->server_cert_pem.size()));
    server_ctx_.use_private_key(
        boost::asio::buffer(pki_->server_key_pem.data(), pki_->server_key_pem.size()),
        boost::asio::ssl::context::pem);
  }

  http_client_options trusting_options() const {
    auto opts = loopback_options();
    opts.ca_file = ca_file_->path();
    return opts;
  }

  static test_pki* pki_;
  static temp_file* ca_file_;
  boost::asio::ssl::context server_ctx_;
};

test_pki* https_client::pki_ = nullptr;
temp_file* https_client::ca_file_ = nullptr;

server_reply ok(const server_request&, const request_context&) {
  server_reply r;
  r.body = "secure";
  return r;
}

TEST_F(https_client, succeeds_with_the_extra_ca_and_reuses_the_connection) {
  test_server server(ok, &server_ctx_);
  auto client = make_http_client(trusting_options());
  for (int i = 0; i < 5; ++i) {
    auto result = send_and_wait(*client, post_to(server.url("localhost")));
    ASSERT_EQ(result.failure, http_failure::none) << result.error;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body_excerpt, "secure");
  }
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.last_request()["host"], "localhost:" + std::to_string(server.port()));
}

TEST_F(https_client, fails_when_the_certificate_does_not_name_the_host) {
  test_server server(ok, &server_ctx_);
  auto client = make_http_client(trusting_options());
  // Same server, but addressed by IP: the certificate only names "localhost".
  auto result = send_and_wait(*client, post_to(server.url("127.0.0.1")));
  EXPECT_EQ(result.failure, http_failure::tls);
  EXPECT_NE(result.error.find("does not match"), std::string::npos) << result.error;
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(https_client, fails_without_the_issuing_ca) {
  test_server server(ok, &server_ctx_);
  auto client = make_http_client(loopback_options());
  auto result = send_and_wait(*client, post_to(server.url("localhost")));
  EXPECT_EQ(result.failure, http_failure::tls);
  EXPECT_NE(result.error.find("verif"), std::string::npos) << result.error;
  EXPECT_EQ(server.requests(), 0u);
}

} // namespace
} // namespace courier::net::testing
