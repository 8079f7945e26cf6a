// GET / — the status page (status_page.hpp). The access check is the endpoint's
// (status_access.hpp); this reads and renders. A snapshot is reused for snapshot_ttl, so
// any number of open pages on a node cost at most one read per that period.
#include "runtime/admin/handlers.hpp"
#include "runtime/admin/status_access.hpp"
#include "runtime/admin/status_reads.hpp"

#include <map>
#include <mutex>

namespace courier::admin {

namespace {

constexpr auto snapshot_ttl = std::chrono::seconds{2};

// The last snapshot per (database, node): one per process in practice. Guarded by `mutex`;
// touched from the admin server's thread and the admin pool's.
struct snapshot_cache {
  struct entry {
    status_snapshot snapshot;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mutex;
  std::map<std::string, entry> entries;

  static snapshot_cache& instance() {
    static snapshot_cache cache;
    return cache;
  }
};

net::admin_response page_response(const status_snapshot& s) {
  net::admin_response r{200, "text/html; charset=utf-8", render_status_page(s), {}};
  add_page_headers(r);
  return r;
}

} // namespace

void status_page(api_service& svc, const api_call&, net::admin_responder respond) {
  const std::string key = svc.options().db + '\n' + svc.options().node_id;
  auto& cache = snapshot_cache::instance();
  {
    std::lock_guard lock{cache.mutex};
    auto found = cache.entries.find(key);
    if (found != cache.entries.end() &&
        std::chrono::steady_clock::now() - found->second.at < snapshot_ttl)
      return respond(page_response(found->second.snapshot));
  }
  svc.answer(
      [key, node = svc.options().node_id, &cache](pqxx::work& tx) {
        auto snapshot = read_status_snapshot(tx, node);
        auto response = page_response(snapshot);
        std::lock_guard lock{cache.mutex};
        cache.entries[key] = {std::move(snapshot), std::chrono::steady_clock::now()};
        return response;
      },
      std::move(respond));
}

} // namespace courier::admin
