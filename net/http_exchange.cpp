#include "net/http_exchange.hpp"

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "net/target_guard.hpp"
#include "net/tls_context.hpp"

namespace courier::net {

namespace http = boost::beast::http;
using boost::asio::bind_executor;
using boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string host_header(const url& u) {
  std::string out = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  bool default_port =
      (u.scheme == "http" && u.port == "80") || (u.scheme == "https" && u.port == "443");
  if (!default_port)
    out += ":" + u.port;
  return out;
}

bool is_token(std::string_view name) {
  if (name.empty())
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// CR/LF would let a header value start a new header (or a new request).
bool is_field_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// Framing headers come from the message itself, never from the caller.
bool is_framing_header(const std::string& name) {
  using boost::beast::iequals;
  boost::beast::string_view n(name.data(), name.size());
  return iequals(n, "host") || iequals(n, "content-length") || iequals(n, "transfer-encoding");
}

} // namespace

http_exchange::http_exchange(exchange_env& env, std::uint64_t id, http_request req, done_fn done)
    : env_(env), id_(id), req_(std::move(req)), done_(std::move(done)),
      strand_(boost::asio::make_strand(env.ioc)), deadline_(strand_),
      started_(std::chrono::steady_clock::now()), response_(env.opts.max_response_body) {}

void http_exchange::start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->begin(); });
}

void http_exchange::cancel(http_failure why, std::string error) {
  boost::asio::post(strand_, [self = shared_from_this(), why, error = std::move(error)]() mutable {
    self->fail(why, std::move(error));
  });
}

void http_exchange::begin() {
  if (finished_)
    return;
  std::string error;
  auto parsed = parse_url(req_.url, &error);
  if (!parsed)
    return fail(http_failure::bad_url, error);
  url_ = std::move(*parsed);
  if (!build_message(error))
    return fail(http_failure::bad_url, error);
  deadline_.expires_after(req_.timeout);
  deadline_.async_wait(bind_executor(strand_, [self = shared_from_this()](const error_code& ec) {
    if (!ec)
      self->fail(http_failure::timeout,
                 "no response within " + std::to_string(self->req_.timeout.count()) + " ms");
  }));
  acquire_connection();
}

bool http_exchange::build_message(std::string& error) {
  message_.version(11);
  message_.method(http::verb::post);
  message_.target(url_.target);
  message_.set(http::field::host, host_header(url_));
  for (const auto& [name, value] : req_.headers) {
    if (!is_token(name) || !is_field_value(value)) {
      error = "invalid request header '" + name + "'";
      return false;
    }
    if (is_framing_header(name))
      continue;
    message_.insert(name, value);
  }
  if (message_.find(http::field::user_agent) == message_.end())
    message_.set(http::field::user_agent, env_.opts.user_agent);
  message_.body() = std::move(req_.body);
  message_.prepare_payload();
  return true;
}

void http_exchange::acquire_connection() {
  conn_ = env_.pool.take(url_.origin());
  if (!conn_)
    return resolve();
  reused_ = true;
  write_request();
}

void http_exchange::resolve() {
  error_code ec;
  auto literal = boost::asio::ip::make_address(url_.host, ec);
  if (!ec) {
    auto port = static_cast<unsigned short>(std::stoul(url_.port));
    return on_resolved({}, {tcp::endpoint(literal, port)});
  }
  env_.dns.resolve(
      url_.host, url_.port, strand_,
      [self = shared_from_this()](error_code lookup_ec, dns_resolver::endpoints found) {
        self->on_resolved(lookup_ec, std::move(found));
      });
}

void http_exchange::on_resolved(const error_code& ec, dns_resolver::endpoints found) {
  if (finished_)
    return;
  if (ec)
    return fail(http_failure::resolve, "cannot resolve " + url_.host + ": " + ec.message());
  if (!env_.opts.allow_private_targets) {
    std::string refused;
    auto is_refused = [&refused](const tcp::endpoint& ep) {
      auto text = ep.address().to_string();
      if (!is_private_address(text))
        return false;
      if (refused.empty())
        refused = text;
      return true;
    };
    found.erase(std::remove_if(found.begin(), found.end(), is_refused), found.end());
    if (found.empty())
      return fail(http_failure::refused_target, "target resolves to a private address (" + refused +
                                                    ") of " + url_.host +
                                                    " and allow_private_targets is off");
  }
  endpoints_ = std::move(found);
  conn_ = std::make_shared<http_connection>(env_.ioc.get_executor(),
                                            url_.scheme == "https" ? &env_.tls : nullptr);
  reused_ = false;
  boost::asio::async_connect(
      conn_->socket(), endpoints_,
      bind_executor(strand_,
                    [self = shared_from_this(), conn = conn_](
                        const error_code& ec, const tcp::endpoint&) { self->on_connected(ec); }));
}

