#include "actors/exit_reason.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace courier {

namespace {

constexpr caf::atom_value category = caf::atom("courier");

} // namespace

caf::error exit_reason(const error& e) {
  return caf::error{static_cast<std::uint8_t>(e.code), category, caf::make_message(e.message)};
}

error failure_of(const caf::error& reason) {
  if (!reason)
    return {errc::permanent, "stopped without an error"};
  if (reason.category() == category) {
    const auto& context = reason.context();
    auto message = context.match_elements<std::string>() ? context.get_as<std::string>(0) : "";
    return {static_cast<errc>(reason.code()), message};
  }
  return {errc::permanent, caf::to_string(reason)};
}

caf::error exception_to_error(caf::scheduled_actor*, std::exception_ptr& eptr) {
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& e) {
    return exit_reason({errc::permanent, e.what()});
  } catch (...) {
    return exit_reason({errc::permanent, "unknown exception"});
  }
}

} // namespace courier
