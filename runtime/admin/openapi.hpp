#pragma once
// The admin API's OpenAPI 3.1 document: runtime/admin/openapi.json, embedded at build
// time (cmake/embed_openapi_run.cmake) and served at GET /v1/openapi.json. It describes
// exactly the routes of routes.cpp (tests/unit/admin/openapi_test checks both ways).
#include <string>

namespace courier::admin {

const std::string& openapi_json();

} // namespace courier::admin
