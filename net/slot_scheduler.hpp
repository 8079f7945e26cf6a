#pragma once
// Which waiting HTTP request takes the next in-flight slot. Pure bookkeeping, no I/O
// and no clock: http_client_impl owns one and calls it under its mutex.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace courier::net {

struct slot_limits {
  std::size_t max_in_flight = 256;  // slots in all
  std::size_t max_per_origin = 128; // slots the requests to one origin may hold
  // Slots that requests of timed-out flows (whose last attempt timed out) may hold
  // together; see slot_limits_for().
  std::size_t max_timed_out = 64;
  // Flows remembered as timed out; past this many the oldest mark is forgotten (a flow
  // the caller deleted must not stay forever). Other flows are kept only while busy.
  std::size_t remembered_timed_out = 65536;
};

// The limits http_client_impl uses: a quarter of the slots (at least one) for timed-out
// flows, and the per-origin cap never above max_in_flight.
slot_limits slot_limits_for(std::size_t max_in_flight, std::size_t max_per_origin);

// How an admitted request ended, as far as its flow's standing goes.
enum class slot_outcome {
  answered,  // a response arrived (any status): the flow is no longer timed out
  timed_out, // it held its slot until its timeout: the flow is confined
  other,     // it failed some other way (refused, fenced, ...): standing unchanged
};

// Owns the queue of requests waiting for a slot. Requests belong to flows (opaque keys,
// e.g. a hook) and go to origins (scheme://host:port). Rules:
// - within a flow, requests start in the order they were queued (FIFO);
// - flows take turns (round robin): each waiting flow has a place in one line, and a flow
//   that got a slot goes to the back of it, so a flow with many waiting requests cannot
//   crowd out one with one;
// - the requests to one origin hold at most max_per_origin slots;
// - flows whose last attempt timed out hold at most max_timed_out slots together, until
//   one of their attempts gets any response;
// - a flow held back by a cap keeps its place in the line and is passed over, not sent to
//   the back: a free slot goes to the flow with the oldest place that may take it.
// Tickets are the caller's unique ids. Not thread-safe; one owner.
class slot_scheduler {
public:
  using ticket = std::uint64_t;

  explicit slot_scheduler(slot_limits limits);

  // Queues a request; it waits until admit() returns it or cancel() takes it back.
  void enqueue(ticket t, const std::string& flow, const std::string& origin);
  // Takes back a request still waiting (deadline, fence, shutdown); false when it is not
  // waiting (unknown, or already admitted).
  bool cancel(ticket t);
  // The waiting requests that may start now, in order; each holds a slot until finish().
  std::vector<ticket> admit();
  // An admitted request ended: frees its slot and records what it says about its flow.
  void finish(ticket t, slot_outcome how);

  const slot_limits& limits() const { return limits_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t waiting() const { return requests_.size() - in_flight_; }
  bool timed_out(const std::string& flow) const;
  std::size_t flows_known() const { return flows_.size(); } // memory check for tests

private:
  // Where a waiting flow stands: free to go, or held back by its origin's cap or by the
  // timed-out share. Each line is ordered by place.
  enum class line { none, ready, origin, timed_out };
  using places = std::map<std::uint64_t, std::string>; // place -> flow

  struct request {
    std::string flow;
    std::string origin;
    bool admitted = false;
    bool confined = false; // counted against max_timed_out while in flight
  };

  struct flow_state {
    std::deque<ticket> waiting;
    std::size_t in_flight = 0;
    bool timed_out = false;
    std::list<std::string>::iterator mark; // in marks_, valid while timed_out
    line in = line::none;
    std::uint64_t place = 0; // valid while waiting is not empty
  };

  struct origin_state {
    std::size_t requests = 0; // waiting or in flight
    std::size_t in_flight = 0;
    places parked; // flows whose next request waits for this origin
  };

  // The flow with the oldest place that is not held back, taken out of its line.
  std::optional<std::string> next_candidate();
  // Starts the flow's next request, or puts the flow in the line of the cap that holds it.
  std::optional<ticket> try_start(const std::string& name, flow_state& flow);
  void put(const std::string& name, flow_state& flow, line where);
  void take_out(flow_state& flow);
  const std::string& next_origin(const flow_state& flow) const;
  void update_room(const std::string& origin);
  void mark_timed_out(const std::string& name, flow_state& flow);
  void clear_mark(const std::string& name, flow_state& flow);
  void forget_if_idle(const std::string& name);
  void forget_origin_if_idle(const std::string& name);

  slot_limits limits_;
  std::unordered_map<ticket, request> requests_;
  std::unordered_map<std::string, flow_state> flows_;
  std::unordered_map<std::string, origin_state> origins_;
  places ready_;                            // flows nothing holds back
  places timed_out_waiting_;                // timed-out flows waiting for a confined slot
  std::set<std::string> origins_with_room_; // below their cap, with flows parked
  std::list<std::string> marks_;            // timed-out flows, oldest mark first
  std::size_t in_flight_ = 0;
  std::size_t confined_in_flight_ = 0;
  std::uint64_t next_place_ = 0;
};

} // namespace courier::net
