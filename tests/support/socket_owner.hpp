#pragma once
// Which local process owns a TCP connection, from /proc: lets a test attribute each
// request a subscriber received to the courierd node that sent it.
#include <map>
#include <vector>

#include <sys/types.h>

namespace courier::test {

// Local TCP ports of the sockets each of `pids` has open right now.
std::map<unsigned short, pid_t> local_ports_of(const std::vector<pid_t>& pids);

} // namespace courier::test
