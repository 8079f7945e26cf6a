#pragma once
// The edge where libpqxx exceptions become courier errors (actors/domain/error.hpp):
// every Postgres adapter (pool jobs, the lease session, the LISTEN session) classifies
// here, so actors never see a raw pqxx exception. Runs on whichever thread made the
// libpq call.
#include "actors/domain/error.hpp"

#include <type_traits>

namespace courier {

// Classifies the exception being handled; call it only inside a catch block.
// Connection loss, SQLSTATE classes 08/40/53/57, rollbacks and commits in doubt are
// retryable; everything else fails the same way again, so it is permanent.
error classify_current_exception();

template <class T> struct as_result { using type = result<T>; };
template <class T> struct as_result<result<T>> { using type = result<T>; };

// Calls f() (returning a value, a result or nothing) and returns its result, or the
// classified exception it threw.
template <class F> auto guarded(F&& f) -> typename as_result<decltype(f())>::type {
  try {
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      return {};
    } else {
      return f();
    }
  } catch (...) {
    return classify_current_exception();
  }
}

} // namespace courier
