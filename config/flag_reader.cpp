// --key value / --key=value flags, the highest-precedence source, and the --help /
// --version requests that stand beside them.
#include "config/config_sources.hpp"
#include "config/errors.hpp"
#include "config/keys.hpp"
#include "config/text.hpp"

namespace courier::config {

namespace {

bool is_flag(const std::string& arg) {
  return arg.size() > 2 && arg.rfind("--", 0) == 0;
}

cli_request request_of(const std::string& arg) {
  if (arg == "--help" || arg == "-h")
    return cli_request::help;
  if (arg == "--version")
    return cli_request::version;
  return cli_request::run;
}

// Reads the flag at argv[i] (and its value, when that is the next argument) into `out`,
// leaving i at the last argument it used -- also when it throws config_error, so the
// caller can read on.
void read_flag(int argc, const char* const* argv, int& i, source_settings& out) {
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
  // A following flag is not taken as the value: "--db --partitions 8" is a mistake, and a
  // value that really starts with "--" can use the --key=value form.
  if (!value && i + 1 < argc && argv[i + 1] != nullptr && !is_flag(argv[i + 1]))
    value = argv[++i];
  const std::string origin = "--" + printable(name);
  if (name != "config" && find_key(name) == nullptr)
    throw key_error(printable(name), "unknown key", origin);
  if (!value)
    throw key_error(name, "missing value", origin);
  if (name == "config")
    out.config_path = *value;
  else
    out.settings[name] = raw_value{*value, origin}; // repeated flags: the last one wins
}

} // namespace

source_settings read_flags(int argc, const char* const* argv) {
  source_settings out;
  std::optional<config_error> first_error;
  for (int i = 1; i < argc; ++i) {
    const cli_request request = request_of(argv[i] != nullptr ? argv[i] : "");
    if (request != cli_request::run) {
      if (out.request != cli_request::help) // --help wins over --version
        out.request = request;
      continue;
    }
    try {
      read_flag(argc, argv, i, out);
    } catch (const config_error& e) {
      // Read on: a --help further along answers even a broken command line.
      if (!first_error)
        first_error = e;
    }
  }
  if (first_error && out.request == cli_request::run)
    throw *first_error;
  return out;
}

cli_request requested(int argc, const char* const* argv) {
  try {
    return read_flags(argc, argv).request;
  } catch (const config_error&) {
    return cli_request::run; // load() reports the same error
  }
}

} // namespace courier::config
