#pragma once
// lease_store on one dedicated libpq session (never through a pooler: session-level
// advisory locks must stay on this exact backend). Client- and server-side TCP
// keepalives/user timeouts are set so that a dead peer is noticed, and the server's
// dead-client detection is slower than the node's own self-expiry.
#include "actors/ports/lease_store.hpp"
#include "runtime/pg_errors.hpp"

#include <memory>
#include <pqxx/connection>

namespace courier {

struct lease_store_options {
  std::string conninfo;
  std::string node_id;
  std::string version;
  int partitions = 256;
  std::chrono::milliseconds self_expiry{5000};
};

class pg_lease_store final : public lease_store {
public:
  explicit pg_lease_store(lease_store_options opts);
  ~pg_lease_store() override;

  result<void> open() override;
  bool is_open() const override;
  void close() override;
  result<cluster_view> heartbeat(std::chrono::milliseconds live_within,
                                 std::chrono::milliseconds dead_after) override;
  result<std::vector<lease_grant>> acquire(const std::vector<partition_id>& candidates) override;
  result<void> release(const std::vector<partition_id>& partitions) override;
  result<void> mark_stopping() override;
  result<void> deregister() override;

private:
  // Runs f on the open session; any failure closes it (its locks can no longer be
  // vouched for) and comes back classified, prefixed with `what`.
  template <class F>
  auto on_session(const char* what, F&& f) -> typename as_result<decltype(f())>::type;

  lease_store_options opts_;
  std::unique_ptr<pqxx::connection> conn_;
};

} // namespace courier
