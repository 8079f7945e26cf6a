#pragma once
// A real Prometheus (Debian's `prometheus`) for one test: its own config, rules file and
// data directory, listening on a loopback port below 32768, scraping the given targets
// every second and evaluating rules every second; plus its HTTP API. Owned by the test
// thread that started it; the server is killed when the object goes.
#include "tests/support/process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace courier::test {

struct http_response {
  int status = 0;
  std::string body;
};

// GET http://127.0.0.1:port<target>. Throws std::runtime_error when nothing answers.
http_response http_get(int port, const std::string& target,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

// RFC 3986 percent-encoding of a query parameter value.
std::string url_encode(const std::string& text);

class prometheus_server {
public:
  // Starts `binary` with a config written into `dir` (which must outlive the server)
  // and waits until it is ready. Throws std::runtime_error with the server's log.
  prometheus_server(const std::string& binary, const std::string& dir,
                    const std::vector<std::string>& targets, const std::string& rules_file);

  // The `data.result` of an instant query; throws std::runtime_error on an API error.
  nlohmann::json query(const std::string& expr);
  // The `data.result` of a range query over [start, end] (unix seconds).
  nlohmann::json query_range(const std::string& expr, double start, double end, double step);
  nlohmann::json alerts(); // data.alerts: every pending or firing alert
  nlohmann::json rules();  // data.groups: every loaded rule with its health and last error

  int port() const { return port_; }
  std::string log() const { return process_ ? process_->log() : ""; }

private:
  nlohmann::json api(const std::string& target);

  std::unique_ptr<child_process> process_;
  int port_ = 0;
};

} // namespace courier::test
