#include "tests/support/test_ca.hpp"

#include "tests/support/spawn.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace courier::test {
namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

[[noreturn]] void fail(const std::string& what) {
  unsigned long code = ERR_get_error();
  char buf[256] = "no OpenSSL error";
  if (code != 0) {
    ERR_error_string_n(code, buf, sizeof buf);
  }
  throw std::runtime_error("test_ca: " + what + ": " + buf);
}

void check(int ok, const char* what) {
  if (ok <= 0) {
    fail(what);
  }
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_EC_gen("P-256"));
  if (!key) {
    fail("EVP_EC_gen");
  }
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) {
    fail("extension " + value);
  }
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "X509_add_ext");
}

// A certificate for `key` named `cn`; self-signed when issuer is null.
x509_ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer) {
  x509_ptr cert(X509_new());
  check(X509_set_version(cert.get(), 2), "X509_set_version");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  check(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr, "serial");
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("Courier tests"), -1, -1,
                                   0),
        "O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0),
        "CN");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "issuer");
  return cert;
}

void write_pem(const std::string& path, const std::function<int(FILE*)>& writer) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    throw std::runtime_error("test_ca: cannot write " + path);
  }
  int ok = writer(f);
  std::fclose(f);
  check(ok, path.c_str());
}

} // namespace

test_ca::test_ca(const std::vector<std::string>& dns_names,
                 const std::vector<std::string>& ip_addresses) {
  pkey_ptr ca_key = make_key();
  x509_ptr ca = make_cert(ca_key.get(), "Courier test CA", nullptr);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()), "sign CA");

  pkey_ptr key = make_key();
  std::string cn = dns_names.empty() ? "courier-test-server" : dns_names.front();
  x509_ptr cert = make_cert(key.get(), cn, ca.get());
  std::string san;
  for (const auto& d : dns_names) {
    san += (san.empty() ? "DNS:" : ",DNS:") + d;
  }
  for (const auto& ip : ip_addresses) {
    san += (san.empty() ? "IP:" : ",IP:") + ip;
  }
  add_ext(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_ext(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (!san.empty()) {
    add_ext(cert.get(), ca.get(), NID_subject_alt_name, san);
  }
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()), "sign server certificate");

  dir_ = detail::make_temp_dir("courier-ca-");
  ca_pem_path_ = dir_ + "/ca.pem";
  cert_pem_path_ = dir_ + "/server.pem";
  key_pem_path_ = dir_ + "/server.key";
  write_pem(ca_pem_path_, [&](FILE* f) { return PEM_write_X509(f, ca.get()); });
  write_pem(cert_pem_path_, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  write_pem(key_pem_path_, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
}

test_ca::~test_ca() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

} // namespace courier::test
