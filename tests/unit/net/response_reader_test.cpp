// response_reader over bytes read by Beast's loop, whole and one byte at a time: what a
// delivery makes of a subscriber's response, without a socket.
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <string>

#include "net/response_reader.hpp"
#include "tests/support/scripted_stream.hpp"

namespace courier::net {
namespace {

struct read_outcome {
  response_verdict verdict;
  http_result result; // when verdict.step == complete
};

// Reads responses from `bytes` (`chunk` bytes per read, 0: all at once) the way
// http_exchange does, until a final verdict.
read_outcome read_response(const std::string& bytes, std::size_t chunk = 0,
                           std::uint64_t max_body = 65536,
                           boost::system::error_code end = boost::asio::error::eof) {
  test::scripted_stream stream(bytes, chunk, end);
  boost::beast::flat_buffer buffer;
  response_reader reader(max_body);
  for (;;) {
    boost::system::error_code ec;
    boost::beast::http::read(stream, buffer, reader.next(), ec);
    read_outcome out{reader.after_read(ec, buffer.size()), {}};
    if (out.verdict.step == response_step::next_response)
      continue;
    if (out.verdict.step == response_step::complete)
      out.result = reader.result();
    return out;
  }
}

TEST(response_reader, reads_a_chunked_response_arriving_byte_by_byte) {
  auto out = read_response("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n4;x=1\r\nbusy\r\n0\r\nT: t\r\n\r\n",
                           1);
  ASSERT_EQ(out.verdict.step, response_step::complete);
  EXPECT_TRUE(out.verdict.reusable);
  EXPECT_EQ(out.result.status, 503);
  EXPECT_EQ(out.result.retry_after, "120");
  EXPECT_EQ(out.result.body_excerpt, "busy");
}

// Found by tests/fuzz/http_response_fuzz: with Beast 1.74's body_limit(none) such a body
// failed with body_limit, so the excerpt was lost and the connection never reused.
TEST(response_reader, a_body_arriving_after_the_header_keeps_its_excerpt_and_the_connection) {
  for (std::size_t chunk : {0, 1, 3}) {
    auto out = read_response("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 11\r\n\r\n"
                             "out of disk",
                             chunk);
    ASSERT_EQ(out.verdict.step, response_step::complete) << "chunk " << chunk;
    EXPECT_TRUE(out.verdict.reusable) << "chunk " << chunk;
    EXPECT_EQ(out.result.status, 500);
    EXPECT_EQ(out.result.body_excerpt, "out of disk") << "chunk " << chunk;
  }
}

TEST(response_reader, skips_up_to_eight_interim_responses) {
  std::string interim;
  for (int i = 0; i < 8; ++i)
    interim += "HTTP/1.1 100 Continue\r\n\r\n";
  auto ok = read_response(interim + "HTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_EQ(ok.verdict.step, response_step::complete);
  EXPECT_EQ(ok.result.status, 204);
  auto too_many = read_response(interim + "HTTP/1.1 103 Early Hints\r\n\r\n");
  ASSERT_EQ(too_many.verdict.step, response_step::failed);
  EXPECT_EQ(too_many.verdict.failure, http_failure::protocol);
}

TEST(response_reader, keeps_the_excerpt_and_abandons_a_body_over_the_limit) {
  auto out =
      read_response("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + std::string(40, 'x'), 3, 16);
  ASSERT_EQ(out.verdict.step, response_step::complete);
  EXPECT_FALSE(out.verdict.reusable);
  EXPECT_EQ(out.result.body_excerpt, std::string(16, 'x'));
}

TEST(response_reader, a_connection_with_unasked_bytes_or_a_protocol_switch_is_not_reused) {
  auto extra = read_response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
  ASSERT_EQ(extra.verdict.step, response_step::complete);
  EXPECT_FALSE(extra.verdict.reusable);
  auto upgrade = read_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
  ASSERT_EQ(upgrade.verdict.step, response_step::complete);
  EXPECT_EQ(upgrade.result.status, 101);
  EXPECT_FALSE(upgrade.verdict.reusable);
}

TEST(response_reader, a_body_cut_by_a_tls_truncation_ends_there_only_when_unframed) {
  auto unframed = read_response("HTTP/1.0 200 OK\r\n\r\nrest", 0, 65536,
                                boost::asio::ssl::error::stream_truncated);
  ASSERT_EQ(unframed.verdict.step, response_step::complete);
  EXPECT_EQ(unframed.result.body_excerpt, "rest");
  auto framed = read_response("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nrest", 0, 65536,
                              boost::asio::ssl::error::stream_truncated);
  ASSERT_EQ(framed.verdict.step, response_step::failed);
  EXPECT_EQ(framed.verdict.failure, http_failure::protocol);
}

TEST(response_reader, nothing_received_is_a_connect_failure_a_torn_response_a_protocol_one) {
  auto nothing = read_response("");
  ASSERT_EQ(nothing.verdict.step, response_step::failed);
  EXPECT_TRUE(nothing.verdict.nothing_received);
  EXPECT_EQ(nothing.verdict.failure, http_failure::connect);
  auto torn = read_response("HTTP/1.1 200 OK\r\nContent-Le");
  ASSERT_EQ(torn.verdict.step, response_step::failed);
  EXPECT_FALSE(torn.verdict.nothing_received);
  EXPECT_EQ(torn.verdict.failure, http_failure::protocol);
}

} // namespace
} // namespace courier::net
