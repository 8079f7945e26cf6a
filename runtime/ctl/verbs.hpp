#pragma once
// courierctl's verbs: what each one is called, takes and does. verbs() is the table that
// dispatch and --help read; each family (hook_verbs.cpp, dead_verbs.cpp,
// delivery_verbs.cpp, cluster_verbs.cpp) contributes its rows. Main thread.
#include "runtime/ctl/admin_client.hpp"
#include "runtime/ctl/command_line.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace courier::ctl {

// One verb being run: the command line and the words typed after the verb's own.
struct invocation {
  const command_line& line;
  std::vector<std::string> args;

  std::optional<std::string> option(const std::string& name) const { return line.option(name); }
  std::string required(const std::string& name) const; // usage_error when not given
  // args[0] as a positive id ("hook ID"); usage_error when missing or not a number.
  std::int64_t id_arg(const std::string& what) const;
  // --name as a positive number, when given; usage_error when it is not one.
  std::optional<std::int64_t> number_option(const std::string& name) const;
  admin_client client() const { return admin_client::from(line); }
};

struct verb {
  std::string words;                // as typed: "hooks create"
  std::string synopsis;             // what follows the words
  std::string summary;              // one line for the verb list
  std::vector<std::string> options; // the --options it takes besides --admin and --token
  int max_args = 0;                 // words it takes after its own
  int (*run)(const invocation&);    // exit code: 0 done, 1 failed
  std::string details;              // more lines for `courierctl VERB --help`
};

std::vector<verb> hook_verbs();
std::vector<verb> dead_verbs();
std::vector<verb> delivery_verbs(); // deliveries list, replay --from-seq
std::vector<verb> cluster_verbs();  // cluster status, test, migrate

const std::vector<verb>& verbs();
std::string usage();                  // courierctl --help
std::string verb_help(const verb& v); // courierctl VERB --help

// The whole program: parse, dispatch, report. Returns the exit code.
int run_courierctl(int argc, const char* const* argv);

// --since TIME: RFC 3339 as it is (the API checks it), or a duration meaning that long
// ago ("2h").
std::string since_time(const std::string& text);

// One JSON document on stdout (--json).
void print_json(const json& doc);

} // namespace courier::ctl
