#pragma once
// What the admin API's handlers share: their own small Postgres pool (never the delivery
// pool), the node's HTTP client (for test pings) and settings. Handlers parse on the
// admin server's thread and hand their database work to query(), which runs it on a
// pool thread in one transaction and answers from there. Owned by admin_api; lives until
// the node stops.
#include "net/admin_server.hpp"
#include "net/http_sender.hpp"
#include "runtime/admin/problem.hpp"
#include "runtime/pg_pool.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace courier::admin {

struct service_options {
  std::string db;
  std::string node_id;
  bool allow_private_targets = false;
  std::shared_ptr<net::http_sender> http; // the node's client: its TLS, guard and limits
  std::string user_agent;
  std::chrono::milliseconds http_timeout{15000};
  int connections = 2;
  // A statement running longer is cancelled and answered 503: an operator's query must
  // not hold rows that deliveries or emits wait for.
  std::chrono::milliseconds statement_timeout{10000};
};

// Thrown inside a job to answer with this problem (the transaction is rolled back).
struct problem_error : std::exception {
  problem p;
  explicit problem_error(problem pr) : p(std::move(pr)) {}
  const char* what() const noexcept override { return p.detail.c_str(); }
};

class api_service {
public:
  explicit api_service(service_options options);
  const service_options& options() const { return options_; }

  // Runs `job` in one transaction on an admin connection (pool thread). Its value goes to
  // `then`, still on that thread, which answers (perhaps later); when the job fails, the
  // failure is answered as a problem: 22xxx 422, P0002 404, 55000 409, a cancelled
  // statement or lost connection 503, anything else 500.
  template <class T>
  void query(std::function<T(pqxx::work&)> job, std::function<void(T)> then,
             net::admin_responder respond) {
    pool_.run<std::optional<net::admin_response>>(
        [this, job = std::move(job), then = std::move(then)](pqxx::connection& conn) {
          return problem_of([&] {
            T value = in_transaction<T>(conn, job);
            then(std::move(value));
          });
        },
        [respond](result<std::optional<net::admin_response>> r) {
          if (!r.ok())
            respond(to_response({503, "database unavailable: " + r.error().message, {}}));
          else if (r.value())
            respond(std::move(*r.value()));
        });
  }

  // query() whose job makes the answer itself.
  void answer(std::function<net::admin_response(pqxx::work&)> job, net::admin_responder respond) {
    query<net::admin_response>(std::move(job), respond, respond);
  }

  // Runs `job` alone (not answering anyone): background work such as retiring secrets.
  void background(std::function<void(pqxx::work&)> job, std::function<void(std::string)> failed);

  void stop() { pool_.stop(); }

private:
  template <class T>
  T in_transaction(pqxx::connection& conn, const std::function<T(pqxx::work&)>& job) {
    pqxx::work tx{conn};
    tx.exec("SET LOCAL statement_timeout = " + std::to_string(options_.statement_timeout.count()));
    T value = job(tx);
    tx.commit();
    return value;
  }
  // Runs `body`; a problem it throws or a database error it raises becomes the response
  // to send (nullopt when it ran through: it answered itself).
  std::optional<net::admin_response> problem_of(const std::function<void()>& body);

  service_options options_;
  pg_pool pool_;
};

// A Postgres message without "ERROR:", the "courier: " prefix, or the hint and context
// lines libpq appends: one line for a detail.
std::string plain_message(std::string text);
inline std::string db_message(const std::exception& e) {
  return plain_message(e.what());
}

// The answer for a JSON document.
net::admin_response json_response(int status, const std::string& json_text);

} // namespace courier::admin
