// A subscriber's response bytes through net::response_reader, read by Beast's read loop
// exactly as http_exchange reads a connection (status line, headers, chunked and
// length-framed bodies, interim responses, body limit, TLS truncation), once split as the
// input says and once in as few reads as possible: both must record the same.
// Input: byte 0 = bytes per read (0: all at once); byte 1 bit 0 = the stream ends with a
// TLS truncation instead of EOF, bits 1-2 = max_response_body; the rest = the response.
#include <array>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>
#include <string>

#include "net/response_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/support/scripted_stream.hpp"

using namespace courier;

namespace {

// What a delivery takes from one connection: the final verdict and, when complete, the result.
struct outcome {
  net::response_step step;
  net::http_failure failure;
  int status = 0;
  std::string excerpt;
  std::optional<std::string> retry_after;
};

outcome read_responses(std::string_view bytes, std::size_t chunk, boost::system::error_code end,
                       std::uint64_t max_body) {
  test::scripted_stream stream(bytes, chunk, end);
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
      return {verdict.step, verdict.failure};
    }
    auto result = reader.result();
    COURIER_FUZZ_CHECK(result.failure == net::http_failure::none);
    COURIER_FUZZ_CHECK(result.status >= 0 && result.status <= 999);
    COURIER_FUZZ_CHECK(result.body_excerpt.size() <= 512 && result.body_excerpt.size() <= max_body);
    // Bytes beyond this response mean the connection must not be reused.
    COURIER_FUZZ_CHECK(!verdict.reusable || buffer.size() == 0);
    return {verdict.step, result.failure, result.status, std::move(result.body_excerpt),
            std::move(result.retry_after)};
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  constexpr std::array<std::uint64_t, 4> body_limits{65536, 0, 16, 512};
  const auto end = (data[1] & 1) != 0
                       ? boost::system::error_code(boost::asio::ssl::error::stream_truncated)
                       : boost::system::error_code(boost::asio::error::eof);
  const std::uint64_t max_body = body_limits[(data[1] >> 1) & 3];
  const auto bytes = fuzz::as_text(data + 2, size - 2);

  auto split = read_responses(bytes, data[0], end, max_body);
  // How TCP happens to cut the bytes must not change what the delivery records (only
  // whether the connection is reused may differ: unasked bytes may not have arrived yet).
  auto whole = read_responses(bytes, 0, end, max_body);
  COURIER_FUZZ_CHECK(split.step == whole.step && split.failure == whole.failure);
  COURIER_FUZZ_CHECK(split.status == whole.status && split.excerpt == whole.excerpt);
  COURIER_FUZZ_CHECK(split.retry_after == whole.retry_after);
  return 0;
}
