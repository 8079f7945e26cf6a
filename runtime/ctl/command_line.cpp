#include "runtime/ctl/command_line.hpp"

#include <cstdlib>

namespace courier::ctl {

std::optional<std::string> command_line::option(const std::string& name, const char* env) const {
  for (auto it = options.rbegin(); it != options.rend(); ++it)
    if (it->first == name)
      return it->second;
  if (env != nullptr)
    if (const char* value = std::getenv(env))
      return std::string{value};
  return std::nullopt;
}

command_line parse_command_line(int argc, const char* const* argv) {
  command_line out;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      out.json = true;
    } else if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else if (arg == "--version") {
      out.version = true;
    } else if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      const auto eq = arg.find('=');
      if (eq != std::string::npos) {
        out.options.emplace_back(arg.substr(2, eq - 2), arg.substr(eq + 1));
      } else {
        if (i + 1 >= argc)
          throw usage_error("option " + arg + " needs a value");
        out.options.emplace_back(arg.substr(2), argv[++i]);
      }
    } else {
      out.words.push_back(arg);
    }
  }
  return out;
}

} // namespace courier::ctl
