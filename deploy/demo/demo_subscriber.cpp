// courier-demo-subscriber: a webhook receiver for deploy/demo.sh. It verifies each
// delivery the way a real subscriber should (Standard Webhooks signature, per-hook
// courier-seq order) and prints one line per request, so a person can watch Courier's
// guarantees hold. Not production code: one thread per connection, no TLS.
//
//   courier-demo-subscriber --listen 127.0.0.1:PORT --secret whsec_... [--fail-every K]
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string key; // the decoded secret
  long fail_every = 0;
};

// What the subscriber has accepted (answered 2xx) for one path, i.e. one hook.
struct stream_state {
  std::set<long long> seen;
  long long contiguous = 0; // every seq in 1..contiguous has been accepted
};

struct counters {
  long requests = 0, delivered = 0, distinct = 0, duplicates = 0, failed_on_purpose = 0;
  long bad_signatures = 0, order_gaps = 0;
};

// Shared by all connection threads; it is never destroyed because the process ends
// with _Exit while those threads may still be blocked in a read.
std::mutex state_mutex;
std::map<std::string, stream_state>* streams = new std::map<std::string, stream_state>;
counters totals;

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "courier-demo-subscriber: %s\nusage: courier-demo-subscriber --listen HOST:PORT "
               "--secret whsec_... [--fail-every K]\n",
               why);
  std::exit(2);
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0)
    return std::nullopt;
  // EVP_DecodeBlock counts '=' padding as zero bytes; drop them.
  std::size_t pad = text.back() == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0'); // +1: EVP_EncodeBlock writes a NUL
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

options parse_args(int argc, char** argv) {
  options opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc)
      usage(("missing value for " + arg).c_str());
    std::string value = argv[++i];
    if (arg == "--listen") {
      auto colon = value.rfind(':');
      if (colon == std::string::npos)
        usage("--listen wants HOST:PORT");
      opts.host = value.substr(0, colon);
      opts.port = static_cast<unsigned short>(std::atoi(value.c_str() + colon + 1));
    } else if (arg == "--secret") {
      auto key = base64_decode(value.rfind("whsec_", 0) == 0 ? value.substr(6) : value);
      if (!key)
        usage("--secret is not whsec_<base64>");
      opts.key = *key;
    } else if (arg == "--fail-every") {
      opts.fail_every = std::atol(value.c_str());
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  if (opts.port == 0 || opts.key.empty())
    usage("--listen and --secret are required");
  return opts;
}

