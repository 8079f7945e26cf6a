#include "runtime/admin/requests.hpp"

#include "config/node_config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace courier::admin {

namespace {

using json = nlohmann::json;

// Deep enough for every request; shallow enough that no recursion anywhere is at risk.
constexpr int max_depth = 8;
constexpr auto max_overlap = std::chrono::hours{24 * 365};

// Nesting depth of arrays and objects outside strings, stopping early past `limit`.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit)
        return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// The body as a JSON object whose members are all in `allowed`.
parsed<json> parse_object(std::string_view body, std::initializer_list<const char*> allowed) {
  if (nesting_depth(body, max_depth) > max_depth)
    return malformed("the body nests arrays or objects more than " + std::to_string(max_depth) +
                     " deep");
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded())
    return malformed("the body is not valid JSON (UTF-8)");
  if (!doc.is_object())
    return malformed("the body must be a JSON object");
  for (const auto& item : doc.items()) {
    const auto& name = item.key();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; }))
      return malformed("unknown field '" + name + "'", name);
  }
  return doc;
}

// libpq passes text parameters as C strings: a NUL would cut the value short.
std::optional<problem> check_text(const char* field, const std::string& value) {
  if (value.find('\0') != std::string::npos)
    return invalid_value(field, std::string{field} + " must not contain NUL characters");
  return std::nullopt;
}

std::optional<problem> read_string(const json& obj, const char* field,
                                   std::optional<std::string>& out) {
  auto it = obj.find(field);
  if (it == obj.end())
    return std::nullopt;
  if (!it->is_string())
    return invalid_value(field, std::string{field} + " must be a string");
  out = it->get<std::string>();
  return check_text(field, *out);
}

std::optional<problem> read_required_string(const json& obj, const char* field, std::string& out) {
  std::optional<std::string> value;
  if (auto p = read_string(obj, field, value))
    return p;
  if (!value)
    return invalid_value(field, std::string{field} + " is required");
  out = std::move(*value);
  return std::nullopt;
}

std::optional<problem> read_string_list(const json& obj, const char* field,
                                        std::optional<std::vector<std::string>>& out) {
  auto it = obj.find(field);
  if (it == obj.end())
    return std::nullopt;
  const std::string must = std::string{field} + " must be an array of strings";
  if (!it->is_array())
    return invalid_value(field, must);
  std::vector<std::string> values;
  for (const auto& element : *it) {
    if (!element.is_string())
      return invalid_value(field, must);
    values.push_back(element.get<std::string>());
    if (auto p = check_text(field, values.back()))
      return p;
  }
  out = std::move(values);
  return std::nullopt;
}

std::optional<problem> read_id(const json& obj, const char* field,
                               std::optional<std::int64_t>& out) {
  auto it = obj.find(field);
  if (it == obj.end())
    return std::nullopt;
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0)
    return invalid_value(field, std::string{field} + " must be a positive integer");
  out = it->get<std::int64_t>();
  return std::nullopt;
}

std::optional<problem> read_options(const json& obj, hook_option_values& out) {
  auto it = obj.find("options");
  if (it == obj.end())
    return std::nullopt;
  if (!it->is_object())
    return invalid_value("options", "options must be a JSON object of option names and values");
  for (const auto& item : it->items()) {
    if (auto p = check_text("options", item.key()))
      return p;
    out.emplace_back(item.key(), item.value().dump());
  }
  return std::nullopt;
}

// Turns the first problem of a chain of readers into the result.
template <class T, class... Checks> parsed<T> first_problem_or(T value, Checks... checks) {
  for (auto& p : {checks...})
    if (p)
      return *p;
  return value;
}

// Query string parameters, percent-decoded; repeated or unknown names are refused.
parsed<std::map<std::string, std::string>> parse_query(std::string_view query,
                                                       std::initializer_list<const char*> allowed) {
  std::map<std::string, std::string> params;
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    auto end = query.find('&', start);
    auto pair = query.substr(start, end == std::string_view::npos ? end : end - start);
    start = end == std::string_view::npos ? query.size() + 1 : end + 1;
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    auto value = eq == std::string_view::npos ? std::optional<std::string>{""}
                                              : percent_decode(pair.substr(eq + 1));
    if (!name || !value || name->find('\0') != std::string::npos ||
        value->find('\0') != std::string::npos)
      return malformed("the query string is not valid percent-encoding");
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return *name == a; }))
      return malformed("unknown query parameter '" + *name + "'", *name);
    if (!params.emplace(*name, *value).second)
      return malformed("query parameter '" + *name + "' given twice", *name);
  }
  return params;
}

std::optional<std::int64_t> parse_digits(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits)
    return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Reads the parameter when present: `make` turns its text into a value or nullopt.
template <class T, class Make>
std::optional<problem> read_param(const std::map<std::string, std::string>& params,
                                  const char* name, const char* expected, T& out, Make make) {
  auto it = params.find(name);
  if (it == params.end())
    return std::nullopt;
  auto value = make(it->second);
  if (!value)
    return invalid_value(name, std::string{name} + " must be " + expected);
  out = *value;
  return std::nullopt;
}

