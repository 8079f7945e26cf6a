// The status page (GET / on the admin listener) as a person sees it: a real headless
// browser (Debian's chromium) loads it from a running 2-node cluster and the test reads
// the rendered text — both nodes, the paused hook (its URL carries markup, which must stay
// text), the failing hook's error and lag, the dead-letter count. Without the token the
// listener answers 401 with a login form and no cluster data. The screenshot of the run
// is kept as <build>/status_page.png. Skipped with a message when chromium is missing.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/admin_client.hpp"
#include "tests/support/command.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

namespace courier::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* token = "status-page-token";

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    auto found = run_command({"sh", "-c", std::string("command -v ") + name}, 10s);
    if (found.exit_code == 0 && !found.output.empty())
      return found.output.substr(0, found.output.find('\n'));
  }
  return {};
}

// A fresh profile per run; removed with the object.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "courier-chromium-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// chromium --headless run once on `url` with `args`, bounded in time (it can hang);
// stdout alone (its own logging goes to stderr, kept apart).
command_result headless(const std::string& chromium, const std::vector<std::string>& args,
                        const std::string& url) {
  temp_dir profile;
  std::vector<std::string> argv = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--disable-extensions",
                                   "--no-first-run",
                                   "--hide-scrollbars",
                                   "--user-data-dir=" + profile.path.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  const auto stderr_file = (profile.path / "stderr.txt").string();
  auto r = run_command(
      {"sh", "-c", "exec " + shell_quote(argv) + " 2>" + shell_quote({stderr_file})}, 60s);
  if (r.exit_code != 0) {
    std::ifstream err{stderr_file};
    r.output += "\n--- chromium stderr ---\n" +
                std::string{std::istreambuf_iterator<char>{err}, std::istreambuf_iterator<char>{}};
  }
  return r;
}

