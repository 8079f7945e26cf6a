#pragma once
// What the status page shows, read from Postgres in one transaction. Every query is
// bounded (LIMIT, a capped count) and none goes through courier.hook_status, whose
// per-row subqueries cost hundreds of milliseconds at 100,000 hooks: the page refreshes
// on every node every few seconds and must not compete with delivery. Blocking; the
// admin pool's thread.
#include "runtime/admin/status_page.hpp"

#include <pqxx/transaction_base>

namespace courier::admin {

// Rows per list on the page.
inline constexpr int status_list_limit = 15;
// Parked dead letters are counted up to this many.
inline constexpr int dead_letter_count_cap = 10000;

status_snapshot read_status_snapshot(pqxx::transaction_base& tx, std::string answered_by);

// "Recent failures": the newest failed attempts of the attempt log (courier.attempts),
// with the answer's status and excerpt or the transport failure.
std::vector<status_failure> read_recent_failures(pqxx::transaction_base& tx, int limit);

} // namespace courier::admin
