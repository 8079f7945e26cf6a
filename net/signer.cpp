#include "net/signer.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace courier::net {

namespace {

constexpr std::string_view secret_prefix = "whsec_";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

} // namespace

std::string base64_encode(std::string_view bytes) {
  if (bytes.empty())
    return {};
  // EVP_EncodeBlock writes a trailing NUL, hence the extra byte.
  std::string buf(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                           reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()));
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Strict RFC 4648 with padding: EVP_DecodeBlock alone would skip whitespace and
  // does not tell how many pad bytes it turned into zeros.
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=')
    ++pad;
  for (std::size_t i = 0; i < text.size() - pad; ++i)
    if (!is_base64_char(text[i]))
      return std::nullopt;
  if (text.empty())
    return std::string{};
  std::string out(text.size() / 4 * 3, '\0');
  auto n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(text.data()),
                           static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size())
    return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

std::optional<std::string> decode_secret(std::string_view secret) {
  if (secret.substr(0, secret_prefix.size()) == secret_prefix)
    secret.remove_prefix(secret_prefix.size());
  auto key = base64_decode(secret);
  if (!key || key->empty())
    return std::nullopt;
  return key;
}

namespace {

struct mac_ctx_free {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// OpenSSL 3's one-shot HMAC() looks the algorithm up in the provider store on every
// call (a locked search, a few microseconds): at tens of thousands of requests a second
// that was a visible share of the node's CPU. The algorithm is fetched once; each thread
// keeps one context and re-keys it per signature.
EVP_MAC_CTX& hmac_context() {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> ctx{EVP_MAC_CTX_new(hmac)};
  if (!hmac || !ctx)
    throw std::runtime_error("OpenSSL has no HMAC");
  return *ctx;
}

} // namespace

std::string sign_v1(std::string_view key, std::string_view msg_id, std::int64_t timestamp,
                    std::string_view body) {
  auto ts = std::to_string(timestamp);
  // An empty key is legal for HMAC but OpenSSL wants a non-null pointer.
  static const unsigned char empty_key = 0;
  const auto* key_data =
      key.empty() ? &empty_key : reinterpret_cast<const unsigned char*>(key.data());
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  auto& ctx = hmac_context();
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  auto update = [&ctx](std::string_view part) {
    return EVP_MAC_update(&ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  };
  // The signed content is "msg_id.timestamp.body", fed in parts rather than copied.
  if (EVP_MAC_init(&ctx, key_data, key.size(), params) != 1 || update(msg_id) != 1 ||
      update(".") != 1 || update(ts) != 1 || update(".") != 1 || update(body) != 1 ||
      EVP_MAC_final(&ctx, mac, &mac_len, sizeof mac) != 1)
    throw std::runtime_error("HMAC-SHA256 failed");
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

std::string signature_header(const std::vector<std::string>& secrets, std::string_view msg_id,
                             std::int64_t timestamp, std::string_view body) {
  std::string out;
  for (const auto& secret : secrets) {
    auto key = decode_secret(secret);
    if (!key)
      continue;
    if (!out.empty())
      out += ' ';
    out += sign_v1(*key, msg_id, timestamp, body);
  }
  return out;
}

} // namespace courier::net
