#pragma once
// The parsing half of the admin server, apart from the socket: Beast's request parser with
// the server's bounds (8 KiB head, 64 KiB body), and what a finished read means: a request
// for the handler, a 400 for a malformed one, or nothing to answer. Owned by one admin
// session on the admin server's thread; tests/fuzz feeds it bytes.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <variant>

#include "net/admin_server.hpp"

namespace courier::net {

class admin_request_reader {
public:
  using parser_type = boost::beast::http::request_parser<boost::beast::http::string_body>;

  admin_request_reader();

  parser_type& parser() { return parser_; }

  // After the read into parser() ended with `ec`: the request, the 400 response owed
  // to a malformed one, or monostate when the client left or went silent before a
  // whole request (nobody to answer).
  std::variant<std::monostate, admin_request, admin_response> finish(boost::beast::error_code ec);

private:
  parser_type parser_;
};

} // namespace courier::net
