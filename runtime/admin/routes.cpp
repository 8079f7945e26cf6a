#include "runtime/admin/routes.hpp"

namespace courier::admin {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1; // paths start with '/'
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos)
      slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// The template's placeholders bound to `path`'s segments, or false when it does not fit.
bool fits(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  auto want = segments(pattern), got = segments(path);
  if (want.size() != got.size())
    return false;
  params.clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!want[i].empty() && want[i].front() == '{') {
      if (got[i].empty())
        return false;
      params.emplace_back(got[i]);
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  return true;
}

} // namespace

const std::vector<route>& routes() {
  static const std::vector<route> table{
      {"GET", "/", status_page},
      {"GET", "/v1/hooks", list_hooks},
      {"POST", "/v1/hooks", create_hook},
      {"GET", "/v1/hooks/{id}", get_hook},
      {"PATCH", "/v1/hooks/{id}", update_hook},
      {"DELETE", "/v1/hooks/{id}", delete_hook},
      {"POST", "/v1/hooks/{id}/pause", pause_hook},
      {"POST", "/v1/hooks/{id}/resume", resume_hook},
      {"POST", "/v1/hooks/{id}/rotate-secret", rotate_secret},
      {"POST", "/v1/hooks/{id}/test", test_hook},
      {"POST", "/v1/hooks/{id}/replay", rewind_hook},
      {"GET", "/v1/deliveries", list_deliveries},
      {"GET", "/v1/dead-letters", list_dead_letters},
      {"POST", "/v1/dead-letters/replay", replay_dead_letters},
      {"POST", "/v1/dead-letters/{id}/replay", replay_dead_letter},
      {"GET", "/v1/cluster", cluster_status},
      {"GET", "/v1/openapi.json", openapi_document},
  };
  return table;
}

route_match match_route(std::string_view method, std::string_view path) {
  route_match out;
  std::vector<std::string> params;
  for (const auto& r : routes()) {
    if (!fits(r.path, path, params))
      continue;
    if (method == r.method) {
      out.found = &r;
      out.params = std::move(params);
      return out;
    }
    out.allowed += (out.allowed.empty() ? "" : ", ") + std::string{r.method};
  }
  return out;
}

} // namespace courier::admin
