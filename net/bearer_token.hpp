#pragma once
// The admin listener's credential check: "Authorization: Bearer <token>" (RFC 6750),
// or a token given another way.
// Pure; any thread.
#include <string_view>

namespace courier::net {

// Whether `authorization` (the raw header value) carries `token` under the Bearer scheme
// (scheme name case-insensitive). Both sides are hashed before a constant-time compare, so
// neither the token's content nor its length shows in the time taken. An empty `token`
// matches nothing.
bool bearer_token_matches(std::string_view authorization, std::string_view token);

// Whether `given` is `token`, compared the same way (hashed, constant time); for a token
// that arrives elsewhere than the Authorization header (the status page's ?token=). An
// empty `token` matches nothing.
bool token_equals(std::string_view given, std::string_view token);

} // namespace courier::net
