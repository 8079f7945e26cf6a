#pragma once
// An independent Standard Webhooks v1 implementation (OpenSSL HMAC, own base64) so
// tests do not trust courier's net/signer to check itself. Stateless, thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace courier::test {

std::string b64_encode(std::string_view bytes);
std::optional<std::string> b64_decode(std::string_view text); // nullopt on invalid input

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>" with key = base64 part of a whsec_
// secret; nullopt when the secret does not decode.
std::optional<std::string> expected_signature(const std::string& whsec_secret,
                                              std::string_view webhook_id,
                                              std::string_view timestamp, std::string_view body);

// True when any space-separated entry of `header` equals the expected v1 signature.
bool signature_matches(const std::string& header, const std::string& whsec_secret,
                       std::string_view webhook_id, std::string_view timestamp,
                       std::string_view body);

} // namespace courier::test
