#include "net/connection_pool.hpp"

#include <iterator>

namespace courier::net {

connection_pool::connection_pool(std::size_t max_idle_per_origin)
    : max_idle_per_origin_(max_idle_per_origin) {}

std::shared_ptr<http_connection> connection_pool::take(const std::string& origin) {
  std::vector<std::shared_ptr<http_connection>> dead;
  std::shared_ptr<http_connection> found;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = idle_.find(origin);
    if (it == idle_.end())
      return nullptr;
    auto& conns = it->second;
    auto now = std::chrono::steady_clock::now();
    while (!conns.empty()) {
      auto conn = std::move(conns.back());
      conns.pop_back();
      if (now - conn->idle_since() < max_idle_age && conn->looks_alive()) {
        found = std::move(conn);
        break;
      }
      dead.push_back(std::move(conn));
    }
    if (conns.empty())
      idle_.erase(it);
  }
  for (auto& conn : dead)
    conn->close();
  return found;
}

void connection_pool::park(const std::string& origin, std::shared_ptr<http_connection> conn) {
  std::vector<std::shared_ptr<http_connection>> to_close;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (now - last_sweep_ >= max_idle_age / 6)
      sweep_locked(now, to_close);
    auto it = idle_.find(origin);
    auto parked = it == idle_.end() ? 0 : it->second.size();
    if (!closed_ && parked < max_idle_per_origin_) {
      conn->mark_idle();
      idle_[origin].push_back(std::move(conn));
    } else {
      to_close.push_back(std::move(conn));
    }
  }
  for (auto& c : to_close)
    c->close();
}

void connection_pool::sweep_locked(std::chrono::steady_clock::time_point now,
                                   std::vector<std::shared_ptr<http_connection>>& expired) {
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& conns = it->second;
    // Parked in time order, so the expired ones are at the front.
    while (!conns.empty() && now - conns.front()->idle_since() >= max_idle_age) {
      expired.push_back(std::move(conns.front()));
      conns.pop_front();
    }
    it = conns.empty() ? idle_.erase(it) : std::next(it);
  }
}

void connection_pool::close_all() {
  decltype(idle_) idle;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    closed_ = true;
    idle.swap(idle_);
  }
  for (auto& [origin, conns] : idle)
    for (auto& conn : conns)
      conn->close();
}

} // namespace courier::net
