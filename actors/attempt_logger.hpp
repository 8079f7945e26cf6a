#pragma once
// Batches the node's delivery attempts into the attempt log (courier.attempts): delivery
// actors tell it about every attempt that went out (in batches of their own, see
// attempt_batch) and never wait; it writes what
// gathered once per interval, or at once when a batch is full — one round trip for many
// attempts. The log is for people, not for delivery: a failed write is retried while
// the backlog stays bounded (the oldest records go first, counted and logged), and it
// never holds a delivery back. `flush` answers once everything told before it is written
// (or given up); the node supervisor asks before the node exits.
#include "actors/messages.hpp"
#include "actors/node_context.hpp"

#include <caf/typed_actor.hpp>

namespace courier {

using attempt_logger = caf::typed_actor<
    // delivery actor: attempts that went out and came back (or timed out), in their order
    caf::reacts_to<atoms::attempt_atom, std::vector<attempt_record>>,
    // node supervisor: answered (true) once every earlier attempt is written or given up
    caf::replies_to<atoms::flush_atom>::with<bool>>;

using attempt_logger_self = attempt_logger::extend<
    // timer: the batch interval is over, write what gathered
    caf::reacts_to<atoms::tick_atom>,
    // store (pool thread): the batch is written, or the error
    caf::reacts_to<atoms::logged_atom, result<void>>>;

struct attempt_logger_limits {
  std::size_t batch = 500;                     // written at once when this many gathered
  std::chrono::milliseconds interval{200};     // otherwise this long after the first
  std::size_t backlog = 20000;                 // kept while the store fails; oldest dropped
  std::chrono::milliseconds retry_delay{1000}; // after a failed write
};

attempt_logger spawn_attempt_logger(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                    attempt_logger_limits limits = {});

// A delivery actor's attempts on their way to the logger. A busy deliverer sends them in
// batches of `max` (one message per attempt cost the node about 4 us each, a sixth of its
// CPU per delivery); the owner flushes whenever it has nothing out, so an idle hook's
// attempt is told at once, and whatever is left goes when the batch is destroyed with its
// actor's state, however the actor ended.
class attempt_batch {
public:
  attempt_batch() = default; // no logger: the attempt log is off, add() drops
  attempt_batch(attempt_logger logger, std::size_t max);
  attempt_batch(attempt_batch&& other) noexcept;
  attempt_batch& operator=(attempt_batch&& other) noexcept;
  attempt_batch(const attempt_batch&) = delete;
  attempt_batch& operator=(const attempt_batch&) = delete;
  ~attempt_batch();

  void add(attempt_record record);
  void flush();

private:
  attempt_logger logger_;
  std::size_t max_ = 1;
  std::vector<attempt_record> records_;
};

} // namespace courier