// The text a person reads in one part of the DOM: no style sheet, no tags, entities
// resolved, runs of white space as one space.
std::string visible_text(std::string html) {
  html = std::regex_replace(html, std::regex("<style[\\s\\S]*?</style>"), " ");
  html = std::regex_replace(html, std::regex("<[^>]*>"), " ");
  const std::vector<std::pair<std::string, std::string>> entities = {
      {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""},
      {"&#39;", "'"}, {"&nbsp;", " "}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (std::size_t at = 0; (at = html.find(from, at)) != std::string::npos; at += to.size())
      html.replace(at, from.size(), to);
  return std::regex_replace(html, std::regex("\\s+"), " ");
}

// The serialized <section id="id"> ... </section> of the DOM, empty when absent.
std::string section(const std::string& dom, const std::string& id) {
  const auto start = dom.find("<section id=\"" + id + "\"");
  if (start == std::string::npos)
    return {};
  const auto end = dom.find("</section>", start);
  return dom.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class status_page : public pg_test {};

TEST_F(status_page, a_browser_shows_the_cluster_hooks_failures_and_dead_letters) {
  const std::string chromium = find_chromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium): the status page "
                    "test needs a real headless browser";

  const std::vector<std::string> args = {"--partitions", "8", "--admin_token", token};
  auto& alpha = start_node("node-alpha", args);
  auto& beta = start_node("node-beta", args);
  const auto alpha_port = wait_admin_port(alpha, 30s);
  const auto beta_port = wait_admin_port(beta, 30s);
  ASSERT_TRUE(alpha_port && beta_port) << alpha.log() << beta.log();
  ASSERT_TRUE(nodes_->wait_balanced({"node-alpha", "node-beta"}, 8, 30s));

  // A paused hook whose URL holds markup, a hook whose subscriber fails (it blocks and
  // lags), and one that parks its events as dead letters.
  const std::string paused_url = sub_.url_for("paused") + "?tag=<b>bold</b>&x=1";
  const auto paused = create_hook(db_, paused_url, random_secret());
  pg_instance::exec_scalar(db_, "SELECT courier.pause_hook(" + std::to_string(paused) + ")");
  const auto failing = hook("failing");
  const auto parking = hook("parking");
  pg_instance::exec_scalar(db_, "SELECT courier.configure_hook(" + std::to_string(parking) +
                                    R"(, '{"poison_policy": "dead_letter", "max_attempts": 1}'))");
  behaviour failure;
  failure.fixed_status = 503;
  sub_.set_behaviour("failing", failure);
  sub_.set_behaviour("parking", failure);

  for (int i = 0; i < 2; ++i)
    emit_to(db_, paused, "status.paused", "{}");
  for (int i = 0; i < 5; ++i)
    emit_to(db_, failing, "status.failing", "{}");
  for (int i = 0; i < 2; ++i)
    emit_to(db_, parking, "status.parking", "{}");
  const std::string failing_id = std::to_string(failing);
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT count(*) FROM courier.dead_letters WHERE replayed_at IS NULL") == 2 &&
               scalar("SELECT count(*) FROM courier.cursors WHERE last_error IS NOT NULL "
                      "AND hook_id = " +
                      failing_id) == 1 &&
               scalar("SELECT count(*) FROM courier.attempts WHERE outcome = 'failed' "
                      "AND hook_id = " +
                      failing_id) >= 1;
      },
      30s));
  const std::string failing_error = pg_instance::exec_scalar(
      db_, "SELECT last_error FROM courier.cursors WHERE hook_id = " + failing_id);
  ASSERT_NE(failing_error.find("503"), std::string::npos) << failing_error;

  // Without the token: 401 and a login form, nothing about the cluster — by API client and
  // by browser.
  for (const std::string target : {"/", "/?token=wrong", "/?token="}) {
    const auto refused = admin_request(*beta_port, "GET", target);
    EXPECT_EQ(refused.status, 401) << target;
    EXPECT_EQ(refused.content_type, "text/html; charset=utf-8") << target;
    EXPECT_NE(refused.body.find("<form"), std::string::npos) << target;
    for (const std::string secret : {sub_.url_for(""), std::string("node-alpha"),
                                     std::string("node-beta"), std::string("Recent failures")})
      EXPECT_EQ(refused.body.find(secret), std::string::npos) << target << ": " << secret;
  }
  EXPECT_EQ(admin_request(*beta_port, "GET", "/", "Bearer wrong").status, 401);
  const auto by_header = admin_request(*beta_port, "GET", "/", std::string("Bearer ") + token);
  EXPECT_EQ(by_header.status, 200) << by_header.body;
  EXPECT_EQ(by_header.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(admin_request(*beta_port, "POST", std::string("/?token=") + token).status, 405);

  const std::string base = "http://127.0.0.1:" + std::to_string(*beta_port) + "/";
  const auto login = headless(chromium, {"--dump-dom"}, base);
  ASSERT_EQ(login.exit_code, 0) << login.output;
  const auto login_text = visible_text(login.output);
  EXPECT_NE(login_text.find("Admin token"), std::string::npos) << login_text;
  EXPECT_EQ(login_text.find("node-alpha"), std::string::npos) << login_text;
  EXPECT_EQ(login.output.find("/h/paused"), std::string::npos) << login.output;

  // With ?token=, from node-beta: what a person reads.
  const auto page = headless(chromium, {"--dump-dom"}, base + "?token=" + token);
  ASSERT_EQ(page.exit_code, 0) << page.output;
  const std::string& dom = page.output;
  const auto cluster = visible_text(section(dom, "cluster"));
  EXPECT_NE(cluster.find("2 nodes"), std::string::npos) << cluster;
  EXPECT_NE(cluster.find("8 of 8 partitions held"), std::string::npos) << cluster;
  EXPECT_NE(cluster.find("1 paused"), std::string::npos) << cluster;
  for (const std::string node : {"node-alpha", "node-beta"})
    EXPECT_TRUE(std::regex_search(cluster, std::regex(node + " live 4 ")))
        << node << ": " << cluster;

  const auto held = visible_text(section(dom, "held"));
  EXPECT_NE(held.find(paused_url), std::string::npos) << held;
  EXPECT_NE(held.find("paused"), std::string::npos) << held;
  // The URL's markup stayed text: the browser built no <b> element from it.
  EXPECT_EQ(dom.find("<b>"), std::string::npos);

  const auto lagging = visible_text(section(dom, "lagging"));
  EXPECT_TRUE(std::regex_search(
      lagging, std::regex(failing_id + " " + sub_.url_for("failing") + " active 5 ")))
      << lagging;
  EXPECT_NE(lagging.find(paused_url), std::string::npos) << lagging;
  EXPECT_LT(lagging.find(sub_.url_for("failing")), lagging.find(paused_url)) << lagging;

  const auto failures = visible_text(section(dom, "failures"));
  EXPECT_NE(failures.find("Recent failures"), std::string::npos) << failures;
  EXPECT_NE(failures.find(sub_.url_for("failing")), std::string::npos) << failures;
  EXPECT_NE(failures.find(visible_text(failing_error).substr(0, 40)), std::string::npos)
      << failing_error << " in " << failures;

  const auto dead = visible_text(section(dom, "dead"));
  EXPECT_NE(dead.find("2 parked dead letters"), std::string::npos) << dead;
  EXPECT_TRUE(std::regex_search(
      dead, std::regex(std::to_string(parking) + " " + sub_.url_for("parking") + " 2 ")))
      << dead;

  // node-alpha answers the same cluster; its screenshot is kept for people to look at.
  const auto from_alpha =
      headless(chromium, {"--dump-dom"},
               "http://127.0.0.1:" + std::to_string(*alpha_port) + "/?token=" + token);
  ASSERT_EQ(from_alpha.exit_code, 0) << from_alpha.output;
  EXPECT_NE(visible_text(from_alpha.output).find("by node node-alpha"), std::string::npos);
  EXPECT_NE(visible_text(section(from_alpha.output, "cluster")).find("node-beta"),
            std::string::npos);

  const fs::path shot = fs::path(COURIER_BINARY_DIR) / "status_page.png";
  std::error_code ignored;
  fs::remove(shot, ignored);
  const auto screenshot =
      headless(chromium, {"--screenshot=" + shot.string(), "--window-size=1280,900"},
               base + "?token=" + token);
  ASSERT_EQ(screenshot.exit_code, 0) << screenshot.output;
  ASSERT_TRUE(fs::exists(shot)) << screenshot.output;
  std::ifstream png{shot, std::ios::binary};
  const std::string bytes{std::istreambuf_iterator<char>{png}, std::istreambuf_iterator<char>{}};
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: width and height, big-endian, at bytes 16..23.
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 900u);
  // A blank page compresses to a few hundred bytes; tables and text do not.
  EXPECT_GT(bytes.size(), 20000u) << shot;
}

} // namespace
} // namespace courier::test
