#include "runtime/admin/service.hpp"

#include "net/log.hpp"

namespace courier::admin {

api_service::api_service(service_options options)
    : options_(std::move(options)),
      pool_(options_.db, options_.connections, "courier/" + options_.node_id + "/admin") {}

void api_service::background(std::function<void(pqxx::work&)> job,
                             std::function<void(std::string)> failed) {
  pool_.run<bool>(
      [this, job = std::move(job)](pqxx::connection& conn) {
        return in_transaction<bool>(conn, [&](pqxx::work& tx) {
          job(tx);
          return true;
        });
      },
      [failed = std::move(failed)](result<bool> r) {
        if (!r.ok())
          failed(r.error().message);
      });
}

std::optional<net::admin_response> api_service::problem_of(const std::function<void()>& body) {
  auto log = net::logger("admin");
  try {
    body();
    return std::nullopt;
  } catch (const problem_error& e) {
    return to_response(e.p);
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (state.rfind("22", 0) == 0)
      return to_response(invalid_value({}, db_message(e)));
    if (state == "P0002")
      return to_response(not_found(db_message(e)));
    if (state == "55000")
      return to_response(conflict(db_message(e)));
    if (state == "57014")
      return to_response({503,
                          "the database did not answer within " +
                              std::to_string(options_.statement_timeout.count()) + " ms",
                          {}});
    // 40xxx serialization, 53xxx resources, 57xxx shutdown, 08xxx connection: transient.
    for (const char* transient : {"40", "53", "57", "08"})
      if (state.rfind(transient, 0) == 0)
        return to_response({503, "database busy: " + db_message(e), {}});
    log->error("admin request failed in the database ({}): {}", state, e.what());
    return to_response({500, "database error " + state + ": " + db_message(e), {}});
  } catch (const pqxx::broken_connection& e) {
    return to_response({503, "database connection lost: " + db_message(e), {}});
  } catch (const pqxx::transaction_rollback& e) {
    return to_response({503, "database busy: " + db_message(e), {}});
  } catch (const pqxx::in_doubt_error& e) {
    return to_response({503, "the database did not confirm the change: " + db_message(e), {}});
  } catch (const std::exception& e) {
    log->error("admin request failed: {}", e.what());
    return to_response({500, e.what(), {}});
  }
}

std::string plain_message(std::string text) {
  for (const char* prefix : {"ERROR:  ", "courier: "})
    if (text.rfind(prefix, 0) == 0)
      text.erase(0, std::char_traits<char>::length(prefix));
  if (auto end = text.find('\n'); end != std::string::npos)
    text.erase(end);
  return text;
}

net::admin_response json_response(int status, const std::string& json_text) {
  return {status, "application/json", json_text + "\n", {}};
}

} // namespace courier::admin