std::optional<problem> read_paging(const std::map<std::string, std::string>& params,
                                   std::int64_t& after, int& limit) {
  if (auto p = read_param(params, "after", "a non-negative integer", after,
                          [](const std::string& t) { return parse_digits(t, 18); }))
    return p;
  return read_param(params, "limit", "an integer from 1 to 1000", limit,
                    [](const std::string& t) -> std::optional<int> {
                      auto n = parse_digits(t, 4);
                      if (!n || *n < 1 || *n > max_page_size)
                        return std::nullopt;
                      return static_cast<int>(*n);
                    });
}

auto choice(std::initializer_list<const char*> choices) {
  return [choices](const std::string& t) -> std::optional<std::optional<std::string>> {
    for (const char* c : choices)
      if (t == c)
        return std::optional<std::string>{t};
    return std::nullopt;
  };
}

} // namespace

parsed<create_hook_request> parse_create_hook(std::string_view body) {
  auto doc = parse_object(body, {"url", "secret", "event_types", "options"});
  if (auto* p = std::get_if<problem>(&doc))
    return *p;
  const json& obj = std::get<json>(doc);
  create_hook_request out;
  std::optional<std::vector<std::string>> types;
  auto url = read_required_string(obj, "url", out.url);
  auto secret = read_required_string(obj, "secret", out.secret);
  auto listed = read_string_list(obj, "event_types", types);
  if (types)
    out.event_types = std::move(*types);
  auto options = read_options(obj, out.options);
  return first_problem_or(std::move(out), url, secret, listed, options);
}

parsed<update_hook_request> parse_update_hook(std::string_view body) {
  auto doc = parse_object(body, {"url", "event_types", "options"});
  if (auto* p = std::get_if<problem>(&doc))
    return *p;
  const json& obj = std::get<json>(doc);
  update_hook_request out;
  auto url = read_string(obj, "url", out.url);
  auto types = read_string_list(obj, "event_types", out.event_types);
  auto options = read_options(obj, out.options);
  return first_problem_or(std::move(out), url, types, options);
}

parsed<rotate_secret_request> parse_rotate_secret(std::string_view body) {
  auto doc = parse_object(body, {"secret", "overlap"});
  if (auto* p = std::get_if<problem>(&doc))
    return *p;
  const json& obj = std::get<json>(doc);
  rotate_secret_request out;
  if (auto p = read_required_string(obj, "secret", out.secret))
    return *p;
  std::optional<std::string> overlap;
  if (auto p = read_string(obj, "overlap", overlap))
    return *p;
  if (overlap) {
    const char* expected = "a duration of at most 8760h such as 90s, 30m or 24h";
    try {
      out.overlap = config::parse_duration(*overlap);
    } catch (const std::invalid_argument& e) {
      return invalid_value("overlap", std::string{"overlap must be "} + expected + ": " + e.what());
    }
    if (out.overlap > max_overlap)
      return invalid_value("overlap", std::string{"overlap must be "} + expected);
  }
  return out;
}

parsed<replay_request> parse_replay(std::string_view body) {
  auto doc = parse_object(body, {"hook_id", "since"});
  if (auto* p = std::get_if<problem>(&doc))
    return *p;
  const json& obj = std::get<json>(doc);
  replay_request out;
  if (auto p = read_id(obj, "hook_id", out.hook_id))
    return *p;
  if (auto p = read_string(obj, "since", out.since))
    return *p;
  if (out.since && !is_rfc3339(*out.since))
    return invalid_value("since", "since must be an RFC 3339 time such as 2024-05-01T12:00:00Z");
  if (!out.hook_id && !out.since)
    return invalid_value("hook_id", "name the dead letters to replay: hook_id, since or both");
  return out;
}

parsed<rewind_hook_request> parse_rewind_hook(std::string_view body) {
  auto doc = parse_object(body, {"from_seq"});
  if (auto* p = std::get_if<problem>(&doc))
    return *p;
  std::optional<std::int64_t> from;
  if (auto p = read_id(std::get<json>(doc), "from_seq", from))
    return *p;
  if (!from)
    return invalid_value("from_seq", "from_seq is required: the first seq to deliver again");
  return rewind_hook_request{*from};
}

parsed<empty_request> parse_empty_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return empty_request{};
  auto doc = parse_object(body, {});
  if (auto* p = std::get_if<problem>(&doc))
    return *p;
  return empty_request{};
}

parsed<hook_list_query> parse_hook_list_query(std::string_view query) {
  auto params = parse_query(query, {"state", "after", "limit", "order"});
  if (auto* p = std::get_if<problem>(&params))
    return *p;
  const auto& values = std::get<std::map<std::string, std::string>>(params);
  hook_list_query out;
  std::optional<std::string> order;
  if (auto p = read_param(values, "order", "id or backlog", order, choice({"id", "backlog"})))
    return *p;
  out.by_backlog = order == std::optional<std::string>{"backlog"};
  if (out.by_backlog && values.count("after") > 0)
    return invalid_value("after", "after pages lists by id; order=backlog is one page");
  if (auto p = read_param(values, "state", "active, paused, disabled or quarantined", out.state,
                          choice({"active", "paused", "disabled", "quarantined"})))
    return *p;
  if (auto p = read_paging(values, out.after, out.limit))
    return *p;
  return out;
}

