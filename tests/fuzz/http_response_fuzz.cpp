// A subscriber's response bytes through net::response_reader, read by Beast's read loop
// exactly as http_exchange reads a connection (status line, headers, chunked and
// length-framed bodies, interim responses, body limit, TLS truncation).
// Input: byte 0 = bytes per read (0: all at once); byte 1 bit 0 = the stream ends with a
// TLS truncation instead of EOF, bits 1-2 = max_response_body; the rest = the response.
#include <array>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "net/response_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/support/scripted_stream.hpp"

using namespace courier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  constexpr std::array<std::uint64_t, 4> body_limits{65536, 0, 16, 512};
  const std::size_t chunk = data[0];
  const auto end = (data[1] & 1) != 0
                       ? boost::system::error_code(boost::asio::ssl::error::stream_truncated)
                       : boost::system::error_code(boost::asio::error::eof);
  const std::uint64_t max_body = body_limits[(data[1] >> 1) & 3];

  test::scripted_stream stream(fuzz::as_text(data + 2, size - 2), chunk, end);
  boost::beast::flat_buffer buffer; // http_connection's read-ahead buffer
  net::response_reader reader(max_body);
  // Each pass is one response; the reader itself stops after a bounded number of 1xx.
  for (;;) {
    boost::system::error_code ec;
    boost::beast::http::read(stream, buffer, reader.next(), ec);
    auto verdict = reader.after_read(ec, buffer.size());
    if (verdict.step == net::response_step::next_response)
      continue;
    if (verdict.step == net::response_step::failed) {
      COURIER_FUZZ_CHECK(verdict.failure == net::http_failure::connect ||
                         verdict.failure == net::http_failure::protocol);
      COURIER_FUZZ_CHECK(!verdict.error.empty());
      return 0;
    }
    auto result = reader.result();
    COURIER_FUZZ_CHECK(result.failure == net::http_failure::none);
    COURIER_FUZZ_CHECK(result.status >= 0 && result.status <= 999);
    COURIER_FUZZ_CHECK(result.body_excerpt.size() <= 512 && result.body_excerpt.size() <= max_body);
    // Bytes beyond this response mean the connection must not be reused.
    COURIER_FUZZ_CHECK(!verdict.reusable || buffer.size() == 0);
    return 0;
  }
}
