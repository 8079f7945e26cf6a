// Reads that wait together go to Postgres together (runtime/pg_batcher.hpp): each hook's
// fetch still gets exactly its own entries, after its own seq, within its own limit and
// byte cut; each partition's load exactly its own hooks; and a batch that cannot reach
// Postgres fails every request in it.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/pg_store.hpp"

#include <future>
#include <set>

namespace courier::test {
namespace {

struct asked {
  std::int64_t hook;
  std::int64_t after;
  int limit;
  std::int64_t max_bytes;
};

using answer = result<std::vector<outbox_event>>;

// Calls ask(store, i) for i < count while the pool's only connection is held, so the
// requests queue up and are read in batches, then returns their answers in that order.
template <class Answer, class Ask>
std::vector<result<Answer>> ask_together(const std::string& db, std::size_t count, Ask ask) {
  auto pool = std::make_shared<pg_pool>(db, 1, "batched-reads-test");
  pg_store store{pool, "reader", std::chrono::hours{168}};
  std::promise<void> release;
  auto released = release.get_future().share();
  pool->run<void>(
      [released](pqxx::connection&) -> result<void> {
        released.wait();
        return {};
      },
      [](result<void>) {});
  std::vector<std::promise<result<Answer>>> promises(count);
  for (std::size_t i = 0; i < count; ++i)
    ask(store, i, [&p = promises[i]](result<Answer> a) { p.set_value(std::move(a)); });
  release.set_value();
  std::vector<result<Answer>> out;
  for (auto& p : promises)
    out.push_back(p.get_future().get());
  return out;
}

std::vector<answer> fetch_together(const std::string& db, const std::vector<asked>& asks) {
  return ask_together<std::vector<outbox_event>>(
      db, asks.size(), [&](store& s, std::size_t i, callback<std::vector<outbox_event>> done) {
        s.fetch_events(hook_id{asks[i].hook}, stream_seq{asks[i].after}, asks[i].limit,
                       asks[i].max_bytes, std::move(done));
      });
}

std::vector<std::int64_t> seqs_of(const answer& a) {
  std::vector<std::int64_t> seqs;
  if (a.ok())
    for (const auto& ev : a.value())
      seqs.push_back(raw(ev.seq));
  return seqs;
}

std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (auto s = first; s <= last; ++s)
    out.push_back(s);
  return out;
}

class batched_reads : public pg_test {};

TEST_F(batched_reads, each_hook_of_a_batch_gets_its_own_entries_after_its_seq_within_its_cuts) {
  // Hook k holds k + 1 events {"n": 1} .. {"n": k+1}; 66 asks make three batches.
  std::vector<std::int64_t> hooks;
  for (int k = 0; k < 60; ++k) {
    hooks.push_back(hook("h" + std::to_string(k)));
    emit_numbered_to(db_, hooks.back(), "n", k + 1);
  }
  std::vector<asked> asks;
  for (int k = 0; k < 60; ++k)
    asks.push_back({hooks[k], k % 3, 5, 1 << 20});
  // The same hook twice in one batch, from different seqs.
  asks.push_back({hooks[59], 0, 2, 1 << 20});
  asks.push_back({hooks[59], 57, 10, 1 << 20});
  // A byte cut: each payload is 8 bytes of text ({"n": 1}), so 20 bytes pass those that
  // start before byte 20: three entries.
  asks.push_back({hooks[20], 0, 10, 20});
  // The first entry comes whatever its size.
  asks.push_back({hooks[20], 4, 10, 1});
  // Nothing after the last seq, and a hook that does not exist.
  asks.push_back({hooks[5], 6, 10, 1 << 20});
  asks.push_back({hooks.back() + 1000, 0, 10, 1 << 20});

  auto answers = fetch_together(db_, asks);
  ASSERT_EQ(answers.size(), asks.size());
  for (const auto& a : answers)
    ASSERT_TRUE(a.ok()) << a.error().message;
  for (int k = 0; k < 60; ++k) {
    const std::int64_t after = k % 3;
    const std::int64_t last = std::min<std::int64_t>(k + 1, after + 5);
    EXPECT_EQ(seqs_of(answers[k]), range(after + 1, last)) << "hook " << k;
    for (const auto& ev : answers[k].value())
      EXPECT_NE(ev.body.find("\"data\":{\"n\": " + std::to_string(raw(ev.seq)) + "}"),
                std::string::npos)
          << ev.body;
  }
  EXPECT_EQ(seqs_of(answers[60]), range(1, 2));
  EXPECT_EQ(seqs_of(answers[61]), range(58, 60));
  EXPECT_EQ(seqs_of(answers[62]), range(1, 3));
  EXPECT_EQ(answers[62].value().front().payload_bytes, 8);
  EXPECT_EQ(seqs_of(answers[63]), range(5, 5));
  EXPECT_TRUE(answers[64].value().empty());
  EXPECT_TRUE(answers[65].value().empty());
}

TEST_F(batched_reads, a_batch_that_cannot_reach_postgres_fails_every_request_in_it) {
  // Nothing listens on port 1: every connection attempt is refused at once.
  std::vector<asked> asks;
  for (int k = 0; k < 40; ++k)
    asks.push_back({k + 1, 0, 10, 1 << 20});
  auto answers = fetch_together("postgresql://127.0.0.1:1/nowhere", asks);
  ASSERT_EQ(answers.size(), asks.size());
  for (const auto& a : answers) {
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, errc::retryable) << a.error().message;
  }
}

TEST_F(batched_reads, each_partition_of_a_batch_gets_exactly_its_own_hooks) {
  std::vector<std::int64_t> hooks;
  for (int k = 0; k < 80; ++k)
    hooks.push_back(hook("h" + std::to_string(k)));
  emit_numbered_to(db_, hooks[7], "n", 4);
  scalar("UPDATE courier.cursors SET delivered_seq = 3 WHERE hook_id = " +
         std::to_string(hooks[7]));
  std::map<int, std::set<std::int64_t>> expected;
  for (auto id : hooks)
    expected[static_cast<int>(
                 scalar("SELECT partition FROM courier.hooks WHERE id = " + std::to_string(id)))]
        .insert(id);
  // Every partition, the first one twice: 257 loads make many batches.
  std::vector<partition_id> asked_for;
  for (int p = 0; p < 256; ++p)
    asked_for.push_back(partition_id{p});
  asked_for.push_back(partition_id{0});

  auto answers = ask_together<std::vector<hook_spec>>(
      db_, asked_for.size(), [&](store& s, std::size_t i, callback<std::vector<hook_spec>> done) {
        s.load_hooks(asked_for[i], std::move(done));
      });
  ASSERT_EQ(answers.size(), asked_for.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].error().message;
    std::set<std::int64_t> got;
    for (const auto& h : answers[i].value()) {
      EXPECT_EQ(h.partition, asked_for[i]);
      got.insert(raw(h.id));
      if (raw(h.id) == hooks[7]) {
        EXPECT_EQ(raw(h.delivered_seq), 3);
        EXPECT_EQ(raw(h.last_seq), 4);
        EXPECT_EQ(h.state, hook_state::active);
      }
    }
    EXPECT_EQ(got, expected[raw(asked_for[i])]) << "partition " << raw(asked_for[i]);
  }
}

} // namespace
} // namespace courier::test
