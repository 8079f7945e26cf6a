// The --config file: a flat TOML subset (key = value, # comments, quoted strings).
#include "config/config_sources.hpp"
#include "config/errors.hpp"
#include "config/keys.hpp"
#include "config/text.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace courier::config {

namespace {

// Reads one file; owns the path and the current line number for syntax errors.
class file_parser {
public:
  explicit file_parser(std::string path) : path_(std::move(path)) {}

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

raw_settings read_file(const std::string& path) {
  const auto unreadable = [&](const char* why) {
    return key_error("config", "cannot read config file '" + path + "': " + why);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw unreadable(std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    throw unreadable("is a directory"); // ifstream would open it and read nothing
  std::ifstream in(path);
  if (!in)
    throw unreadable(std::strerror(errno));
  raw_settings settings = file_parser(path).parse(in);
  if (in.bad())
    throw unreadable(std::strerror(errno));
  return settings;
}

} // namespace courier::config
