#pragma once
// The versioned schema migrations, embedded at build time from runtime/sql/NNN_*.sql
// (see cmake/embed_sql.cmake). Applied in version order by runtime/migrator.
#include <string>
#include <vector>

namespace courier::schema {

struct migration {
  int version;
  std::string name;
  std::string sql;
};

const std::vector<migration>& migrations();

} // namespace courier::schema
