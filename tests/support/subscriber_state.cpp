#include "tests/support/subscriber_state.hpp"

namespace courier::test::detail {

std::string normalize_path(const std::string& path_or_name) {
  if (!path_or_name.empty() && path_or_name.front() == '/') {
    return path_or_name;
  }
  return "/h/" + path_or_name;
}

subscriber_state::subscriber_state(bool keep, unsigned seed)
    : keep_bodies(keep), rng(seed != 0 ? seed : std::random_device{}()) {}

planned_answer subscriber_state::plan(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = behaviours.find(path);
  const behaviour& b = it != behaviours.end() ? it->second : default_behaviour;
  planned_answer answer;
  answer.delay_ms = b.delay_ms;
  if (!b.retry_after_text.empty()) {
    answer.retry_after = b.retry_after_text;
  } else if (b.retry_after_s >= 0) {
    answer.retry_after = std::to_string(b.retry_after_s);
  }
  answer.failure_body = b.failure_body;
  if (b.fixed_status != 0) {
    answer.status = b.fixed_status;
  } else if (b.hang) {
    answer.what = planned_answer::kind::hang;
  } else if (b.fail_ratio > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < b.fail_ratio) {
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
    case 0:
      answer.status = 500;
      break;
    case 1:
      answer.what = planned_answer::kind::hang_then_close;
      answer.hang_ms = b.hang_ms;
      break;
    default:
      answer.what = planned_answer::kind::reset;
      break;
    }
  }
  return answer;
}

std::size_t subscriber_state::record(delivery d) {
  std::size_t index = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++total;
    if (d.status_sent < 200 || d.status_sent > 299) {
      ++total_failures;
      ++failures[d.path];
    }
    auto& list = records[d.path];
    index = list.size();
    list.push_back(std::move(d));
  }
  notify();
  return index;
}

void subscriber_state::peer_gone(const std::string& path, std::size_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    records[path].at(index).status_sent = delivery::status_peer_gone;
    ++total_failures;
    ++failures[path];
  }
  notify();
}

void subscriber_state::succeeded(const std::string& path, std::int64_t seq) {
  if (seq < 0) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    path_progress& p = progress[path];
    if (p.succeeded.count(seq) > 0) {
      ++p.duplicates;
    } else {
      if (seq > p.next_expected) {
        violations.push_back(order_violation{path, seq, p.next_expected});
      }
      p.succeeded.insert(seq);
      p.advance();
    }
  }
  notify();
}

void subscriber_state::notify() {
  {
    std::lock_guard<std::mutex> lock(wait_mutex);
    ++generation;
  }
  wait_cv.notify_all();
}

} // namespace courier::test::detail
