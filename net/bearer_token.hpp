#pragma once
// The admin listener's credential check: "Authorization: Bearer <token>" (RFC 6750).
// Pure; any thread.
#include <string_view>

namespace courier::net {

// Whether `authorization` (the raw header value) carries `token` under the Bearer scheme
// (scheme name case-insensitive). Both sides are hashed before a constant-time compare, so
// neither the token's content nor its length shows in the time taken. An empty `token`
// matches nothing.
bool bearer_token_matches(std::string_view authorization, std::string_view token);

} // namespace courier::net
