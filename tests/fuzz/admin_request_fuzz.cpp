// A client's bytes through net::admin_request_reader, read by Beast's read loop as the
// admin server reads a connection (request line, headers, bodies, the 8 KiB / 64 KiB bounds).
// Input: byte 0 = bytes per read (0: all at once); the rest = what the client sends.
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <variant>

#include "net/admin_request_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/support/scripted_stream.hpp"

using namespace courier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  test::scripted_stream stream(fuzz::as_text(data + 1, size - 1), data[0], boost::asio::error::eof);
  boost::beast::flat_buffer buffer;
  net::admin_request_reader reader;
  boost::system::error_code ec;
  boost::beast::http::read(stream, buffer, reader.parser(), ec);
  auto got = reader.finish(ec);
  if (auto* request = std::get_if<net::admin_request>(&got)) {
    COURIER_FUZZ_CHECK(!ec);
    COURIER_FUZZ_CHECK(!request->method.empty() && !request->target.empty());
    COURIER_FUZZ_CHECK(request->body.size() <= 64 * 1024);
  } else if (auto* response = std::get_if<net::admin_response>(&got)) {
    COURIER_FUZZ_CHECK(ec && response->status == 400);
  } else {
    COURIER_FUZZ_CHECK(ec); // only a failed read leaves nothing to answer
  }
  return 0;
}
