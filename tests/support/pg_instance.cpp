#include "tests/support/pg_instance.hpp"

#include "tests/support/command.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/spawn.hpp"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

#include <linux/magic.h>
#include <pqxx/pqxx>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace courier::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* preferred_bin_dir = "/usr/lib/postgresql/15/bin";

bool is_root() {
  return ::geteuid() == 0;
}

bool executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

std::string database_name(const std::string& prefix, int n) {
  std::string name;
  for (char c : prefix) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name += (std::isalnum(static_cast<unsigned char>(l)) || l == '_') ? l : '_';
  }
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) {
    name = "db_" + name;
  }
  std::string suffix = "_" + std::to_string(::getpid()) + "_" + std::to_string(n);
  name = name.substr(0, 63 - suffix.size()) + suffix;
  return name;
}

// Guards against pid reuse: only a postgres process started on `data_dir` qualifies.
bool is_postmaster_of(long pid, const std::string& data_dir) {
  std::string cmdline = detail::read_file("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.find("postgres") != std::string::npos &&
         cmdline.find(data_dir) != std::string::npos;
}

void kill_postmaster(const std::string& data_dir) {
  std::ifstream pid_file(data_dir + "/postmaster.pid");
  long pid = 0;
  if (!(pid_file >> pid) || pid <= 0 || !is_postmaster_of(pid, data_dir)) {
    return;
  }
  ::kill(static_cast<pid_t>(pid), SIGQUIT); // immediate shutdown, children included
  for (int i = 0; i < 500 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++i) {
    ::usleep(10000);
  }
  if (is_postmaster_of(pid, data_dir)) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);
  }
}

// Processes whose parent is `parent`, from /proc/<pid>/stat ("pid (comm) state ppid ...").
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) {
      continue;
    }
    std::string stat = detail::read_file("/proc/" + name + "/stat");
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos) {
      continue;
    }
    char state = 0;
    long ppid = 0;
    if (std::sscanf(stat.c_str() + paren + 1, " %c %ld", &state, &ppid) == 2 && ppid == parent) {
      out.push_back(static_cast<pid_t>(std::atol(name.c_str())));
    }
  }
  return out;
}

// Where cluster dirs live: $COURIER_TEST_PG_ROOT, else /dev/shm when it is a roomy
// tmpfs (initdb and CREATE DATABASE run 3-4x faster there than on disk), else /tmp.
std::string cluster_root() {
  if (const char* root = std::getenv("COURIER_TEST_PG_ROOT"); root != nullptr && *root != 0) {
    return root;
  }
  struct statvfs vfs {};
  struct statfs fs_info {};
  constexpr unsigned long long min_free = 2ULL << 30;
  if (::statfs("/dev/shm", &fs_info) == 0 && fs_info.f_type == TMPFS_MAGIC &&
      ::statvfs("/dev/shm", &vfs) == 0 &&
      static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize >= min_free &&
      ::access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  return "/tmp";
}

} // namespace

pg_instance& pg_instance::shared() {
  static std::mutex mutex;
  static std::unique_ptr<pg_instance> instance;
  static std::string failure;
  std::lock_guard<std::mutex> lock(mutex);
  if (instance) {
    return *instance;
  }
  if (!failure.empty()) {
    throw std::runtime_error(failure);
  }
  try {
    instance = std::make_unique<pg_instance>();
  } catch (const std::exception& e) {
    failure = e.what();
    throw;
  }
  return *instance;
}

std::string pg_instance::bin_dir() {
  if (executable(std::string(preferred_bin_dir) + "/pg_ctl")) {
    return preferred_bin_dir;
  }
  auto config = run_command({"pg_config", "--bindir"}, 10s);
  if (config.exit_code == 0) {
    std::string dir = config.output.substr(0, config.output.find('\n'));
    if (executable(dir + "/pg_ctl") && executable(dir + "/initdb")) {
      return dir;
    }
  }
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string name = entry.path().filename().string();
    int version = std::atoi(name.c_str());
    std::string dir = entry.path().string() + "/bin";
    if (version > best_version && executable(dir + "/pg_ctl")) {
      best = dir;
      best_version = version;
    }
  }
  if (best.empty()) {
    throw std::runtime_error("pg_instance: no PostgreSQL server binaries (tried " +
                             std::string(preferred_bin_dir) +
                             ", pg_config --bindir, /usr/lib/postgresql/*/bin)");
  }
  return best;
}

std::vector<std::string> pg_instance::as_postgres(std::vector<std::string> argv) const {
  if (is_root()) {
    if (executable("/usr/sbin/runuser") || executable("/sbin/runuser") ||
        executable("/usr/bin/runuser")) {
      argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
    } else {
      argv = {"su", "postgres", "-s", "/bin/sh", "-c", shell_quote(argv)};
    }
  }
  argv.insert(argv.begin(), options_.exec_prefix.begin(), options_.exec_prefix.end());
  return argv;
}

