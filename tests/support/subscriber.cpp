#include "tests/support/subscriber.hpp"

#include "tests/support/signature.hpp"
#include "tests/support/subscriber_server.hpp"
#include "tests/support/subscriber_state.hpp"

#include <algorithm>

namespace courier::test {

subscriber::subscriber() : subscriber(subscriber_options{}) {}

subscriber::subscriber(const test_ca& ca)
    : subscriber([&] {
        subscriber_options options;
        options.tls = &ca;
        return options;
      }()) {}

subscriber::subscriber(const subscriber_options& options)
    : state_(std::make_shared<detail::subscriber_state>(options.keep_bodies, options.seed)),
      server_(std::make_unique<detail::subscriber_server>(state_, options)),
      tls_(options.tls != nullptr), address_(options.listen_address) {}

subscriber::~subscriber() {
  stop();
}

void subscriber::stop() {
  server_->stop();
}

int subscriber::port() const {
  return server_->port();
}

std::string subscriber::base_url() const {
  return (tls_ ? "https://localhost:" : "http://" + address_ + ":") + std::to_string(port());
}

std::string subscriber::url_for(const std::string& name) const {
  return base_url() + "/h/" + name;
}

void subscriber::set_behaviour(const std::string& path_or_name, const behaviour& b) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->behaviours[detail::normalize_path(path_or_name)] = b;
}

void subscriber::clear_behaviour(const std::string& path_or_name) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->behaviours.erase(detail::normalize_path(path_or_name));
}

void subscriber::set_default_behaviour(const behaviour& b) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->default_behaviour = b;
}

std::vector<delivery> subscriber::received(const std::string& path_or_name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->records.find(detail::normalize_path(path_or_name));
  return it != state_->records.end() ? it->second : std::vector<delivery>{};
}

std::vector<delivery> subscriber::received_all() const {
  std::vector<delivery> all;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    for (const auto& [path, list] : state_->records) {
      all.insert(all.end(), list.begin(), list.end());
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const delivery& a, const delivery& b) { return a.at < b.at; });
  return all;
}

std::size_t subscriber::count() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->total;
}

std::size_t subscriber::count(const std::string& path_or_name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->records.find(detail::normalize_path(path_or_name));
  return it != state_->records.end() ? it->second.size() : 0;
}

std::size_t subscriber::failures_sent() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->total_failures;
}

std::size_t subscriber::failures_sent(const std::string& path_or_name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->failures.find(detail::normalize_path(path_or_name));
  return it != state_->failures.end() ? it->second : 0;
}

std::size_t subscriber::distinct_seqs(const std::string& path_or_name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->progress.find(detail::normalize_path(path_or_name));
  return it != state_->progress.end() ? it->second.succeeded.size() : 0;
}

std::size_t subscriber::duplicates(const std::string& path_or_name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->progress.find(detail::normalize_path(path_or_name));
  return it != state_->progress.end() ? it->second.duplicates : 0;
}

std::int64_t subscriber::contiguous_seq(const std::string& path_or_name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->progress.find(detail::normalize_path(path_or_name));
  return it != state_->progress.end() ? it->second.next_expected - 1 : 0;
}

void subscriber::mark_skipped(const std::string& path_or_name, std::int64_t seq) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto& p = state_->progress[detail::normalize_path(path_or_name)];
    p.skipped.insert(seq);
    p.advance();
  }
  state_->notify();
}

std::vector<order_violation> subscriber::order_violations() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->violations;
}

bool subscriber::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(state_->wait_mutex);
  for (;;) {
    const auto seen = state_->generation;
    lock.unlock();
    if (pred()) {
      return true;
    }
    lock.lock();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return false;
    }
    state_->wait_cv.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(100)),
                               [&] { return state_->generation != seen; });
  }
}

bool subscriber::wait_for_seq(const std::string& path_or_name, std::int64_t seq,
                              std::chrono::milliseconds timeout) {
  return wait_for([&] { return contiguous_seq(path_or_name) >= seq; }, timeout);
}

std::size_t subscriber::open_connections() const {
  return state_->open_connections;
}

std::size_t subscriber::accepted_connections() const {
  return state_->accepted_connections;
}

bool verify_signature(const delivery& d, const std::string& whsec_secret) {
  return signature_matches(d.signature, whsec_secret, d.webhook_id, d.timestamp, d.body);
}

} // namespace courier::test
