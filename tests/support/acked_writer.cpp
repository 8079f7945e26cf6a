#include "tests/support/acked_writer.hpp"

#include "tests/support/emitter.hpp"

#include <pqxx/pqxx>

#include <memory>

namespace courier::test {

acked_writer::acked_writer(std::string db_url, std::string event_type,
                           std::chrono::milliseconds pause)
    : db_url_(std::move(db_url)), type_(std::move(event_type)), pause_(pause),
      thread_([this] { run(); }) {}

acked_writer::~acked_writer() {
  stop();
}

void acked_writer::stop() {
  running_ = false;
  if (thread_.joinable())
    thread_.join();
}

void acked_writer::run() {
  std::unique_ptr<pqxx::connection> conn;
  for (std::int64_t n = 1; running_; ++n, std::this_thread::sleep_for(pause_)) {
    bool committing = false;
    try {
      if (!conn || !conn->is_open())
        conn = std::make_unique<pqxx::connection>(db_url_);
      pqxx::work tx{*conn};
      emit(tx, type_, "{\"n\": " + std::to_string(n) + "}");
      committing = true;
      tx.commit();
      std::lock_guard<std::mutex> guard{mutex_};
      acknowledged_.push_back(n);
    } catch (const std::exception&) {
      // Whatever the error, the connection is suspect: start the next one afresh.
      conn.reset();
      std::lock_guard<std::mutex> guard{mutex_};
      if (committing)
        in_doubt_.push_back(n);
      else
        ++not_committed_;
    }
  }
}

std::vector<std::int64_t> acked_writer::acknowledged() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return acknowledged_;
}

std::vector<std::int64_t> acked_writer::in_doubt() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return in_doubt_;
}

std::size_t acked_writer::not_committed() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return not_committed_;
}

} // namespace courier::test
