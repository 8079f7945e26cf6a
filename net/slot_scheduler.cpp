#include "net/slot_scheduler.hpp"

#include <algorithm>

namespace courier::net {

slot_limits slot_limits_for(std::size_t max_in_flight, std::size_t max_per_origin) {
  slot_limits limits;
  limits.max_in_flight = std::max<std::size_t>(1, max_in_flight);
  limits.max_per_origin = std::clamp<std::size_t>(max_per_origin, 1, limits.max_in_flight);
  limits.max_timed_out = std::max<std::size_t>(1, limits.max_in_flight / 4);
  return limits;
}

slot_scheduler::slot_scheduler(slot_limits limits) : limits_(limits) {
  // Zero of any cap would keep requests waiting forever.
  limits_.max_in_flight = std::max<std::size_t>(1, limits_.max_in_flight);
  limits_.max_per_origin = std::max<std::size_t>(1, limits_.max_per_origin);
  limits_.max_timed_out = std::max<std::size_t>(1, limits_.max_timed_out);
  limits_.remembered_timed_out = std::max<std::size_t>(1, limits_.remembered_timed_out);
}

void slot_scheduler::enqueue(ticket t, const std::string& flow, const std::string& origin) {
  requests_[t] = request{flow, origin};
  auto& state = flows_[flow];
  state.waiting.push_back(t);
  if (state.waiting.size() == 1)
    list(flow, state, listed::ready);
  ++origins_[origin].requests;
}

bool slot_scheduler::cancel(ticket t) {
  auto it = requests_.find(t);
  if (it == requests_.end() || it->second.admitted)
    return false;
  const std::string flow = it->second.flow;
  const std::string origin = it->second.origin;
  requests_.erase(it);
  --origins_.at(origin).requests;
  auto& state = flows_.at(flow);
  const bool was_next = state.waiting.front() == t;
  state.waiting.erase(std::find(state.waiting.begin(), state.waiting.end(), t));
  if (state.waiting.empty()) {
    state.where = listed::nowhere;
    ++state.listing; // whatever entry it had is stale now
  } else if (was_next) {
    // Its next request may go elsewhere; it has waited, so it goes first.
    list(flow, state, listed::ready, true);
  }
  forget_if_idle(flow);
  forget_origin_if_idle(origin);
  return true;
}

std::vector<slot_scheduler::ticket> slot_scheduler::admit() {
  std::vector<ticket> out;
  while (in_flight_ < limits_.max_in_flight) {
    auto t = pick();
    if (!t)
      break;
    out.push_back(*t);
  }
  return out;
}

void slot_scheduler::finish(ticket t, slot_outcome how) {
  auto it = requests_.find(t);
  if (it == requests_.end() || !it->second.admitted)
    return;
  const std::string flow = it->second.flow;
  const std::string origin = it->second.origin;
  if (it->second.confined)
    --confined_in_flight_;
  requests_.erase(it);
  --in_flight_;

  auto& o = origins_.at(origin);
  --o.requests;
  --o.in_flight;
  if (!o.parked.empty() && !o.has_room_listed) {
    o.has_room_listed = true;
    origins_with_room_.push_back(origin);
  }
  auto& state = flows_.at(flow);
  --state.in_flight;
  if (how == slot_outcome::answered)
    clear_mark(flow, state);
  else if (how == slot_outcome::timed_out)
    mark_timed_out(flow, state);
  forget_if_idle(flow);
  forget_origin_if_idle(origin);
}

bool slot_scheduler::timed_out(const std::string& flow) const {
  auto it = flows_.find(flow);
  return it != flows_.end() && it->second.timed_out;
}

std::optional<slot_scheduler::ticket> slot_scheduler::pick() {
  // Flows held back by a cap that now has room go before the rest: they already had
  // their turn and could not take it.
  if (confined_in_flight_ < limits_.max_timed_out)
    if (auto t = pick_from(timed_out_waiting_))
      return t;
  while (!origins_with_room_.empty()) {
    const std::string name = origins_with_room_.front();
    auto& o = origins_.at(name);
    if (o.in_flight < limits_.max_per_origin)
      if (auto t = pick_from(o.parked))
        return t;
    // Full again, or nobody left waiting for it.
    o.has_room_listed = false;
    origins_with_room_.pop_front();
    forget_origin_if_idle(name);
  }
  return pick_from(ready_);
}

std::optional<slot_scheduler::ticket> slot_scheduler::pick_from(std::deque<turn>& turns) {
  // try_start may park a flow on another list, never on this one, so the loop ends.
  while (!turns.empty()) {
    const turn next = std::move(turns.front());
    turns.pop_front();
    if (auto* state = current(next))
      if (auto t = try_start(next.flow, *state))
        return t;
  }
  return std::nullopt;
}

std::optional<slot_scheduler::ticket> slot_scheduler::try_start(const std::string& name,
                                                                flow_state& flow) {
  const ticket t = flow.waiting.front();
  auto& req = requests_.at(t);
  auto& o = origins_.at(req.origin);
  if (o.in_flight >= limits_.max_per_origin) {
    list(name, flow, listed::origin);
    return std::nullopt;
  }
  if (flow.timed_out && confined_in_flight_ >= limits_.max_timed_out) {
    list(name, flow, listed::timed_out);
    return std::nullopt;
  }
  flow.waiting.pop_front();
  ++flow.in_flight;
  ++o.in_flight;
  ++in_flight_;
  req.admitted = true;
  req.confined = flow.timed_out;
  if (req.confined)
    ++confined_in_flight_;
  if (flow.waiting.empty()) {
    flow.where = listed::nowhere;
    ++flow.listing;
  } else {
    list(name, flow, listed::ready); // behind every other waiting flow
  }
  return t;
}

void slot_scheduler::list(const std::string& name, flow_state& flow, listed where, bool in_front) {
  flow.where = where;
  flow.listing = ++next_listing_;
  turn entry{name, flow.listing};
  switch (where) {
  case listed::ready:
    if (in_front)
      ready_.push_front(std::move(entry));
    else
      ready_.push_back(std::move(entry));
    break;
  case listed::origin:
    origins_.at(requests_.at(flow.waiting.front()).origin).parked.push_back(std::move(entry));
    break;
  case listed::timed_out:
    timed_out_waiting_.push_back(std::move(entry));
    break;
  case listed::nowhere:
    break;
  }
}

slot_scheduler::flow_state* slot_scheduler::current(const turn& t) {
  auto it = flows_.find(t.flow);
  if (it == flows_.end() || it->second.listing != t.listing || it->second.waiting.empty())
    return nullptr;
  return &it->second;
}

void slot_scheduler::mark_timed_out(const std::string& name, flow_state& flow) {
  if (flow.timed_out)
    marks_.erase(flow.mark);
  flow.timed_out = true;
  flow.mark = marks_.insert(marks_.end(), name);
  if (marks_.size() <= limits_.remembered_timed_out)
    return;
  const std::string oldest = marks_.front();
  clear_mark(oldest, flows_.at(oldest));
  forget_if_idle(oldest);
}

void slot_scheduler::clear_mark(const std::string& name, flow_state& flow) {
  if (!flow.timed_out)
    return;
  marks_.erase(flow.mark);
  flow.timed_out = false;
  // Waiting only for a confined slot, which it no longer needs.
  if (flow.where == listed::timed_out)
    list(name, flow, listed::ready, true);
}

void slot_scheduler::forget_if_idle(const std::string& name) {
  auto it = flows_.find(name);
  if (it != flows_.end() && it->second.waiting.empty() && it->second.in_flight == 0 &&
      !it->second.timed_out)
    flows_.erase(it);
}

void slot_scheduler::forget_origin_if_idle(const std::string& name) {
  // With no request left for it, whatever turns it still has parked are stale.
  auto it = origins_.find(name);
  if (it != origins_.end() && it->second.requests == 0 && !it->second.has_room_listed)
    origins_.erase(it);
}

} // namespace courier::net
