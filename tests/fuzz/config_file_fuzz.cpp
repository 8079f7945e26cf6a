// Config files through config::load (`courierd --config FILE`): the file reader, every
// key's typed parser and the cross-key rules. Bad files must end in config_error (exit 2
// with one line), nothing else. The input is served from a memfd, so no disk is touched.
#include "config/node_config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <string>
#include <sys/mman.h>
#include <unistd.h>

using namespace courier;

namespace {

// One in-memory file reused for every input; rewritten and truncated each time.
int config_fd() {
  static const int fd = memfd_create("courier-fuzz.toml", 0);
  COURIER_FUZZ_CHECK(fd >= 0);
  return fd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = config_fd();
  COURIER_FUZZ_CHECK(ftruncate(fd, 0) == 0);
  COURIER_FUZZ_CHECK(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const char* argv[] = {"courierd", "--config", path.c_str()};
  try {
    auto config = config::load(3, argv, {});
    // The startup log line masks secrets in whatever db string was given.
    COURIER_FUZZ_CHECK(!config::describe(config).empty());
  } catch (const config::config_error& e) {
    const std::string line = e.what();
    COURIER_FUZZ_CHECK(!line.empty() && line.find('\n') == std::string::npos);
  }
  return 0;
}
