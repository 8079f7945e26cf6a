// --key value / --key=value flags, the highest-precedence source.
#include "config/config_sources.hpp"
#include "config/errors.hpp"
#include "config/keys.hpp"
#include "config/text.hpp"

namespace courier::config {

namespace {

bool is_flag(const std::string& arg) {
  return arg.size() > 2 && arg.rfind("--", 0) == 0;
}

} // namespace

source_settings read_flags(int argc, const char* const* argv) {
  source_settings out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i] != nullptr ? argv[i] : "";
    if (!is_flag(arg))
      throw config_error("config", "command line: unexpected argument '" + printable(arg) +
                                       "' (expected --key value or --key=value)");
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const std::string origin = "--" + printable(name);
    if (name != "config" && find_key(name) == nullptr)
      throw key_error(printable(name), "unknown key", origin);
    if (!value) {
      // A following flag is not taken as the value: "--db --partitions 8" is a mistake,
      // and a value that really starts with "--" can use the --key=value form.
      if (i + 1 >= argc || argv[i + 1] == nullptr || is_flag(argv[i + 1]))
        throw key_error(name, "missing value", origin);
      value = argv[++i];
    }
    if (name == "config")
      out.config_path = *value;
    else
      out.settings[name] = raw_value{*value, origin}; // repeated flags: the last one wins
  }
  return out;
}

} // namespace courier::config
