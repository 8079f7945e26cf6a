#pragma once
// A Beast SyncReadStream that plays back fixed bytes, so tests and fuzz targets run Beast's own
// read loop over the production parsers without a socket. Used by one test or fuzz input.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace courier::test {

class scripted_stream {
public:
  // Hands out at most `chunk` bytes per read (0: as many as asked for), so the parser
  // also meets messages split at every position; then fails every read with `end`.
  scripted_stream(std::string_view bytes, std::size_t chunk, boost::system::error_code end)
      : rest_(bytes), chunk_(chunk == 0 ? bytes.size() + 1 : chunk), end_(end) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    if (rest_.empty()) {
      ec = end_;
      return 0;
    }
    ec = {};
    auto n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(rest_.data(), std::min(chunk_, rest_.size())));
    rest_.remove_prefix(n);
    return n;
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    auto n = read_some(buffers, ec);
    if (ec)
      throw boost::system::system_error(ec);
    return n;
  }

private:
  std::string_view rest_;
  std::size_t chunk_;
  boost::system::error_code end_;
};

} // namespace courier::test
