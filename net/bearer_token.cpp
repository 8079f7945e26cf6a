#include "net/bearer_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace courier::net {

namespace {

using digest = std::array<unsigned char, 32>;

// False when OpenSSL cannot hash (out of memory): then nothing may match.
bool sha256(std::string_view text, digest& out) {
  unsigned int length = 0;
  return EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr) == 1 &&
         length == out.size();
}

bool is_bearer_scheme(std::string_view scheme) {
  constexpr std::string_view bearer = "bearer";
  if (scheme.size() != bearer.size())
    return false;
  for (std::size_t i = 0; i < bearer.size(); ++i)
    if ((scheme[i] | 0x20) != bearer[i])
      return false;
  return true;
}

} // namespace

bool bearer_token_matches(std::string_view authorization, std::string_view token) {
  if (token.empty())
    return false;
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !is_bearer_scheme(authorization.substr(0, space)))
    return false;
  std::string_view given = authorization.substr(space);
  while (!given.empty() && given.front() == ' ')
    given.remove_prefix(1);
  return token_equals(given, token);
}

bool token_equals(std::string_view given, std::string_view token) {
  if (token.empty())
    return false;
  digest expected{};
  digest actual{};
  return sha256(token, expected) && sha256(given, actual) &&
         CRYPTO_memcmp(expected.data(), actual.data(), expected.size()) == 0;
}

} // namespace courier::net