std::string pg_instance::pg_ctl(const std::vector<std::string>& args, int* exit_code) const {
  std::vector<std::string> argv{bin_dir_ + "/pg_ctl", "-D", data_dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  command_options options;
  options.timeout = 90s;
  options.cwd = dir_;
  auto result = run_command(as_postgres(argv), options);
  *exit_code = result.exit_code;
  return result.output;
}

void pg_instance::create_dir() {
  const std::string root = cluster_root();
  reap_stale_clusters(root);
  dir_ = detail::make_temp_dir("courier-pg-", root);
  data_dir_ = dir_ + "/data";
  log_path_ = dir_ + "/log";
  std::ofstream(dir_ + "/owner.pid") << ::getpid() << "\n";
  if (!is_root()) {
    return;
  }
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    throw std::runtime_error("pg_instance: running as root but there is no `postgres` user "
                             "to run the server as (PostgreSQL refuses root)");
  }
  if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("pg_instance: cannot chown " + dir_ + " to postgres");
  }
}

pg_instance::pg_instance(pg_options options)
    : options_(std::move(options)), bin_dir_(bin_dir()), owner_pid_(::getpid()) {
  // initdb as postgres creates the data dir with the right owner and mode.
  set_up([this] {
    run_as_postgres({bin_dir_ + "/initdb", "-D", data_dir_, "-U", "postgres", "--auth=trust", "-E",
                     "UTF8", "--locale=C", "--no-sync"},
                    "initdb");
    if (!options_.trusted_subnet.empty()) {
      std::ofstream(data_dir_ + "/pg_hba.conf", std::ios::app)
          << "host all all " << options_.trusted_subnet << " trust\n";
    }
  });
}

// The default pg_hba.conf of `initdb --auth=trust` already admits local replication
// connections, and wal_level=replica and max_wal_senders=10 are PostgreSQL 15 defaults.
pg_instance::pg_instance(const pg_instance& primary, standby_tag)
    : options_(primary.options_), bin_dir_(primary.bin_dir_), owner_pid_(::getpid()) {
  set_up([&] {
    run_as_postgres({bin_dir_ + "/pg_basebackup", "-h", primary.dir_, "-p",
                     std::to_string(primary.port_), "-U", "postgres", "-D", data_dir_, "-R", "-X",
                     "stream", "-c", "fast", "--no-sync"},
                    "pg_basebackup");
  });
}

