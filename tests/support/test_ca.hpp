#pragma once
// test_ca owns a throwaway CA and one server certificate it signed (EC P-256, valid
// one day), written as PEM files into a temp dir removed on destruction. Immutable
// after construction; safe to share between threads.
#include <string>
#include <vector>

namespace courier::test {

class test_ca {
public:
  // The server certificate's subjectAltName lists every DNS name and IP address given.
  explicit test_ca(const std::vector<std::string>& dns_names = {"localhost"},
                   const std::vector<std::string>& ip_addresses = {"127.0.0.1", "::1"});
  ~test_ca();
  test_ca(const test_ca&) = delete;
  test_ca& operator=(const test_ca&) = delete;

  const std::string& ca_pem_path() const { return ca_pem_path_; }     // CA certificate
  const std::string& cert_pem_path() const { return cert_pem_path_; } // server certificate
  const std::string& key_pem_path() const { return key_pem_path_; }   // server private key
  const std::string& dir() const { return dir_; }

private:
  std::string dir_;
  std::string ca_pem_path_;
  std::string cert_pem_path_;
  std::string key_pem_path_;
};

} // namespace courier::test
