#pragma once
// pg_instance owns a throwaway PostgreSQL cluster (data dir, log and socket in one
// courier-pg-* dir under /dev/shm or /tmp) run as the `postgres` OS user when root.
// Thread-safe: start/stop/restart are serialized; URLs and queries from any thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

namespace courier::test {

// Where the server runs and who may connect; the defaults are those of shared().
struct pg_options {
  // Runs initdb, pg_ctl and so the server through this launcher, e.g.
  // {"ip", "netns", "exec", "ns1"} to put it in a network namespace.
  std::vector<std::string> exec_prefix;
  std::string listen_address = "127.0.0.1"; // also the host in url()
  std::string trusted_subnet;               // e.g. "10.213.7.0/24": trusted in pg_hba.conf too
};

class pg_instance {
public:
  // One cluster per test process, started on first use and stopped (immediate mode,
  // data removed) at exit. Throws std::runtime_error, with the server log tail, when
  // the cluster cannot start; later calls rethrow the same message without retrying.
  static pg_instance& shared();

  pg_instance() : pg_instance(pg_options{}) {}
  explicit pg_instance(pg_options options); // initdb + start; throws std::runtime_error
  ~pg_instance();
  pg_instance(const pg_instance&) = delete;
  pg_instance& operator=(const pg_instance&) = delete;

  // postgresql://postgres@<listen_address>:PORT/<db> (trust authentication).
  std::string url(const std::string& db = "postgres") const;

  // A new uniquely named database (<prefix>_<pid>_<n>), migrated with
  // `courierctl migrate --db <url>` unless migrate is false; returns its URL.
  // Throws std::runtime_error with courierctl's output when migration fails.
  std::string create_database(const std::string& prefix = "courier", bool migrate = true);

  void restart(); // stop -m immediate, then start on the same port
  void stop();    // stop -m immediate (server down until start())
  void start();   // on the same port; throws with the log tail on failure
  bool running() const;

  // Streaming replication, for failover tests.
  // A hot standby of this running instance (pg_basebackup -R, WAL streamed) in its own
  // dir on its own port. Throws std::runtime_error with the tool's output or log tail.
  std::unique_ptr<pg_instance> start_standby();
  // From now on a commit here returns only once a standby has flushed it
  // (synchronous_standby_names = '*', synchronous_commit on); returns when a standby is
  // synchronous, throws after `timeout`. Call it after start_standby(): the setting
  // lives in the data dir, so a standby cloned later would inherit it and, once
  // promoted, wait for a standby of its own.
  void require_synchronous_standby(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // pg_ctl promote on a standby; returns once it accepts writes. Throws on failure.
  void promote();
  // A server crash: SIGKILL to the postmaster and every backend at once (the postmaster
  // is stopped first so it cannot fork or react). The server stays down.
  void crash();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string log_tail(std::size_t lines = 40) const;

  // First column of the first row as text ("" for no row or NULL). Runs outside a
  // transaction block, so CREATE DATABASE and the like work.
  static std::string exec_scalar(const std::string& db_url, const std::string& sql);

  static std::string courierctl_path(); // COURIER_BINARY_DIR/courierctl
  static bool courierctl_available();
  static std::string bin_dir(); // PostgreSQL server binaries; throws when none is found

private:
  struct standby_tag {};
  pg_instance(const pg_instance& primary, standby_tag); // pg_basebackup + start

  // Creates the dir, fills the data dir with `make_data_dir`, starts the server; on
  // failure removes the dir again and rethrows.
  void set_up(const std::function<void()>& make_data_dir);
  void create_dir(); // dir_, data_dir_, log_path_ and owner.pid, owned by postgres
  // Runs a PostgreSQL tool as the postgres user in dir_; throws with its output on failure.
  void run_as_postgres(const std::vector<std::string>& argv, const std::string& what) const;
  std::vector<std::string> as_postgres(std::vector<std::string> argv) const;
  std::string pg_ctl(const std::vector<std::string>& args, int* exit_code) const;
  void start_locked(bool any_port);
  void stop_locked();
  static void reap_stale_clusters(const std::string& root);

  mutable std::mutex mutex_;
  const pg_options options_;
  std::string bin_dir_;
  std::string dir_;
  std::string data_dir_;
  std::string log_path_;
  int port_ = 0;
  bool running_ = false;
  pid_t owner_pid_ = 0;
  std::atomic<int> next_db_{0};
};

} // namespace courier::test