parsed<delivery_list_query> parse_delivery_list_query(std::string_view query) {
  auto params = parse_query(query, {"hook_id", "seq", "from_seq", "to_seq", "outcome", "since",
                                    "until", "before", "limit"});
  if (auto* p = std::get_if<problem>(&params))
    return *p;
  const auto& values = std::get<std::map<std::string, std::string>>(params);
  delivery_list_query out;
  auto positive = [](const std::string& t) -> std::optional<std::optional<std::int64_t>> {
    auto id = parse_id(t);
    if (!id)
      return std::nullopt;
    return id;
  };
  auto time = [](const std::string& t) -> std::optional<std::optional<std::string>> {
    if (!is_rfc3339(t))
      return std::nullopt;
    return std::optional<std::string>{t};
  };
  const char* rfc3339 = "an RFC 3339 time such as 2024-05-01T12:00:00Z";
  for (auto [name, target] :
       {std::pair{"hook_id", &out.hook_id}, std::pair{"seq", &out.seq},
        std::pair{"from_seq", &out.from_seq}, std::pair{"to_seq", &out.to_seq}})
    if (auto p = read_param(values, name, "a positive integer", *target, positive))
      return *p;
  if (auto p = read_param(
          values, "outcome", "an attempt outcome (delivered, failed, timeout, ...)", out.outcome,
          choice({"delivered", "gone", "retry_after", "failed", "timeout", "connect", "tls",
                  "resolve", "refused_target", "protocol", "no_slot", "bad_url"})))
    return *p;
  if (auto p = read_param(values, "since", rfc3339, out.since, time))
    return *p;
  if (auto p = read_param(values, "until", rfc3339, out.until, time))
    return *p;
  if (auto p = read_param(values, "before", "a non-negative integer", out.before,
                          [](const std::string& t) { return parse_digits(t, 18); }))
    return *p;
  std::int64_t ignored_after = 0;
  if (auto p = read_paging(values, ignored_after, out.limit))
    return *p;
  return out;
}

parsed<dead_letter_list_query> parse_dead_letter_list_query(std::string_view query) {
  auto params = parse_query(query, {"hook_id", "state", "after", "limit"});
  if (auto* p = std::get_if<problem>(&params))
    return *p;
  const auto& values = std::get<std::map<std::string, std::string>>(params);
  dead_letter_list_query out;
  if (auto p = read_param(values, "hook_id", "a hook id", out.hook_id,
                          [](const std::string& t) -> std::optional<std::optional<std::int64_t>> {
                            auto id = parse_id(t);
                            if (!id)
                              return std::nullopt;
                            return id;
                          }))
    return *p;
  if (auto p = read_param(values, "state", "parked or replayed", out.state,
                          choice({"parked", "replayed"})))
    return *p;
  if (auto p = read_paging(values, out.after, out.limit))
    return *p;
  return out;
}

std::optional<std::string> percent_decode(std::string_view raw) {
  auto hex = [](char h) {
    return h >= '0' && h <= '9'   ? h - '0'
           : h >= 'a' && h <= 'f' ? h - 'a' + 10
           : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                  : -1;
  };
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '+') {
      out += ' ';
    } else if (raw[i] == '%') {
      if (i + 2 >= raw.size() || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0)
        return std::nullopt;
      out += static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
      i += 2;
    } else {
      out += raw[i];
    }
  }
  return out;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  auto id = parse_digits(text, 18);
  if (!id || *id == 0)
    return std::nullopt;
  return id;
}

bool is_rfc3339(std::string_view t) {
  // 2024-05-01T12:00:00[.123]Z or +02:00
  auto num = [&](std::size_t at, std::size_t len, int lo, int hi) {
    if (at + len > t.size())
      return false;
    auto v = parse_digits(t.substr(at, len), len);
    return v && *v >= lo && *v <= hi;
  };
  auto is = [&](std::size_t at, char c) {
    return at < t.size() && t[at] == c;
  };
  if (!(num(0, 4, 0, 9999) && is(4, '-') && num(5, 2, 1, 12) && is(7, '-') && num(8, 2, 1, 31) &&
        (is(10, 'T') || is(10, 't') || is(10, ' ')) && num(11, 2, 0, 23) && is(13, ':') &&
        num(14, 2, 0, 59) && is(16, ':') && num(17, 2, 0, 60)))
    return false;
  std::size_t at = 19;
  if (is(at, '.')) {
    std::size_t digits = 0;
    while (at + 1 + digits < t.size() && t[at + 1 + digits] >= '0' && t[at + 1 + digits] <= '9')
      ++digits;
    if (digits == 0 || digits > 9)
      return false;
    at += 1 + digits;
  }
  if (is(at, 'Z') || is(at, 'z'))
    return at + 1 == t.size();
  return (is(at, '+') || is(at, '-')) && num(at + 1, 2, 0, 23) && is(at + 3, ':') &&
         num(at + 4, 2, 0, 59) && at + 6 == t.size();
}

} // namespace courier::admin
