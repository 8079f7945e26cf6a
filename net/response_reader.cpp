#include "net/response_reader.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <limits>

namespace courier::net {

namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t body_excerpt_limit = 512;
constexpr int max_interim_responses = 8;

response_verdict failed(http_failure failure, std::string error, bool nothing_received = false) {
  return {response_step::failed, false, nothing_received, failure, std::move(error)};
}

response_verdict complete(bool reusable) {
  return {response_step::complete, reusable, false, http_failure::none, {}};
}

} // namespace

response_reader::parser_type& response_reader::next() {
  parser_.emplace();
  // excerpt_body enforces max_response_body itself, after keeping the excerpt. Not
  // body_limit(boost::none): Beast 1.74 then fails every Content-Length body whose bytes
  // arrive after the header with body_limit (fixed in Boost 1.75).
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  auto& body = parser_->get().body();
  body.limit = max_body_;
  body.excerpt_limit = body_excerpt_limit;
  return *parser_;
}

response_verdict response_reader::after_read(error_code ec, std::size_t unread) {
  if (ec == http::error::body_limit && parser_->is_header_done())
    return complete(false); // the rest of the body is abandoned with the connection
  if (ec == boost::asio::ssl::error::stream_truncated && parser_->is_header_done()) {
    // Many servers drop TLS without close_notify; for a body that runs to EOF that
    // is simply its end, for a framed one put_eof reports the truncation.
    ec = {};
    parser_->put_eof(ec);
    if (!ec)
      return complete(false);
  }
  if (ec) {
    if (interim_responses_ == 0 && !parser_->got_some() && unread == 0)
      return failed(http_failure::connect, "connection closed before any response: " + ec.message(),
                    true);
    return failed(http_failure::protocol, "reading the response failed: " + ec.message());
  }
  auto code = parser_->get().result_int();
  if (code >= 100 && code < 200 && code != 101) {
    // 100 Continue / 103 Early Hints precede the real response on the same connection.
    if (++interim_responses_ > max_interim_responses)
      return failed(http_failure::protocol, "too many interim (1xx) responses");
    return {response_step::next_response, false, false, http_failure::none, {}};
  }
  // After 101 the connection speaks something else; it is never reused.
  return complete(code != 101 && parser_->keep_alive() && unread == 0);
}

http_result response_reader::result() {
  auto& response = parser_->get();
  http_result out;
  out.status = static_cast<int>(response.result_int());
  if (auto it = response.find(http::field::retry_after); it != response.end())
    out.retry_after = std::string(it->value());
  out.body_excerpt = std::move(response.body().excerpt);
  return out;
}

} // namespace courier::net
