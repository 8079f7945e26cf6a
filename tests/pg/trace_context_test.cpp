// Trace context: a traceparent set in the writer's transaction reaches the subscriber on
// every attempt, same trace, a new span per attempt; without one (or with a malformed
// one, which never fails the writer) no header is sent.
#include "tests/pg/pg_test_base.hpp"

#include <pqxx/pqxx>

#include <set>

namespace courier::test {
namespace {

using namespace std::chrono_literals;

class trace_context : public pg_test {};

const std::string writer_traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

void emit_with_traceparent(const std::string& db, const std::string& traceparent) {
  pqxx::connection conn{db};
  pqxx::work tx{conn};
  tx.exec("SET LOCAL courier.traceparent = " + tx.quote(traceparent));
  emit(tx, "traced", "{}");
  tx.commit();
}

TEST_F(trace_context, every_attempt_continues_the_writers_trace_with_its_own_span) {
  hook("t");
  behaviour failing;
  failing.fixed_status = 503;
  sub_.set_behaviour("t", failing);
  start_node("n1", {"--retry_schedule", "50ms"});
  emit_with_traceparent(db_, writer_traceparent);
  emit(db_, "untraced", "{}");
  emit_with_traceparent(db_, "00-not-a-trace-context"); // the writer's commit still succeeds
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("t") >= 3; }, 10s));
  sub_.clear_behaviour("t");
  ASSERT_TRUE(delivered_through("t", 3));

  std::set<std::string> spans;
  for (const auto& d : sub_.received("t")) {
    if (d.seq != 1) {
      EXPECT_EQ(d.traceparent, "") << "seq " << d.seq;
      continue;
    }
    ASSERT_EQ(d.traceparent.size(), 55u) << d.traceparent;
    EXPECT_EQ(d.traceparent.substr(0, 36), writer_traceparent.substr(0, 36)) << d.traceparent;
    EXPECT_EQ(d.traceparent.substr(52), "-01") << d.traceparent;
    auto span = d.traceparent.substr(36, 16);
    EXPECT_NE(span, writer_traceparent.substr(36, 16)) << "the attempt is a span of its own";
    spans.insert(span);
  }
  EXPECT_GE(spans.size(), 3u) << "one span per attempt of seq 1";
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.events WHERE traceparent IS NOT NULL"), 1);
}

} // namespace
} // namespace courier::test
