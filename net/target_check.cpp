#include "net/target_check.hpp"

#include "net/target_guard.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace courier::net {

std::optional<std::string> target_refusal(const url& target) {
  boost::system::error_code ec;
  auto literal = boost::asio::ip::make_address(target.host, ec);
  if (!ec) {
    if (is_private_address(literal.to_string()))
      return "target " + target.host +
             " is a private, loopback or link-local address and allow_private_targets is off";
    return std::nullopt;
  }
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver{io};
  auto found = resolver.resolve(target.host, target.port, ec);
  if (ec || found.empty())
    return "cannot resolve " + target.host + ": " + (ec ? ec.message() : "no addresses");
  std::string refused;
  for (const auto& entry : found) {
    auto text = entry.endpoint().address().to_string();
    if (!is_private_address(text))
      return std::nullopt;
    if (refused.empty())
      refused = text;
  }
  return "target resolves to a private address (" + refused + ") of " + target.host +
         " and allow_private_targets is off";
}

} // namespace courier::net
