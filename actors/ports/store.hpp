#pragma once
// What delivery, partition and flusher actors ask of Postgres. Every call returns at
// once: the work runs on the store's own threads (never a CAF scheduler thread) and
// `done` is called there exactly once; callers turn it into a message to themselves.
// Failures come back classified (actors/domain/error.hpp); a write fenced by the lease
// epoch fails with errc::fenced.
#include "actors/domain/error.hpp"
#include "actors/domain/types.hpp"

#include <cstdint>
#include <vector>

namespace courier {

class store {
public:
  virtual ~store() = default;

  // Every hook of a partition (any state) with its durable cursor and pending rewind.
  virtual void load_hooks(partition_id partition, callback<std::vector<hook_spec>> done) = 0;
  // The safety net for lost notifications: the active hooks among `partitions` whose
  // committed stream is ahead of their durable cursor. It reads every hook of those
  // partitions, so it runs where no delivery waits behind it.
  virtual void find_backlogs(std::vector<partition_id> partitions,
                             callback<std::vector<wakeup>> done) = 0;

  // Up to `limit` stream entries of a hook with seq > after, in seq order, stopping
  // before the payloads' text passes `max_bytes` (the first entry comes whatever its
  // size, so a hook always moves). Entries beyond the cut are not read. More may follow
  // when `limit` entries come back or their payload_bytes add up to max_bytes.
  virtual void fetch_events(hook_id hook, stream_seq after, int limit, std::int64_t max_bytes,
                            callback<std::vector<outbox_event>> done) = 0;

  // Moves cursors forward (never back). Updates whose (partition, epoch) is no longer
  // this node's lease are rejected: their hook ids come back in the result.
  virtual void commit_cursors(std::vector<cursor_update> updates,
                              callback<std::vector<hook_id>> done) = 0;

  // Copies the event into courier.dead_letters and moves the cursor past it, in one
  // transaction fenced by the lease epoch, emitting courier.event.dead_lettered.
  virtual void park_dead_letter(dead_letter_request req, callback<void> done) = 0;

  // Records the head event's attempts and last error, and when its failures began (fenced
  // like cursors). Nothing is recorded when the cursor has already moved past that event.
  virtual void record_failure(failure_report report, callback<void> done) = 0;

  // 410 Gone: the subscriber asked us to stop. Sets state 'disabled' with the reason
  // (a hook already disabled or deleted is left as it is) and emits courier.hook.disabled.
  virtual void disable_hook(hook_id hook, std::string reason, callback<void> done) = 0;

  // The head has failed for longer than pause_after: pauses the hook with the reason and
  // emits courier.hook.paused, fenced by the lease epoch (a hook no longer active is left
  // as it is).
  virtual void pause_failing_hook(cursor_update at, std::string reason, callback<void> done) = 0;

  // Applies a pending rewind: the hook's cursor goes back to just before its seq, fenced
  // by the lease epoch (errc::fenced under a stale one). A rewind no longer pending
  // (applied, replaced by a newer, hook deleted) is no error: nothing changes.
  virtual void apply_rewind(rewind_request req, callback<void> done) = 0;

  // Appends attempts to the attempt log in one round trip.
  virtual void record_attempts(std::vector<attempt_record> attempts, callback<void> done) = 0;

  // Keeps outbox partitions created ahead of the writers and drops those every cursor
  // has passed; likewise the attempt log's days, dropping those past its retention. Safe
  // to call from every node (the SQL serialises itself).
  virtual void maintain_outbox(callback<outbox_maintenance> done) = 0;

  // Persists a quarantine (until_ms = 0 clears it) so courier.hook_status shows it; a new
  // one emits courier.hook.quarantined.
  virtual void set_quarantine(hook_id hook, std::int64_t until_ms, std::string reason,
                              callback<void> done) = 0;
};

} // namespace courier
