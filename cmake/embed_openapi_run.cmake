# Script mode: writes OUT, a C++ file defining courier::admin::openapi_json() with the
# text of IN (runtime/admin/openapi.json).
file(READ ${IN} text)
set(body "// Generated from runtime/admin/openapi.json by cmake/embed_openapi_run.cmake. Do not edit.\n")
string(APPEND body "#include \"runtime/admin/openapi.hpp\"\n\nnamespace courier::admin {\n\n")
string(APPEND body "const std::string& openapi_json() {\n")
string(APPEND body "  static const std::string text = R\"courier_openapi(${text})courier_openapi\";\n")
string(APPEND body "  return text;\n}\n\n} // namespace courier::admin\n")
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
