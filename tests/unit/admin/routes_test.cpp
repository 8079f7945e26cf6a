// The admin API's routing (runtime/admin/routes.hpp) and its OpenAPI document: the
// document describes exactly the routes in the router's own table.
#include "runtime/admin/openapi.hpp"
#include "runtime/admin/problem.hpp"
#include "runtime/admin/routes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace courier::admin {
namespace {

TEST(routes, bind_placeholders_and_tell_404_from_405) {
  auto pause = match_route("POST", "/v1/hooks/17/pause");
  ASSERT_NE(pause.found, nullptr);
  EXPECT_EQ(std::string{pause.found->path}, "/v1/hooks/{id}/pause");
  EXPECT_EQ(pause.params, std::vector<std::string>{"17"});

  auto bulk = match_route("POST", "/v1/dead-letters/replay");
  ASSERT_NE(bulk.found, nullptr);
  EXPECT_TRUE(bulk.params.empty());

  auto wrong_method = match_route("PUT", "/v1/hooks/17");
  EXPECT_EQ(wrong_method.found, nullptr);
  EXPECT_EQ(wrong_method.allowed, "GET, PATCH, DELETE");

  for (const char* unknown : {"/v1/hooks/17/pause/now", "/v1/hooks/", "/v1/hook", "/v1", "/v1/",
                              "/v1//pause", "/v2/hooks"}) {
    auto none = match_route("GET", unknown);
    EXPECT_EQ(none.found, nullptr) << unknown;
    EXPECT_TRUE(none.allowed.empty()) << unknown;
  }
}

TEST(routes, each_method_and_path_once) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : routes())
    EXPECT_TRUE(seen.emplace(r.method, r.path).second) << r.method << " " << r.path;
}

// OpenAPI operations of the checked-in document, as (METHOD, path).
std::set<std::pair<std::string, std::string>> documented() {
  auto doc = nlohmann::json::parse(openapi_json());
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& [path, item] : doc.at("paths").items())
    for (const auto& [key, operation] : item.items()) {
      if (key == "parameters")
        continue;
      std::string method = key;
      for (auto& c : method)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.emplace(method, path);
    }
  return out;
}

TEST(openapi, describes_every_route_of_the_router_and_no_other) {
  auto doc = nlohmann::json::parse(openapi_json());
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const auto described = documented();
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& r : routes()) {
    routed.emplace(r.method, r.path);
    EXPECT_EQ(described.count({r.method, r.path}), 1u)
        << r.method << " " << r.path << " is routed but not in runtime/admin/openapi.json";
  }
  for (const auto& [method, path] : described)
    EXPECT_EQ(routed.count({method, path}), 1u)
        << method << " " << path << " is documented but not routed";
}

TEST(openapi, every_reference_resolves) {
  auto doc = nlohmann::json::parse(openapi_json());
  std::vector<const nlohmann::json*> pending{&doc};
  int refs = 0;
  while (!pending.empty()) {
    const auto* node = pending.back();
    pending.pop_back();
    if (node->is_object() && node->contains("$ref")) {
      ++refs;
      const std::string ref = node->at("$ref");
      ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
      EXPECT_NO_THROW(doc.at(nlohmann::json::json_pointer(ref.substr(1)))) << ref;
    }
    if (node->is_structured())
      for (const auto& child : *node)
        pending.push_back(&child);
  }
  EXPECT_GT(refs, 20);
}

TEST(problem, is_rfc9457_problem_json_naming_the_field) {
  auto r = to_response(invalid_value("url", "URL scheme must be http or https"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.at("status"), 422);
  EXPECT_EQ(body.at("field"), "url");
  EXPECT_EQ(body.at("detail"), "URL scheme must be http or https");
  EXPECT_EQ(body.at("type"), "urn:courier:problem:invalid-value");
  EXPECT_FALSE(body.at("title").get<std::string>().empty());
  // Text from a request or the database may be any bytes: still one valid document.
  auto odd = nlohmann::json::parse(to_response(not_found("no hook '\xff\x01'")).body);
  EXPECT_FALSE(odd.contains("field"));
  EXPECT_EQ(odd.at("status"), 404);
}

} // namespace
} // namespace courier::admin
