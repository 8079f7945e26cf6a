#pragma once
// TLS setup for outbound connections: the shared client context and the
// per-connection SNI / host-name checks. No state of its own.
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include <openssl/ssl.h>

namespace courier::net {

// A client context that verifies peers against the system CAs plus `ca_file` (PEM,
// optional) and refuses anything below TLS 1.2. Throws std::runtime_error when
// `ca_file` cannot be loaded, so a typo fails at startup instead of per delivery.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& ca_file);

// Arms one connection for `host`: SNI for names (not IP literals) and certificate
// host-name (or IP) verification. Returns false with *error set when OpenSSL refuses.
bool prepare_tls_session(SSL* ssl, const std::string& host, std::string* error);

// Why a handshake failed, naming certificate problems (including a host-name
// mismatch) from the verify result rather than OpenSSL's generic error string.
std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec,
                                 const std::string& host);

} // namespace courier::net
