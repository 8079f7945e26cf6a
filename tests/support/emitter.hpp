#pragma once
// Test-side writers of the SQL surface (courier.create_hook / emit / emit_to) over
// libpqxx. The db_url overloads open one short connection per call; the transaction
// overloads write inside the caller's transaction. Stateless, thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace courier::test {

std::int64_t create_hook(const std::string& db_url, const std::string& url,
                         const std::string& secret,
                         const std::vector<std::string>& event_types = {"*"});

// Each returns the event id from courier.emit / courier.emit_to; the event is
// committed before these return.
std::int64_t emit(const std::string& db_url, const std::string& type,
                  const std::string& payload_json);
std::int64_t emit_to(const std::string& db_url, std::int64_t hook_id, const std::string& type,
                     const std::string& payload_json);

// Inside the caller's transaction: nothing is delivered unless it commits.
std::int64_t emit(pqxx::transaction_base& tx, const std::string& type,
                  const std::string& payload_json);
std::int64_t emit_to(pqxx::transaction_base& tx, std::int64_t hook_id, const std::string& type,
                     const std::string& payload_json);

// Bulk loads: one statement for all payloads, emitted in the given order; returns the ids.
std::vector<std::int64_t> emit_batch(pqxx::transaction_base& tx, const std::string& type,
                                     const std::vector<std::string>& payloads_json);
std::vector<std::int64_t> emit_batch_to(pqxx::transaction_base& tx, std::int64_t hook_id,
                                        const std::string& type,
                                        const std::vector<std::string>& payloads_json);
// Commits `count` events {"n": first..first+count-1} to one hook in transactions of
// at most `per_transaction` events.
void emit_numbered_to(const std::string& db_url, std::int64_t hook_id, const std::string& type,
                      std::int64_t count, std::int64_t first = 1,
                      std::int64_t per_transaction = 10000);

// {"n": first}, {"n": first+1}, ... as JSON text.
std::vector<std::string> numbered_payloads(std::int64_t count, std::int64_t first = 1);

// A PostgreSQL array literal {"a","b"} for a text[] parameter.
std::string pg_text_array(const std::vector<std::string>& items);

// "whsec_" + base64 of 24 random bytes (OpenSSL RAND_bytes).
std::string random_secret();

} // namespace courier::test
