// The --config file: a flat TOML subset (key = value, # comments, quoted strings).
#include "config/config_sources.hpp"
#include "config/errors.hpp"
#include "config/keys.hpp"
#include "config/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace courier::config {

namespace {

constexpr std::size_t max_path_shown = 1024;

// Closes the descriptor it owns when the read ends, however it ends.
struct fd_owner {
  int fd;
  ~fd_owner() { ::close(fd); }
};

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "a special file";
}

// The whole file, or config_error for anything but a regular file of at most
// max_config_file_bytes. Checks the descriptor it reads (fstat, not stat-then-open), and
// never reads more than the cap plus one byte, so /dev/zero, a FIFO without a writer or a
// file that grows under us cannot hang or bloat the node.
std::string read_regular_file(const std::string& path) {
  const auto refuse = [&](const std::string& why) {
    return key_error("config",
                     "cannot read config file '" + printable(path, max_path_shown) + "': " + why);
  };
  const std::string limit = "the 1 MiB (" + std::to_string(max_config_file_bytes) + " bytes) limit";
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw refuse(std::strerror(errno));
  const fd_owner owner{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw refuse(std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw refuse(std::string(file_kind(st.st_mode)) + ", expected a regular file");
  if (static_cast<unsigned long long>(st.st_size) > max_config_file_bytes)
    throw refuse(std::to_string(st.st_size) + " bytes, more than " + limit);
  // Back to blocking reads: a regular file on a network file system may still make us wait.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    throw refuse(std::strerror(errno));
  std::string content;
  char buffer[64 * 1024];
  while (content.size() <= max_config_file_bytes) {
    const std::size_t wanted = std::min(sizeof buffer, max_config_file_bytes + 1 - content.size());
    const ssize_t got = ::read(fd, buffer, wanted);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      throw refuse(std::strerror(errno));
    if (got == 0)
      return content;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  throw refuse("grew past " + limit + " while being read");
}

// Reads one file; owns the path and the current line number for syntax errors.
class file_parser {
public:
  // The path is kept escaped: it appears in every message and origin.
  explicit file_parser(const std::string& path) : path_(printable(path, max_path_shown)) {}

  raw_settings parse(std::istream& in) {
    std::string line;
    while (std::getline(in, line)) {
      ++line_no_;
      if (line_no_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0)
        line.erase(0, 3); // editors on some platforms add a UTF-8 byte order mark
      parse_line(trim(line));
    }
    return std::move(settings_);
  }

private:
  [[noreturn]] void syntax_error(const std::string& what) const {
    throw config_error("config",
                       "config file " + path_ + " line " + std::to_string(line_no_) + ": " + what);
  }

  std::string origin() const { return path_ + " line " + std::to_string(line_no_); }

  void parse_line(const std::string& line) {
    if (line.empty() || line.front() == '#')
      return;
    if (line.front() == '[')
      syntax_error("tables are not supported; expected key = value");
    const auto eq = line.find('=');
    if (eq == std::string::npos)
      syntax_error("expected key = value");
    const std::string key = trim(std::string_view(line).substr(0, eq));
    if (!is_bare_key(key))
      syntax_error("expected key = value, got key '" + printable(key) + "'");
    const std::string value = parse_value(trim(std::string_view(line).substr(eq + 1)));
    if (find_key(key) == nullptr)
      throw key_error(key, "unknown key", origin());
    if (const auto it = settings_.find(key); it != settings_.end())
      throw key_error(key, "set twice in the config file", it->second.origin + " and " + origin());
    settings_[key] = raw_value{value, origin()};
  }

  static bool is_bare_key(const std::string& key) {
    if (key.empty())
      return false;
    for (char c : key)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
            c == '-'))
        return false;
    return true;
  }

  std::string parse_value(const std::string& text) {
    if (text.empty() || text.front() == '#')
      syntax_error("missing value after '='");
    std::size_t end = 0;
    std::string value;
    if (text.front() == '"') {
      end = parse_basic_string(text, value);
    } else if (text.front() == '\'') {
      // TOML literal string: no escapes, handy for Windows-style paths and regex-like tokens.
      end = text.find('\'', 1);
      if (end == std::string::npos)
        syntax_error("unterminated string");
      value = text.substr(1, end - 1);
      ++end;
    } else {
      end = text.find('#');
      if (end == std::string::npos)
        end = text.size();
      return trim(std::string_view(text).substr(0, end));
    }
    const std::string rest = trim(std::string_view(text).substr(end));
    if (!rest.empty() && rest.front() != '#')
      syntax_error("unexpected text after the closing quote");
    return value;
  }

  // Returns the index just past the closing quote.
  std::size_t parse_basic_string(const std::string& text, std::string& value) const {
    for (std::size_t i = 1; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"')
        return i + 1;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (++i >= text.size())
        break;
      switch (text[i]) {
      case '"':
        value += '"';
        break;
      case '\\':
        value += '\\';
        break;
      case 'n':
        value += '\n';
        break;
      case 't':
        value += '\t';
        break;
      default:
        syntax_error(std::string("unsupported escape '\\") + text[i] + "' in string");
      }
    }
    syntax_error("unterminated string");
  }

  std::string path_;
  int line_no_ = 0;
  raw_settings settings_;
};

} // namespace

raw_settings parse_config_file(const std::string& content, const std::string& path) {
  std::istringstream in(content);
  return file_parser(path).parse(in);
}

raw_settings read_file(const std::string& path) {
  return parse_config_file(read_regular_file(path), path);
}

} // namespace courier::config
