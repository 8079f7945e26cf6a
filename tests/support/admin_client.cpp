#include "tests/support/admin_client.hpp"

#include "runtime/ctl/http_exchange.hpp"
#include "tests/support/pg_instance.hpp"

#include <thread>

namespace courier::test {

admin_reply admin_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& authorization, const std::string& body,
                          std::chrono::milliseconds timeout) {
  ctl::http_headers headers;
  if (!authorization.empty())
    headers.emplace_back("authorization", authorization);
  if (!body.empty())
    headers.emplace_back("content-type", "application/json");
  admin_reply reply;
  try {
    auto answer = ctl::http_exchange("127.0.0.1", std::to_string(port), method, target, headers,
                                     body, timeout);
    reply.status = answer.status;
    reply.body = std::move(answer.body);
    reply.content_type = std::move(answer.content_type);
    reply.location = std::move(answer.location);
  } catch (const std::exception& e) {
    reply.error = e.what(); // a node that never answers fails the request, not the test run
  }
  return reply;
}

command_result courierctl(unsigned short port, const std::string& token,
                          const std::vector<std::string>& args) {
  std::vector<std::string> argv{pg_instance::courierctl_path(), "--admin",
                                "http://127.0.0.1:" + std::to_string(port), "--token", token};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, std::chrono::seconds(60));
}

std::optional<unsigned short> wait_admin_port(child_process& node,
                                              std::chrono::milliseconds timeout) {
  static const std::string marker = "admin endpoint on port ";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::string log = node.log();
    if (const auto at = log.find(marker); at != std::string::npos)
      return static_cast<unsigned short>(std::stoi(log.substr(at + marker.size())));
    if (!node.running() || std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace courier::test
