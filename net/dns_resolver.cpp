#include "net/dns_resolver.hpp"

#include <boost/asio/post.hpp>

namespace courier::net {

dns_resolver::dns_resolver(std::size_t threads) : pool_(threads == 0 ? 1 : threads) {}

dns_resolver::~dns_resolver() {
  stop();
}

void dns_resolver::resolve(std::string host, std::string port, boost::asio::any_io_executor ex,
                           handler done) {
  boost::asio::post(pool_, [this, host = std::move(host), port = std::move(port),
                            ex = std::move(ex), done = std::move(done)]() mutable {
    using boost::asio::ip::tcp;
    boost::system::error_code ec;
    // A resolver object only to reach getaddrinfo(); the blocking call never uses
    // its executor.
    tcp::resolver resolver(pool_.get_executor());
    auto results = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
    endpoints found;
    if (!ec)
      for (const auto& entry : results)
        found.push_back(entry.endpoint());
    if (!ec && found.empty())
      ec = boost::asio::error::host_not_found;
    boost::asio::post(ex, [done = std::move(done), ec, found = std::move(found)]() mutable {
      done(ec, std::move(found));
    });
  });
}

void dns_resolver::stop() {
  pool_.join();
}

} // namespace courier::net
