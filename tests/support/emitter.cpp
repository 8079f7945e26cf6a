#include "tests/support/emitter.hpp"

#include "tests/support/signature.hpp"

#include <algorithm>
#include <stdexcept>

#include <openssl/rand.h>

namespace courier::test {

std::string pg_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) {
      out += ',';
    }
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::int64_t create_hook(const std::string& db_url, const std::string& url,
                         const std::string& secret, const std::vector<std::string>& event_types) {
  pqxx::connection conn(db_url);
  pqxx::work tx(conn);
  auto row = tx.exec_params1("SELECT courier.create_hook($1, $2, $3::text[])", url, secret,
                             pg_text_array(event_types));
  tx.commit();
  return row[0].as<std::int64_t>();
}

std::int64_t emit(pqxx::transaction_base& tx, const std::string& type,
                  const std::string& payload_json) {
  return tx.exec_params1("SELECT courier.emit($1, $2::jsonb)", type, payload_json)[0]
      .as<std::int64_t>();
}

std::int64_t emit_to(pqxx::transaction_base& tx, std::int64_t hook_id, const std::string& type,
                     const std::string& payload_json) {
  return tx
      .exec_params1("SELECT courier.emit_to($1, $2, $3::jsonb)", hook_id, type, payload_json)[0]
      .as<std::int64_t>();
}

std::int64_t emit(const std::string& db_url, const std::string& type,
                  const std::string& payload_json) {
  pqxx::connection conn(db_url);
  pqxx::work tx(conn);
  auto id = emit(tx, type, payload_json);
  tx.commit();
  return id;
}

std::int64_t emit_to(const std::string& db_url, std::int64_t hook_id, const std::string& type,
                     const std::string& payload_json) {
  pqxx::connection conn(db_url);
  pqxx::work tx(conn);
  auto id = emit_to(tx, hook_id, type, payload_json);
  tx.commit();
  return id;
}

namespace {

std::vector<std::int64_t> ids_of(const pqxx::result& rows) {
  std::vector<std::int64_t> ids;
  ids.reserve(rows.size());
  for (const auto& row : rows) {
    ids.push_back(row[0].as<std::int64_t>());
  }
  return ids;
}

} // namespace

// unnest ... WITH ORDINALITY scans in array order and nothing re-sorts before the
// function runs, so events enter the stream in payload order.
std::vector<std::int64_t> emit_batch(pqxx::transaction_base& tx, const std::string& type,
                                     const std::vector<std::string>& payloads_json) {
  return ids_of(tx.exec_params("SELECT courier.emit($1, p::jsonb) FROM unnest($2::text[]) "
                               "WITH ORDINALITY AS t(p, i)",
                               type, pg_text_array(payloads_json)));
}

std::vector<std::int64_t> emit_batch_to(pqxx::transaction_base& tx, std::int64_t hook_id,
                                        const std::string& type,
                                        const std::vector<std::string>& payloads_json) {
  return ids_of(tx.exec_params("SELECT courier.emit_to($1, $2, p::jsonb) FROM "
                               "unnest($3::text[]) WITH ORDINALITY AS t(p, i)",
                               hook_id, type, pg_text_array(payloads_json)));
}

std::vector<std::string> numbered_payloads(std::int64_t count, std::int64_t first) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  for (std::int64_t i = 0; i < count; ++i) {
    out.push_back("{\"n\": " + std::to_string(first + i) + "}");
  }
  return out;
}

void emit_numbered_to(const std::string& db_url, std::int64_t hook_id, const std::string& type,
                      std::int64_t count, std::int64_t first, std::int64_t per_transaction) {
  if (per_transaction <= 0) {
    throw std::invalid_argument("emit_numbered_to: per_transaction must be positive");
  }
  pqxx::connection conn(db_url);
  for (std::int64_t done = 0; done < count;) {
    std::int64_t n = std::min(per_transaction, count - done);
    pqxx::work tx(conn);
    emit_batch_to(tx, hook_id, type, numbered_payloads(n, first + done));
    tx.commit();
    done += n;
  }
}

std::string random_secret() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("random_secret: RAND_bytes failed");
  }
  return "whsec_" +
         b64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

} // namespace courier::test
