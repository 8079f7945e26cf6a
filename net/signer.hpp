#pragma once
// Standard Webhooks signing (https://www.standardwebhooks.com): v1 = HMAC-SHA256
// over "msg_id.timestamp.body" with the base64-decoded part of a whsec_ secret.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace courier::net {

// The raw key of a "whsec_<base64>" secret (the prefix is optional); nullopt when
// the base64 part is invalid or empty.
std::optional<std::string> decode_secret(std::string_view secret);

// "v1,<base64 sig>" for one key. Throws std::runtime_error only when OpenSSL itself fails.
std::string sign_v1(std::string_view key, std::string_view msg_id, std::int64_t timestamp,
                    std::string_view body);

// The webhook-signature header value: one v1 signature per secret, space-separated
// (several during rotation). Secrets that fail to decode are skipped.
std::string signature_header(const std::vector<std::string>& secrets, std::string_view msg_id,
                             std::int64_t timestamp, std::string_view body);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

} // namespace courier::net
