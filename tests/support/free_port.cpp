#include "tests/support/free_port.hpp"

#include <cstdint>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace courier::test {

bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::vector<int> candidate_ports(int count) {
  std::vector<int> ports;
  const int offset = static_cast<int>((static_cast<long>(::getpid()) * 7919) % 10000);
  for (int i = 0; i < 10000 && static_cast<int>(ports.size()) < count; ++i) {
    int port = 20000 + (offset + i * 613) % 10000;
    if (port_free(port)) {
      ports.push_back(port);
    }
  }
  return ports;
}

} // namespace courier::test
