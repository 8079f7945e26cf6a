#pragma once
// Hides passwords in libpq connection strings before they reach logs or error messages.
#include <string>

namespace courier::config {

// "postgres://u:secret@h/db?password=x" -> "postgres://u:***@h/db?password=***";
// "host=h password='s e' dbname=d" -> "host=h password=*** dbname=d".
std::string redact_db(const std::string& conninfo);

} // namespace courier::config
