#pragma once
// JSON documents built by Postgres, as the admin API answers with them: compact, and
// lists in pages ordered by id (?after=<last id seen>&limit=N, or ?before= newest first). Pure;
// pool threads.
#include <pqxx/result>

#include <string>

namespace courier::admin {

// Postgres' json text (json_build_object spaces it out) the way every answer prints JSON:
// compact, members in the order built.
std::string compact_json(const std::string& text);

// `rows` are (JSON document text, id), fetched with LIMIT limit + 1: the extra row only
// says that a next page exists. Returns {"items": [...], "<cursor>": id | null}: the
// value to pass as ?after= (ascending lists) or ?before= (newest-first lists).
std::string page_json(const pqxx::result& rows, int limit, const char* cursor = "next_after");

} // namespace courier::admin
