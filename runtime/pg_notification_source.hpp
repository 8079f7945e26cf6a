#pragma once
// notification_source on a dedicated libpq session (LISTEN needs a session, not a
// pooled connection).
#include "actors/ports/notification_source.hpp"
#include "runtime/pg_errors.hpp"

#include <memory>
#include <pqxx/connection>
#include <string>

namespace courier {

class pg_notification_source final : public notification_source {
public:
  pg_notification_source(std::string conninfo, std::string node_id);
  ~pg_notification_source() override;

  result<void> open() override;
  bool is_open() const override;
  result<std::vector<wakeup>> wait(std::chrono::milliseconds timeout) override;

private:
  class receiver;
  // Runs f on the open session; any failure closes it and comes back classified,
  // prefixed with `what`.
  template <class F>
  auto on_session(const char* what, F&& f) -> typename as_result<decltype(f())>::type;
  void close();

  std::string conninfo_;
  std::string node_id_;
  std::unique_ptr<pqxx::connection> conn_;
  std::vector<std::unique_ptr<receiver>> receivers_;
  std::vector<wakeup> pending_;
};

} // namespace courier
