#include "runtime/pg_notification_source.hpp"

#include "runtime/pg_pool.hpp"

#include <pqxx/pqxx>

#include <cstdlib>

namespace courier {

// Parses each notification's payload into a wakeup queued on the source.
class pg_notification_source::receiver final : public pqxx::notification_receiver {
public:
  receiver(pqxx::connection& conn, const std::string& channel, std::vector<wakeup>& sink)
      : pqxx::notification_receiver(conn, channel), sink_(sink) {}

  void operator()(const std::string& payload, int) override {
    // "partition:hook" or "partition"; malformed payloads (someone else NOTIFYing on
    // our channel) are ignored rather than trusted.
    char* end = nullptr;
    long partition = std::strtol(payload.c_str(), &end, 10);
    if (end == payload.c_str() || partition < 0)
      return;
    wakeup w;
    w.partition = partition_id{static_cast<int>(partition)};
    if (*end == ':') {
      const char* hook_text = end + 1;
      auto hook = std::strtoll(hook_text, &end, 10);
      if (end == hook_text || hook <= 0)
        return;
      w.hook = hook_id{hook};
    }
    sink_.push_back(w);
  }

private:
  std::vector<wakeup>& sink_;
};

pg_notification_source::pg_notification_source(std::string conninfo, std::string node_id)
    : conninfo_(std::move(conninfo)), node_id_(std::move(node_id)) {}

pg_notification_source::~pg_notification_source() {
  receivers_.clear();
}

template <class F>
auto pg_notification_source::on_session(const char* what, F&& f) ->
    typename as_result<decltype(f())>::type {
  if (!is_open()) {
    close();
    return error{errc::retryable, std::string{what} + ": listen connection is not open"};
  }
  auto r = guarded(std::forward<F>(f));
  if (!r.ok()) {
    close();
    return with_context(r.error(), what);
  }
  return r;
}

void pg_notification_source::close() {
  receivers_.clear();
  conn_.reset();
}

result<void> pg_notification_source::open() {
  close();
  auto opened = guarded([&] {
    auto session = dead_peer_detection();
    session.emplace_back("application_name", "courier-listen/" + node_id_);
    conn_ = std::make_unique<pqxx::connection>(with_conn_options(conninfo_, session));
    receivers_.push_back(std::make_unique<receiver>(*conn_, "courier_events", pending_));
    receivers_.push_back(std::make_unique<receiver>(*conn_, "courier_hooks", pending_));
    // Receivers LISTEN lazily; a round trip makes the LISTENs take effect now.
    conn_->get_notifs();
  });
  if (!opened.ok()) {
    close();
    return with_context(opened.error(), "opening the listen connection");
  }
  return {};
}

bool pg_notification_source::is_open() const {
  return conn_ && conn_->is_open();
}

result<std::vector<wakeup>> pg_notification_source::wait(std::chrono::milliseconds timeout) {
  return on_session("listening", [&]() -> result<std::vector<wakeup>> {
    if (conn_->get_notifs() == 0) {
      auto us = timeout.count() * 1000;
      conn_->await_notification(static_cast<long>(us / 1000000), static_cast<long>(us % 1000000));
      conn_->get_notifs();
    }
    if (!conn_->is_open())
      return error{errc::retryable, "listen connection closed"};
    std::vector<wakeup> out;
    out.swap(pending_);
    return out;
  });
}

} // namespace courier
