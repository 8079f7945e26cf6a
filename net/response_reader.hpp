#pragma once
// The parsing half of reading a delivery response, apart from the socket: Beast's parser
// with Courier's limits, interim (1xx) responses skipped, the finished message turned into
// an http_result. http_exchange reads the connection into it; tests/fuzz feeds it bytes.
#include <boost/beast/http/parser.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "net/excerpt_body.hpp"
#include "net/http_sender.hpp"

namespace courier::net {

enum class response_step {
  complete,      // a final response arrived: take result()
  next_response, // an interim response was skipped: read the next one into next()
  failed,        // no usable response: fail with `failure` and `error`
};

struct response_verdict {
  response_step step = response_step::failed;
  bool reusable = false;         // complete: the connection may serve another request
  bool nothing_received = false; // failed: not one response byte came (a stale pooled connection)
  http_failure failure = http_failure::none;
  std::string error;
};

// One exchange's response; owned by that exchange and used on its strand.
class response_reader {
public:
  using parser_type = boost::beast::http::response_parser<excerpt_body>;

  // max_body: bytes of the body read at most (http_client_options::max_response_body).
  explicit response_reader(std::uint64_t max_body) : max_body_(max_body) {}

  // A fresh parser for the next response on the connection, limits applied.
  parser_type& next();

  // After a read into next() ended with `ec`; `unread` is what the connection's buffer
  // still holds beyond the response (a reused connection must have nothing pending).
  response_verdict after_read(boost::system::error_code ec, std::size_t unread);

  // The final response, after a `complete` verdict.
  http_result result();

private:
  std::uint64_t max_body_;
  std::optional<parser_type> parser_;
  int interim_responses_ = 0; // 1xx responses skipped so far
};

} // namespace courier::net
