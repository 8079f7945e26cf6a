#include "net/tls_context.hpp"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

#include <openssl/x509_vfy.h>

namespace courier::net {

namespace {

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

} // namespace

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& ca_file) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_compression);
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1)
    throw std::runtime_error("cannot restrict TLS to version 1.2 or later");
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (ec)
    throw std::runtime_error("cannot load the system CA store: " + ec.message());
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec)
      throw std::runtime_error("cannot load CA file '" + ca_file + "': " + ec.message());
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

bool prepare_tls_session(SSL* ssl, const std::string& host, std::string* error) {
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  if (is_ip_literal(host)) {
    // RFC 6066 forbids IP literals in SNI; the certificate must list the IP instead.
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      *error = "cannot set the expected certificate IP address " + host;
      return false;
    }
    return true;
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    *error = "cannot set TLS SNI host name " + host;
    return false;
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    *error = "cannot set the expected certificate host name " + host;
    return false;
  }
  return true;
}

std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec,
                                 const std::string& host) {
  auto verify = SSL_get_verify_result(ssl);
  if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
    return "TLS certificate does not match host name '" + host + "'";
  if (verify != X509_V_OK)
    return std::string("TLS certificate verification failed: ") +
           X509_verify_cert_error_string(verify);
  return "TLS handshake failed: " + ec.message();
}

} // namespace courier::net
