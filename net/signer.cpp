#include "net/signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

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

std::string sign_v1(std::string_view key, std::string_view msg_id, std::int64_t timestamp,
                    std::string_view body) {
  std::string content;
  auto ts = std::to_string(timestamp);
  content.reserve(msg_id.size() + ts.size() + body.size() + 2);
  content.append(msg_id).append(".").append(ts).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // An empty key is legal for HMAC but OpenSSL wants a non-null pointer.
  static const unsigned char empty_key = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&empty_key) : key.data();
  HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
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
