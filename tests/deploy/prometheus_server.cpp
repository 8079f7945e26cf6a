#include "prometheus_server.hpp"

#include "deploy_support.hpp"
#include "tests/support/free_port.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <stdexcept>
#include <thread>

namespace courier::test {

namespace beast = boost::beast;
namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

http_response http_get(int port, const std::string& target, std::chrono::milliseconds timeout) {
  try {
    asio::io_context io;
    beast::tcp_stream stream{io};
    stream.expires_after(timeout);
    stream.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port)});
    beast::http::request<beast::http::empty_body> req{beast::http::verb::get, target, 11};
    req.set(beast::http::field::host, "127.0.0.1:" + std::to_string(port));
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return {static_cast<int>(parser.get().result_int()), parser.get().body()};
  } catch (const std::exception& e) {
    throw std::runtime_error("GET 127.0.0.1:" + std::to_string(port) + target + ": " + e.what());
  }
}

std::string url_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

prometheus_server::prometheus_server(const std::string& binary, const std::string& dir,
                                     const std::vector<std::string>& targets,
                                     const std::string& rules_file) {
  std::string target_list;
  for (const auto& t : targets)
    target_list += (target_list.empty() ? "'" : ", '") + t + "'";
  const std::string config = dir + "/prometheus.yml";
  write_text(config, "global:\n"
                     "  scrape_interval: 1s\n"
                     "  scrape_timeout: 1s\n"
                     "  evaluation_interval: 1s\n"
                     "rule_files:\n"
                     "  - '" +
                         rules_file +
                         "'\n"
                         "scrape_configs:\n"
                         "  - job_name: courier\n"
                         "    static_configs:\n"
                         "      - targets: [" +
                         target_list + "]\n");
  std::string last_log;
  // Another process may take a free-looking port first: then Prometheus exits and the
  // next candidate is tried.
  for (int port : candidate_ports(4)) {
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{
            binary, "--config.file=" + config, "--storage.tsdb.path=" + dir + "/data",
            "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
        child_options{{}, "prometheus.log"});
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline && process_->running()) {
      try {
        if (http_get(port, "/-/ready", 2s).status == 200) {
          port_ = port;
          return;
        }
      } catch (const std::runtime_error&) {
        // not listening yet
      }
      std::this_thread::sleep_for(100ms);
    }
    last_log = process_->log();
    process_.reset();
  }
  throw std::runtime_error("prometheus did not become ready; its log:\n" + last_log);
}

json prometheus_server::api(const std::string& target) {
  const auto r = http_get(port_, target);
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200 || body.is_discarded() || body.value("status", "") != "success")
    throw std::runtime_error("prometheus " + target + " answered " + std::to_string(r.status) +
                             ": " + r.body);
  return body["data"];
}

json prometheus_server::query(const std::string& expr) {
  return api("/api/v1/query?query=" + url_encode(expr))["result"];
}

json prometheus_server::query_range(const std::string& expr, double start, double end,
                                    double step) {
  return api("/api/v1/query_range?query=" + url_encode(expr) + "&start=" + std::to_string(start) +
             "&end=" + std::to_string(end) + "&step=" + std::to_string(step))["result"];
}

json prometheus_server::alerts() {
  return api("/api/v1/alerts")["alerts"];
}

json prometheus_server::rules() {
  return api("/api/v1/rules")["groups"];
}

} // namespace courier::test
