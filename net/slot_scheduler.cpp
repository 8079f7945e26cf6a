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
  ++origins_[origin].requests;
  auto& state = flows_[flow];
  state.waiting.push_back(t);
  if (state.waiting.size() == 1) {
    state.place = ++next_place_;
    put(flow, state, line::ready);
  }
}

bool slot_scheduler::cancel(ticket t) {
  auto it = requests_.find(t);
  if (it == requests_.end() || it->second.admitted)
    return false;
  const std::string flow = it->second.flow;
  const std::string origin = it->second.origin;
  auto& state = flows_.at(flow);
  const bool was_next = state.waiting.front() == t;
  if (was_next)
    take_out(state); // its line may be its next request's origin
  state.waiting.erase(std::find(state.waiting.begin(), state.waiting.end(), t));
  requests_.erase(it);
  --origins_.at(origin).requests;
  if (was_next && !state.waiting.empty())
    put(flow, state, line::ready); // same place: it keeps its turn
  forget_if_idle(flow);
  forget_origin_if_idle(origin);
  return true;
}

std::vector<slot_scheduler::ticket> slot_scheduler::admit() {
  std::vector<ticket> out;
  while (in_flight_ < limits_.max_in_flight) {
    auto name = next_candidate();
    if (!name)
      break;
    // Held back after all (its origin or the timed-out share is full): it is now in that
    // cap's line, which is no candidate until the cap has room, so the loop ends.
    if (auto t = try_start(*name, flows_.at(*name)))
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
  update_room(origin);
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

std::optional<std::string> slot_scheduler::next_candidate() {
  const places* best = nullptr;
  auto consider = [&best](const places& line) {
    if (!line.empty() && (best == nullptr || line.begin()->first < best->begin()->first))
      best = &line;
  };
  consider(ready_);
  if (confined_in_flight_ < limits_.max_timed_out)
    consider(timed_out_waiting_);
  for (const auto& origin : origins_with_room_)
    consider(origins_.at(origin).parked);
  if (best == nullptr)
    return std::nullopt;
  std::string name = best->begin()->second;
  take_out(flows_.at(name));
  return name;
}

std::optional<slot_scheduler::ticket> slot_scheduler::try_start(const std::string& name,
                                                                flow_state& flow) {
  const ticket t = flow.waiting.front();
  auto& req = requests_.at(t);
  auto& o = origins_.at(req.origin);
  if (o.in_flight >= limits_.max_per_origin) {
    put(name, flow, line::origin);
    return std::nullopt;
  }
  if (flow.timed_out && confined_in_flight_ >= limits_.max_timed_out) {
    put(name, flow, line::timed_out);
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
  update_room(req.origin);
  if (!flow.waiting.empty()) {
    flow.place = ++next_place_; // to the back of the line
    put(name, flow, line::ready);
  }
  return t;
}

void slot_scheduler::put(const std::string& name, flow_state& flow, line where) {
  flow.in = where;
  switch (where) {
  case line::ready:
    ready_.emplace(flow.place, name);
    break;
  case line::origin: {
    const auto& origin = next_origin(flow);
    origins_.at(origin).parked.emplace(flow.place, name);
    update_room(origin);
    break;
  }
  case line::timed_out:
    timed_out_waiting_.emplace(flow.place, name);
    break;
  case line::none:
    break;
  }
}

void slot_scheduler::take_out(flow_state& flow) {
  switch (flow.in) {
  case line::ready:
    ready_.erase(flow.place);
    break;
  case line::origin: {
    const auto& origin = next_origin(flow);
    origins_.at(origin).parked.erase(flow.place);
    update_room(origin);
    break;
  }
  case line::timed_out:
    timed_out_waiting_.erase(flow.place);
    break;
  case line::none:
    break;
  }
  flow.in = line::none;
}

const std::string& slot_scheduler::next_origin(const flow_state& flow) const {
  return requests_.at(flow.waiting.front()).origin;
}

void slot_scheduler::update_room(const std::string& origin) {
  const auto& o = origins_.at(origin);
  if (o.in_flight < limits_.max_per_origin && !o.parked.empty())
    origins_with_room_.insert(origin);
  else
    origins_with_room_.erase(origin);
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
  if (flow.in == line::timed_out) { // no longer needs a confined slot; same place
    take_out(flow);
    put(name, flow, line::ready);
  }
}

void slot_scheduler::forget_if_idle(const std::string& name) {
  auto it = flows_.find(name);
  if (it != flows_.end() && it->second.waiting.empty() && it->second.in_flight == 0 &&
      !it->second.timed_out)
    flows_.erase(it);
}

void slot_scheduler::forget_origin_if_idle(const std::string& name) {
  // With no request left for it, no flow is parked there either.
  auto it = origins_.find(name);
  if (it != origins_.end() && it->second.requests == 0)
    origins_.erase(it);
}

} // namespace courier::net
