#pragma once
// The Postgres implementation of `store`: each call becomes one job on a pg_pool
// thread, except partition loads and fetches: those waiting together are read together
// (runtime/pg_batcher.hpp). Cursor, failure and dead-letter writes are fenced by the
// lease epoch.
#include "actors/ports/store.hpp"
#include "runtime/pg_batcher.hpp"
#include "runtime/pg_pool.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace courier {

// One hook's fetch_events, as the batch that reads it sees it.
struct head_request {
  hook_id hook{};
  stream_seq after{};
  int limit = 0;
  std::int64_t max_bytes = 0;
};

class pg_store final : public store {
public:
  // attempt_retention: how long the attempt log keeps a day (maintain_outbox drops older).
  // background_pool: the connection(s) for work no delivery waits for, the attempt log's
  // writes and the backlog scan, so that they never hold one the fetches need (null:
  // `pool` serves them too).
  pg_store(std::shared_ptr<pg_pool> pool, std::string node_id,
           std::chrono::milliseconds attempt_retention,
           std::shared_ptr<pg_pool> background_pool = nullptr);

  void load_hooks(partition_id partition, callback<std::vector<hook_spec>> done) override;
  void find_backlogs(std::vector<partition_id> partitions,
                     callback<std::vector<wakeup>> done) override;
  void fetch_events(hook_id hook, stream_seq after, int limit, std::int64_t max_bytes,
                    callback<std::vector<outbox_event>> done) override;
  void commit_cursors(std::vector<cursor_update> updates,
                      callback<std::vector<hook_id>> done) override;
  void park_dead_letter(dead_letter_request req, callback<void> done) override;
  void record_failure(failure_report report, callback<void> done) override;
  void disable_hook(hook_id hook, std::string reason, callback<void> done) override;
  void pause_failing_hook(cursor_update at, std::string reason, callback<void> done) override;
  void apply_rewind(rewind_request req, callback<void> done) override;
  void record_attempts(std::vector<attempt_record> attempts, callback<void> done) override;
  void maintain_outbox(callback<outbox_maintenance> done) override;
  void set_quarantine(hook_id hook, std::int64_t until_ms, std::string reason,
                      callback<void> done) override;

private:
  std::shared_ptr<pg_pool> pool_;
  std::string node_id_;
  std::chrono::milliseconds attempt_retention_;
  std::shared_ptr<pg_pool> background_pool_;
  pg_batcher<partition_id, std::vector<hook_spec>> loads_;
  pg_batcher<head_request, std::vector<outbox_event>> fetches_;
};

} // namespace courier