void http_exchange::on_connected(const error_code& ec) {
  if (finished_)
    return;
  if (ec)
    return fail(http_failure::connect, "cannot connect to " + url_.origin() + ": " + ec.message());
  error_code ignored;
  // Header and body may leave in separate segments; Nagle would hold the second.
  conn_->socket().set_option(tcp::no_delay(true), ignored);
  if (!conn_->is_tls())
    return write_request();
  std::string error;
  if (!prepare_tls_session(conn_->tls().native_handle(), url_.host, &error))
    return fail(http_failure::tls, error);
  conn_->tls().async_handshake(
      boost::asio::ssl::stream_base::client,
      bind_executor(strand_, [self = shared_from_this(), conn = conn_](const error_code& ec) {
        self->on_handshake(ec);
      }));
}

void http_exchange::on_handshake(const error_code& ec) {
  if (finished_)
    return;
  if (ec)
    return fail(http_failure::tls,
                describe_tls_failure(conn_->tls().native_handle(), ec, url_.host));
  write_request();
}

void http_exchange::write_request() {
  if (req_.may_send) {
    bool allowed = false;
    try {
      allowed = req_.may_send();
    } catch (const std::exception& e) {
      return fail(http_failure::fenced, std::string("not sent: may_send() threw: ") + e.what());
    }
    if (!allowed)
      return fail(http_failure::fenced, "not sent: may_send() refused");
  }
  auto conn = conn_;
  conn->with_stream([&](auto& stream) {
    http::async_write(
        stream, message_,
        bind_executor(strand_, [self = shared_from_this(), conn](
                                   const error_code& ec, std::size_t) { self->on_written(ec); }));
  });
}

void http_exchange::on_written(const error_code& ec) {
  if (finished_)
    return;
  if (ec) {
    if (retry_on_fresh_connection(ec))
      return;
    return fail(http_failure::connect, "sending the request failed: " + ec.message());
  }
  read_response();
}

void http_exchange::read_response() {
  auto& parser = response_.next();
  auto conn = conn_;
  conn->with_stream([&](auto& stream) {
    http::async_read(
        stream, conn->buffer(), parser,
        bind_executor(strand_, [self = shared_from_this(),
                                conn](const error_code& ec, std::size_t) { self->on_read(ec); }));
  });
}

void http_exchange::on_read(error_code ec) {
  if (finished_)
    return;
  auto verdict = response_.after_read(ec, conn_->buffer().size());
  switch (verdict.step) {
  case response_step::next_response:
    return read_response();
  case response_step::complete:
    return finish(response_.result(), verdict.reusable);
  case response_step::failed:
    if (verdict.nothing_received && retry_on_fresh_connection(ec))
      return;
    return fail(verdict.failure, std::move(verdict.error));
  }
}

bool http_exchange::retry_on_fresh_connection(const error_code& ec) {
  // Only a pooled connection may have been closed by the peer while idle; once any
  // response byte arrived the server may have acted on the request, so no retry then.
  if (!reused_ || retried_)
    return false;
  env_.log->debug("http #{}: pooled connection to {} was stale ({}), retrying on a new one", id_,
                  url_.origin(), ec.message());
  retried_ = true;
  reused_ = false;
  conn_->close();
  conn_.reset();
  resolve();
  return true;
}

void http_exchange::fail(http_failure failure, std::string error) {
  http_result result;
  result.failure = failure;
  result.error = std::move(error);
  finish(std::move(result), false);
}

void http_exchange::finish(http_result result, bool keep_connection) {
  if (finished_)
    return;
  finished_ = true;
  deadline_.cancel();
  if (conn_) {
    // Closing also aborts whatever operation a timeout or shutdown interrupted.
    if (keep_connection)
      env_.pool.park(url_.origin(), std::move(conn_));
    else
      conn_->close();
    conn_.reset();
  }
  if (env_.log->should_log(spdlog::level::debug)) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started_)
                  .count();
    if (result.failure == http_failure::none)
      env_.log->debug("http #{}: POST {}{} -> {} in {} ms{}", id_, url_.origin(), url_.target,
                      result.status, ms, reused_ ? " (reused connection)" : "");
    else
      env_.log->debug("http #{}: POST {}{} failed ({}) after {} ms: {}", id_, url_.origin(),
                      url_.target, to_string(result.failure), ms, result.error);
  }
  env_.release(id_, result.failure);
  auto done = std::move(done_);
  done_ = nullptr;
  if (done)
    done(std::move(result));
}

} // namespace courier::net
