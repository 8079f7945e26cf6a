#include "tests/support/subscriber.hpp"
#include "tests/support/test_ca.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace courier::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

X509* load_cert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    return nullptr;
  }
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return cert;
}

// OpenSSL's chain verification of cert against ca, with a host or IP check.
int verify(const test_ca& ca, const test_ca& trusted, const std::string& host,
           const std::string& ip) {
  X509* leaf = load_cert(ca.cert_pem_path());
  X509* root = load_cert(trusted.ca_pem_path());
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, root);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (!host.empty()) {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  if (!ip.empty()) {
    X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
  }
  int result = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(root);
  X509_free(leaf);
  return result;
}

TEST(test_ca, server_certificate_verifies_against_its_ca_only) {
  test_ca ca({"localhost", "hooks.test"}, {"127.0.0.1"});
  test_ca other;
  EXPECT_EQ(verify(ca, ca, "localhost", ""), X509_V_OK);
  EXPECT_EQ(verify(ca, ca, "hooks.test", ""), X509_V_OK);
  EXPECT_EQ(verify(ca, ca, "", "127.0.0.1"), X509_V_OK);
  EXPECT_EQ(verify(ca, ca, "evil.test", ""), X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(verify(ca, ca, "", "10.0.0.1"), X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_NE(verify(ca, other, "localhost", ""), X509_V_OK);
}

// POST over TLS to https://localhost:PORT verifying the peer against ca_file.
int post_tls(const subscriber& sub, const std::string& ca_file, std::string& error) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca_file);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  asio::ip::tcp::resolver resolver(ioc);
  try {
    beast::get_lowest_layer(stream).connect(
        resolver.resolve("localhost", std::to_string(sub.port())));
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::post, "/h/secure", 11};
    req.set(http::field::host, "localhost");
    req.set("courier-seq", "1");
    req.body() = "{}";
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return static_cast<int>(res.result_int());
  } catch (const std::exception& e) {
    error = e.what();
    return 0;
  }
}

TEST(subscriber_tls, serves_https_with_the_test_ca_certificate) {
  test_ca ca;
  subscriber sub(ca);
  EXPECT_EQ(sub.base_url(), "https://localhost:" + std::to_string(sub.port()));
  std::string error;
  EXPECT_EQ(post_tls(sub, ca.ca_pem_path(), error), 200) << error;
  ASSERT_EQ(sub.count("secure"), 1u);
  EXPECT_EQ(sub.received("secure")[0].seq, 1);

  test_ca other;
  EXPECT_EQ(post_tls(sub, other.ca_pem_path(), error), 0);
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_EQ(sub.count(), 1u);
}

} // namespace
} // namespace courier::test
