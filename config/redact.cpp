// Password masking for both libpq spellings: URLs and keyword=value strings.
#include "config/redact.hpp"
#include "config/text.hpp"

namespace courier::config {

namespace {

constexpr const char* mask = "***";

// libpq knows password and sslpassword; anything naming a password is treated alike.
bool is_secret_key(const std::string& key) {
  return key.find("password") != std::string::npos;
}

std::string redact_url(const std::string& url, std::size_t authority_begin) {
  std::string out = url;
  std::size_t authority_end = out.find_first_of("/?#", authority_begin);
  if (authority_end == std::string::npos)
    authority_end = out.size();
  const std::size_t at = out.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority_begin) {
    const std::size_t colon = out.find(':', authority_begin);
    if (colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, mask);
  }
  // Query parameters: ?password=x&sslpassword=y
  std::size_t pos = out.find('?', authority_begin);
  while (pos != std::string::npos && pos < out.size()) {
    const std::size_t name_begin = pos + 1;
    const std::size_t eq = out.find('=', name_begin);
    const std::size_t amp = out.find('&', name_begin);
    if (eq == std::string::npos)
      break;
    if (amp != std::string::npos && amp < eq) {
      pos = amp;
      continue;
    }
    const std::size_t value_end = amp == std::string::npos ? out.size() : amp;
    if (is_secret_key(out.substr(name_begin, eq - name_begin)))
      out.replace(eq + 1, value_end - eq - 1, mask);
    pos = out.find('&', eq);
  }
  return out;
}

// Follows libpq's keyword grammar: key = value, value bare or single-quoted, with
// backslash escapes in both.
std::string redact_keywords(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && is_space(text[i]))
      out += text[i++];
    const std::size_t key_begin = i;
    while (i < n && text[i] != '=' && !is_space(text[i]))
      ++i;
    const std::string key = text.substr(key_begin, i - key_begin);
    while (i < n && is_space(text[i]))
      ++i;
    if (i >= n || text[i] != '=') {
      out += text.substr(key_begin); // malformed: nothing more we can attribute to a key
      return out;
    }
    ++i;
    while (i < n && is_space(text[i]))
      ++i;
    const std::size_t value_begin = i;
    if (i < n && text[i] == '\'') {
      for (++i; i < n && text[i] != '\''; ++i)
        if (text[i] == '\\' && i + 1 < n)
          ++i;
      if (i < n)
        ++i; // closing quote
    } else {
      for (; i < n && !is_space(text[i]); ++i)
        if (text[i] == '\\' && i + 1 < n)
          ++i;
    }
    out += key + "=";
    out += is_secret_key(key) ? std::string(mask) : text.substr(value_begin, i - value_begin);
  }
  return out;
}

} // namespace

std::string redact_db(const std::string& conninfo) {
  const std::size_t scheme_end = conninfo.find("://");
  if (scheme_end != std::string::npos && conninfo.find('=') > scheme_end)
    return redact_url(conninfo, scheme_end + 3);
  if (conninfo.find('=') != std::string::npos)
    return redact_keywords(conninfo);
  return conninfo;
}

} // namespace courier::config
