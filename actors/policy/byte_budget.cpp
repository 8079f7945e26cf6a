#include "actors/policy/byte_budget.hpp"

#include <algorithm>
#include <utility>

namespace courier {

std::int64_t byte_budget::take_up_to(std::int64_t wanted, std::int64_t at_least) {
  auto used = used_.load(std::memory_order_relaxed);
  std::int64_t taking = 0;
  do {
    taking = std::min(wanted, capacity_ - used);
    if (taking < at_least || taking <= 0)
      return 0;
  } while (!used_.compare_exchange_weak(used, used + taking, std::memory_order_relaxed));
  return taking;
}

void byte_budget::charge(std::int64_t bytes) {
  used_.fetch_add(bytes, std::memory_order_relaxed);
}

void byte_budget::give_back(std::int64_t bytes) {
  used_.fetch_sub(bytes, std::memory_order_relaxed);
}

hook_byte_share::hook_byte_share(std::shared_ptr<byte_budget> budget, std::int64_t per_hook_cap)
    : budget_(std::move(budget)), per_hook_cap_(per_hook_cap) {}

hook_byte_share::~hook_byte_share() {
  give_all_back();
}

hook_byte_share::hook_byte_share(hook_byte_share&& other) noexcept
    : budget_(std::move(other.budget_)), per_hook_cap_(other.per_hook_cap_), held_(other.held_),
      granted_(other.granted_) {
  other.held_ = other.granted_ = 0;
}

hook_byte_share& hook_byte_share::operator=(hook_byte_share&& other) noexcept {
  if (this != &other) {
    give_all_back();
    budget_ = std::move(other.budget_);
    per_hook_cap_ = other.per_hook_cap_;
    held_ = std::exchange(other.held_, 0);
    granted_ = std::exchange(other.granted_, 0);
  }
  return *this;
}

std::optional<std::int64_t> hook_byte_share::grant_fetch() {
  auto want = per_hook_cap_ - held_ - granted_;
  if (want <= 0)
    return std::nullopt;
  auto taken = budget_->take_up_to(want, std::min(want, min_grant));
  if (taken == 0)
    return std::nullopt;
  granted_ += taken;
  return taken;
}

void hook_byte_share::settle(std::int64_t fetched) {
  if (fetched > granted_)
    budget_->charge(fetched - granted_);
  else
    budget_->give_back(granted_ - fetched);
  granted_ = 0;
  held_ += fetched;
}

void hook_byte_share::release(std::int64_t bytes) {
  held_ -= bytes;
  budget_->give_back(bytes);
}

void hook_byte_share::give_all_back() {
  if (budget_ && held_ + granted_ > 0)
    budget_->give_back(held_ + granted_);
  held_ = granted_ = 0;
}

} // namespace courier
