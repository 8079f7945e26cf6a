#pragma once
// A Beast response body that keeps only what delivery results need.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <string>

namespace courier::net {

// Body type for http::response_parser: stores the first `excerpt_limit` bytes,
// counts the rest, and fails with http::error::body_limit once more than `limit`
// bytes arrived, so a huge response costs neither memory nor unbounded reading.
// Used on the strand of the exchange that reads the response.
struct excerpt_body {
  struct value_type {
    std::string excerpt;
    std::uint64_t received = 0;
    std::uint64_t limit = 65536;
    std::size_t excerpt_limit = 512;
  };

  // Beast's sink for body bytes; lives inside the parser, same strand.
  class reader {
  public:
    template <bool is_request, class Fields>
    reader(boost::beast::http::header<is_request, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t consumed = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer b = *it;
        auto room = body_.limit - body_.received;
        auto n = b.size() < room ? b.size() : static_cast<std::size_t>(room);
        auto* data = static_cast<const char*>(b.data());
        if (body_.excerpt.size() < body_.excerpt_limit)
          body_.excerpt.append(data, std::min(n, body_.excerpt_limit - body_.excerpt.size()));
        body_.received += n;
        consumed += n;
        if (n < b.size()) {
          ec = boost::beast::http::error::body_limit;
          break;
        }
      }
      return consumed;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

  private:
    value_type& body_;
  };
};

} // namespace courier::net
