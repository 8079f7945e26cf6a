#include "tests/support/signature.hpp"

#include <sstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace courier::test {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

} // namespace

std::string b64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                 static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) {
      v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += rest == 2 ? alphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> b64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = b64_value(c);
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6 | static_cast<unsigned>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  return out;
}

std::optional<std::string> expected_signature(const std::string& whsec_secret,
                                              std::string_view webhook_id,
                                              std::string_view timestamp, std::string_view body) {
  std::string_view encoded = whsec_secret;
  if (encoded.substr(0, 6) == "whsec_") {
    encoded.remove_prefix(6);
  }
  auto key = b64_decode(encoded);
  if (!key || key->empty()) {
    return std::nullopt;
  }
  std::string message;
  message.reserve(webhook_id.size() + timestamp.size() + body.size() + 2);
  message.append(webhook_id).append(".").append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &mac_len) == nullptr) {
    return std::nullopt;
  }
  return "v1," + b64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

bool signature_matches(const std::string& header, const std::string& whsec_secret,
                       std::string_view webhook_id, std::string_view timestamp,
                       std::string_view body) {
  auto expected = expected_signature(whsec_secret, webhook_id, timestamp, body);
  if (!expected) {
    return false;
  }
  std::istringstream entries(header);
  std::string entry;
  while (entries >> entry) {
    if (entry == *expected) {
      return true;
    }
  }
  return false;
}

} // namespace courier::test
