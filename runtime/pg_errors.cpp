#include "runtime/pg_errors.hpp"

#include <pqxx/except>

namespace courier {

error classify_current_exception() {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return {errc::retryable, std::string{"connection lost: "} + e.what()};
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    // 40xxx serialization/deadlock, 08xxx connection, 57xxx shutdown/cancel,
    // 53xxx resources: transient. Everything else will fail the same way again.
    bool transient = state.rfind("40", 0) == 0 || state.rfind("08", 0) == 0 ||
                     state.rfind("57", 0) == 0 || state.rfind("53", 0) == 0;
    return {transient ? errc::retryable : errc::permanent, "sql error " + state + ": " + e.what()};
  } catch (const pqxx::transaction_rollback& e) {
    // 40xxx as libpqxx 6 throws them (serialization_failure, deadlock_detected, ...):
    // not sql_error, and without a SQLSTATE.
    return {errc::retryable, std::string{"transaction rolled back: "} + e.what()};
  } catch (const pqxx::in_doubt_error& e) {
    return {errc::retryable, std::string{"commit in doubt: "} + e.what()};
  } catch (const std::exception& e) {
    return {errc::permanent, e.what()};
  } catch (...) {
    return {errc::permanent, "unknown exception"};
  }
}

} // namespace courier
