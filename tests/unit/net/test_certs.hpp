#pragma once
// Throwaway PKI for the HTTPS tests, generated in memory with OpenSSL.
#include <string>
#include <vector>

namespace courier::net::testing {

// PEM texts of a fresh CA and a server certificate it signed.
struct test_pki {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

// The server certificate lists exactly `dns_names` (and `ip_addresses`) as
// subjectAltName entries. Throws std::runtime_error when OpenSSL fails.
test_pki make_test_pki(const std::vector<std::string>& dns_names,
                       const std::vector<std::string>& ip_addresses = {});

// Owns a file in the temp directory holding `content`; removed on destruction.
class temp_file {
public:
  explicit temp_file(const std::string& content);
  ~temp_file();
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace courier::net::testing
