#include "runtime/ctl/verbs.hpp"

#include "config/node_config.hpp"
#include "runtime/admin/requests.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace courier::ctl {

namespace {

std::string joined(const std::vector<std::string>& words, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i)
    out += (out.empty() ? "" : " ") + words[i];
  return out;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto space = text.find(' ', start);
    if (space == std::string::npos)
      space = text.size();
    out.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  return out;
}

// The verb whose words the command line starts with (the longest such), or null.
const verb* find_verb(const std::vector<std::string>& typed) {
  const verb* best = nullptr;
  std::size_t best_size = 0;
  for (const auto& v : verbs()) {
    auto words = split_words(v.words);
    if (words.size() > typed.size() || words.size() <= best_size)
      continue;
    if (std::equal(words.begin(), words.end(), typed.begin())) {
      best = &v;
      best_size = words.size();
    }
  }
  return best;
}

void check_options(const verb& v, const command_line& line) {
  for (const auto& [name, value] : line.options) {
    if (name == "admin" || name == "token")
      continue;
    if (std::find(v.options.begin(), v.options.end(), name) == v.options.end())
      throw usage_error("'" + v.words + "' does not take --" + name);
  }
}

// A failed request with --json: its problem document is the one JSON document printed.
int report_failure(const command_failed& e, const command_line& line) {
  if (line.json)
    if (const auto* api = dynamic_cast<const api_error*>(&e);
        api != nullptr && !api->body.is_null())
      print_json(api->body);
  std::fprintf(stderr, "courierctl: %s\n", e.what());
  return 1;
}

} // namespace

std::string invocation::required(const std::string& name) const {
  auto value = option(name);
  if (!value || value->empty())
    throw usage_error("--" + name + " is required");
  return *value;
}

std::int64_t invocation::id_arg(const std::string& what) const {
  if (args.empty())
    throw usage_error(what + " is required");
  auto id = admin::parse_id(args[0]);
  if (!id)
    throw usage_error(what + " must be a positive number, got '" + args[0] + "'");
  return *id;
}

std::optional<std::int64_t> invocation::number_option(const std::string& name) const {
  auto text = option(name);
  if (!text)
    return std::nullopt;
  auto n = admin::parse_id(*text);
  if (!n)
    throw usage_error("--" + name + " must be a positive number, got '" + *text + "'");
  return n;
}

const std::vector<verb>& verbs() {
  static const std::vector<verb> all = [] {
    std::vector<verb> out;
    for (auto family : {hook_verbs, dead_verbs, delivery_verbs, cluster_verbs})
      for (auto& v : family())
        out.push_back(std::move(v));
    return out;
  }();
  return all;
}

std::string usage() {
  std::string out = "usage: courierctl [--admin URL] [--token T] [--json] VERB ...\n"
                    "       courierctl VERB --help | courierctl --help | --version\n"
                    "\n"
                    "verbs:\n";
  auto first_column = [](const verb& v) {
    return "  " + v.words + (v.synopsis.empty() ? "" : " " + v.synopsis);
  };
  std::size_t width = 0;
  for (const auto& v : verbs())
    width = std::max(width, first_column(v).size() + 2);
  for (const auto& v : verbs()) {
    std::string line = first_column(v);
    line.resize(width, ' ');
    out += line + v.summary + "\n";
  }
  return out +
         "\n"
         "--admin URL   a node's admin API (COURIER_ADMIN; default " +
         admin_client::default_url +
         ")\n"
         "--token T     its admin_token (COURIER_ADMIN_TOKEN)\n"
         "--json        one JSON document on stdout (snake_case keys; lists are arrays)\n"
         "--db URL      Postgres, for migrate and cluster status --db (COURIER_DB)\n"
         "Exit codes: 0 done, 1 the request failed or the thing is not there, 2 usage error.\n";
}

std::string verb_help(const verb& v) {
  std::string out = "usage: courierctl [--admin URL] [--token T] [--json] " + v.words +
                    (v.synopsis.empty() ? "" : " " + v.synopsis) + "\n\n" + v.summary + "\n";
  if (!v.details.empty())
    out += "\n" + v.details;
  return out;
}

std::string since_time(const std::string& text) {
  std::chrono::milliseconds ago;
  try {
    ago = config::parse_duration(text);
  } catch (const std::invalid_argument&) {
    return text;
  }
  const auto at = std::chrono::system_clock::now() - ago;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return out;
}

void print_json(const json& doc) {
  std::cout << doc.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
}

int run_courierctl(int argc, const char* const* argv) {
  command_line line;
  const verb* v = nullptr;
  try {
    line = parse_command_line(argc, argv);
    if (line.version) {
      std::printf("courierctl %s\n", COURIER_VERSION);
      return 0;
    }
    v = find_verb(line.words);
    if (line.help) {
      std::fputs(v != nullptr ? verb_help(*v).c_str() : usage().c_str(), stdout);
      return 0;
    }
    if (v == nullptr)
      throw usage_error(line.words.empty() ? "no command given"
                                           : "unknown command '" + joined(line.words) + "'");
    check_options(*v, line);
    invocation call{line, {}};
    const std::size_t own = split_words(v->words).size();
    call.args.assign(line.words.begin() + static_cast<std::ptrdiff_t>(own), line.words.end());
    if (call.args.size() > static_cast<std::size_t>(v->max_args))
      throw usage_error("unexpected '" + joined(call.args, v->max_args) + "' after '" + v->words +
                        "'");
    return v->run(call);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "courierctl: %s\n\n%s", e.what(),
                 v != nullptr ? verb_help(*v).c_str() : usage().c_str());
    return 2;
  } catch (const command_failed& e) {
    return report_failure(e, line);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "courierctl: %s\n", e.what());
    return 1;
  }
}

} // namespace courier::ctl