// True when any space-separated "v1,<sig>" entry matches; several appear while a
// hook's secret is being rotated, and the subscriber only knows one of the secrets.
bool signature_ok(const options& opts, std::string_view id, std::string_view timestamp,
                  std::string_view body, std::string_view header) {
  std::string content = std::string(id) + "." + std::string(timestamp) + "." + std::string(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), opts.key.data(), static_cast<int>(opts.key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  std::string expected = "v1," + base64_encode(mac, mac_len);
  while (!header.empty()) {
    auto space = header.find(' ');
    auto entry = header.substr(0, space);
    // Constant-time comparison: a timing leak here would let an attacker forge signatures.
    if (entry.size() == expected.size() &&
        CRYPTO_memcmp(entry.data(), expected.data(), expected.size()) == 0)
      return true;
    header = space == std::string_view::npos ? std::string_view{} : header.substr(space + 1);
  }
  return false;
}

// The value after `"key":` as raw JSON text, starting the search at `from`. The body is
// Courier's fixed envelope, so a full JSON parser would only add a dependency.
std::string_view json_field(std::string_view body, std::string_view key, std::size_t from = 0) {
  auto at = body.find("\"" + std::string(key) + "\"", from);
  if (at == std::string_view::npos)
    return {};
  at = body.find(':', at + key.size() + 2);
  if (at == std::string_view::npos)
    return {};
  at = body.find_first_not_of(" \t\r\n", at + 1);
  return at == std::string_view::npos ? std::string_view{} : body.substr(at);
}

std::string event_type(std::string_view body, std::size_t& end) {
  auto v = json_field(body, "type");
  std::string out;
  for (std::size_t i = 1; !v.empty() && v[0] == '"' && i < v.size(); ++i) {
    if (v[i] == '"') {
      end = static_cast<std::size_t>(v.data() - body.data()) + i + 1;
      break;
    }
    out += v[i];
  }
  return out;
}

http::response<http::string_body> answer(const http::request<http::string_body>& req,
                                         http::status status) {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::content_type, "text/plain");
  // No trailing newline: Courier quotes the body in hook_status.last_error.
  res.body() = status == http::status::ok ? "ok" : "try again later";
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

http::response<http::string_body> handle(const options& opts,
                                         const http::request<http::string_body>& req) {
  auto header = [&](const char* name) {
    return std::string(req[name]);
  };
  std::string path(req.target().substr(0, req.target().find('?')));
  long long seq = std::atoll(header("courier-seq").c_str());
  bool sig_ok = signature_ok(opts, header("webhook-id"), header("webhook-timestamp"), req.body(),
                             header("webhook-signature"));
  std::size_t type_end = 0;
  std::string type = event_type(req.body(), type_end);
  // "data" is the envelope's last member: drop the envelope's closing brace.
  auto data_view = json_field(req.body(), "data", type_end);
  auto brace = data_view.find_last_not_of(" \t\r\n");
  if (brace != std::string_view::npos && data_view[brace] == '}')
    data_view = data_view.substr(0, data_view.find_last_not_of(" \t\r\n", brace - 1) + 1);
  std::string data(data_view.substr(0, 60));

  std::lock_guard<std::mutex> lock(state_mutex);
  totals.bad_signatures += sig_ok ? 0 : 1;
  // `courierctl test` pings carry no courier-seq: they stand outside every stream.
  if (req.find("courier-seq") == req.end()) {
    std::printf("[%s] ping type=%s sig=%s status=200\n", path.c_str(), type.c_str(),
                sig_ok ? "ok" : "BAD");
    std::fflush(stdout);
    return answer(req, http::status::ok);
  }
  auto& stream = (*streams)[path];
  bool first_time = stream.seen.count(seq) == 0;
  // Guarantee 2: seeing seq N for the first time needs all of 1..N-1 already
  // accepted; an earlier seq arriving again (redelivery after failover) is fine.
  bool in_order = !first_time || seq == stream.contiguous + 1;
  ++totals.requests;
  bool fail = opts.fail_every > 0 && totals.requests % opts.fail_every == 0;
  totals.order_gaps += in_order ? 0 : 1;
  if (fail) {
    ++totals.failed_on_purpose;
  } else {
    // Only a 2xx counts as received: after a 503 Courier must send the same seq again.
    ++totals.delivered;
    if (first_time) {
      ++totals.distinct;
      stream.seen.insert(seq);
      while (stream.seen.count(stream.contiguous + 1))
        ++stream.contiguous;
    } else {
      ++totals.duplicates;
    }
  }
  auto status = fail ? http::status::service_unavailable : http::status::ok;
  std::printf("[%s] seq=%lld attempt=%s type=%s sig=%s order=%s status=%d%s data=%s\n",
              path.c_str(), seq, header("courier-attempt").c_str(), type.c_str(),
              sig_ok ? "ok" : "BAD", in_order ? "ok" : "GAP", static_cast<int>(status),
              fail         ? " (simulated failure)"
              : first_time ? ""
                           : " (duplicate)",
              data.c_str());
  std::fflush(stdout); // demo.sh follows the output through a file
  return answer(req, status);
}

void serve(const options& opts, tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(8 * 1024 * 1024); // Courier allows 1 MiB payloads plus the envelope
    http::read(socket, buffer, parser, ec);
    if (ec)
      break; // the peer closed the connection (or sent garbage): either way we are done
    auto res = handle(opts, parser.get());
    http::write(socket, res, ec);
    if (ec || !res.keep_alive())
      break;
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

void print_summary() {
  std::lock_guard<std::mutex> lock(state_mutex);
  std::printf("summary: requests=%ld deliveries=%ld distinct=%ld duplicates=%ld "
              "failed_on_purpose=%ld bad_signatures=%ld order_gaps=%ld\n",
              totals.requests, totals.delivered, totals.distinct, totals.duplicates,
              totals.failed_on_purpose, totals.bad_signatures, totals.order_gaps);
  for (const auto& [path, stream] : *streams)
    std::printf("summary: [%s] distinct=%zu contiguous_through=%lld\n", path.c_str(),
                stream.seen.size(), stream.contiguous);
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  options opts = parse_args(argc, argv);

  // Block the stop signals in every thread (new threads inherit the mask) and take them
  // with sigwait in one thread: printf is not async-signal-safe in a handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread([stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    print_summary();
    // Connection threads may be blocked in reads; there is nothing left to flush.
    std::_Exit(0);
  }).detach();

  asio::io_context io;
  tcp::acceptor acceptor(io);
  try {
    tcp::endpoint endpoint(asio::ip::make_address(opts.host), opts.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "courier-demo-subscriber: cannot listen on %s:%u: %s\n", opts.host.c_str(),
                 opts.port, e.what());
    return 1;
  }
  std::printf("listening on %s:%u (fail every %ld)\n", opts.host.c_str(), opts.port,
              opts.fail_every);
  std::fflush(stdout);
  for (;;) {
    tcp::socket socket(io);
    beast::error_code ec;
    acceptor.accept(socket, ec);
    if (ec)
      continue; // e.g. the client reset before accept returned; keep serving others
    std::thread(serve, std::cref(opts), std::move(socket)).detach();
  }
}
