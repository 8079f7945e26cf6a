// Admin API request bodies and query strings through the parsers the API runs
// (runtime/admin/requests): any input ends as a typed request or a problem with a 4xx
// status, never a crash. Input: byte 0 picks the parser; the rest is the body or query.
#include "runtime/admin/requests.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <variant>

using namespace courier;

namespace {

template <class T> void check(const admin::parsed<T>& got) {
  if (auto* p = std::get_if<admin::problem>(&got))
    COURIER_FUZZ_CHECK(p->status >= 400 && p->status < 500);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  auto text = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 9) {
  case 0:
    check(admin::parse_create_hook(text));
    break;
  case 1:
    check(admin::parse_update_hook(text));
    break;
  case 2:
    check(admin::parse_rotate_secret(text));
    break;
  case 3:
    check(admin::parse_replay(text));
    break;
  case 4:
    check(admin::parse_empty_body(text));
    break;
  case 5:
    check(admin::parse_hook_list_query(text));
    break;
  case 6:
    check(admin::parse_rewind_hook(text));
    break;
  case 7:
    check(admin::parse_delivery_list_query(text));
    break;
  default:
    check(admin::parse_dead_letter_list_query(text));
    break;
  }
  return 0;
}