void pg_instance::set_up(const std::function<void()>& make_data_dir) {
  try {
    create_dir();
    make_data_dir();
    std::lock_guard<std::mutex> lock(mutex_);
    start_locked(true);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

void pg_instance::run_as_postgres(const std::vector<std::string>& argv,
                                  const std::string& what) const {
  command_options options;
  options.timeout = 120s;
  options.cwd = dir_;
  auto result = run_command(as_postgres(argv), options);
  if (result.exit_code != 0) {
    throw std::runtime_error("pg_instance: " + what + " failed (exit " +
                             std::to_string(result.exit_code) + "):\n" +
                             detail::tail_lines(result.output, 40));
  }
}

std::unique_ptr<pg_instance> pg_instance::start_standby() {
  if (!running()) {
    throw std::runtime_error("pg_instance: a standby needs a running primary");
  }
  return std::unique_ptr<pg_instance>(new pg_instance(*this, standby_tag{}));
}

void pg_instance::require_synchronous_standby(std::chrono::milliseconds timeout) {
  exec_scalar(url(), "ALTER SYSTEM SET synchronous_standby_names = '*'");
  exec_scalar(url(), "SELECT pg_reload_conf()");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (exec_scalar(url(), "SELECT count(*) FROM pg_stat_replication "
                            "WHERE sync_state = 'sync'") == "0") {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("pg_instance: no synchronous standby after " +
                               std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(20ms);
  }
}

void pg_instance::promote() {
  std::lock_guard<std::mutex> lock(mutex_);
  int code = 0;
  std::string out = pg_ctl({"-w", "-t", "60", "promote"}, &code);
  if (code != 0) {
    throw std::runtime_error("pg_instance: pg_ctl promote failed (exit " + std::to_string(code) +
                             "):\n" + detail::tail_lines(out, 10) + "\n--- server log ---\n" +
                             detail::tail_lines(detail::read_file(log_path_), 30));
  }
}

void pg_instance::crash() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ifstream pid_file(data_dir_ + "/postmaster.pid");
  long pid = 0;
  if (!(pid_file >> pid) || pid <= 0 || !is_postmaster_of(pid, data_dir_)) {
    throw std::runtime_error("pg_instance: no running postmaster to crash in " + data_dir_);
  }
  const auto postmaster = static_cast<pid_t>(pid);
  ::kill(postmaster, SIGSTOP); // no new backends, no reaction to its children dying
  const std::vector<pid_t> backends = children_of(postmaster);
  for (pid_t child : backends) {
    ::kill(child, SIGKILL);
  }
  ::kill(postmaster, SIGKILL);
  for (int i = 0; i < 1000 && is_postmaster_of(pid, data_dir_); ++i) {
    ::usleep(10000);
  }
  running_ = false;
}

pg_instance::~pg_instance() {
  if (::getpid() != owner_pid_) {
    return; // a forked child exiting normally must not tear down the parent's cluster
  }
  std::lock_guard<std::mutex> lock(mutex_);
  stop_locked();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void pg_instance::start_locked(bool any_port) {
  std::vector<int> ports = any_port ? candidate_ports() : std::vector<int>{port_};
  std::string last_error = "no free port in 20000-29999";
  for (int port : ports) {
    // synchronous_commit stays on: with fsync=off a commit costs only a write() to the
    // page cache, and an immediate stop (a crash) then loses no acknowledged commit.
    // With it off, commits from the last ~600 ms vanish on restart() and at-least-once
    // tests would blame courier.
    std::string options = "-p " + std::to_string(port) + " -k " + dir_ +
                          " -c listen_addresses=" + options_.listen_address +
                          " -c fsync=off"
                          " -c full_page_writes=off"
                          " -c max_connections=300 -c shared_buffers=256MB"
                          " -c max_locks_per_transaction=256";
    int code = 0;
    std::string out = pg_ctl({"-l", log_path_, "-w", "-t", "60", "-o", options, "start"}, &code);
    if (code == 0) {
      port_ = port;
      running_ = true;
      return;
    }
    std::string log = detail::read_file(log_path_);
    last_error = "pg_ctl start on port " + std::to_string(port) + " failed (exit " +
                 std::to_string(code) + "):\n" + detail::tail_lines(out, 10) +
                 "\n--- server log (" + log_path_ + ") ---\n" + detail::tail_lines(log, 30);
    int ignored = 0;
    pg_ctl({"-m", "immediate", "-w", "stop"}, &ignored); // in case it half-started
    bool bind_problem = log.find("could not bind") != std::string::npos ||
                        log.find("already in use") != std::string::npos;
    if (!bind_problem) {
      break;
    }
  }
  throw std::runtime_error("pg_instance: " + last_error);
}

void pg_instance::stop_locked() {
  if (!running_) {
    return;
  }
  int code = 0;
  pg_ctl({"-m", "immediate", "-w", "-t", "60", "stop"}, &code);
  if (code != 0) {
    kill_postmaster(data_dir_); // pg_ctl could not do it
  }
  running_ = false;
}

void pg_instance::restart() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_locked();
  start_locked(false);
}

void pg_instance::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_locked();
}

void pg_instance::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!running_) {
    start_locked(false);
  }
}

bool pg_instance::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

std::string pg_instance::url(const std::string& db) const {
  return "postgresql://postgres@" + options_.listen_address + ":" + std::to_string(port_) + "/" +
         db;
}

std::string pg_instance::log_tail(std::size_t lines) const {
  return detail::tail_lines(detail::read_file(log_path_), lines);
}

std::string pg_instance::create_database(const std::string& prefix, bool migrate) {
  const std::string name = database_name(prefix, next_db_++);
  exec_scalar(url(), "CREATE DATABASE \"" + name + "\"");
  const std::string db_url = url(name);
  if (!migrate) {
    return db_url;
  }
  if (!courierctl_available()) {
    throw std::runtime_error("pg_instance: cannot migrate " + name + ": " + courierctl_path() +
                             " is not built");
  }
  auto result = run_command({courierctl_path(), "migrate", "--db", db_url}, 120s);
  if (result.exit_code != 0) {
    throw std::runtime_error("courierctl migrate --db " + db_url + " failed (exit " +
                             std::to_string(result.exit_code) +
                             (result.timed_out ? ", timed out" : "") + "):\n" + result.output);
  }
  return db_url;
}

std::string pg_instance::exec_scalar(const std::string& db_url, const std::string& sql) {
  pqxx::connection conn(db_url);
  pqxx::nontransaction tx(conn);
  pqxx::result rows = tx.exec(sql);
  if (rows.empty() || rows.columns() == 0 || rows[0][0].is_null()) {
    return {};
  }
  return rows[0][0].c_str();
}

std::string pg_instance::courierctl_path() {
  return std::string(COURIER_BINARY_DIR) + "/courierctl";
}

bool pg_instance::courierctl_available() {
  return executable(courierctl_path());
}

// Clusters left behind by a test process that was killed (no destructor ran).
void pg_instance::reap_stale_clusters(const std::string& root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("courier-pg-", 0) != 0) {
      continue;
    }
    long owner = 0;
    std::ifstream(entry.path() / "owner.pid") >> owner;
    if (owner <= 0 || ::kill(static_cast<pid_t>(owner), 0) == 0 || errno != ESRCH) {
      continue; // alive, not ours to judge, or still being set up
    }
    kill_postmaster((entry.path() / "data").string());
    fs::remove_all(entry.path(), ec);
  }
}

} // namespace courier::test
