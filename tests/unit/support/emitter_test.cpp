#include "tests/support/emitter.hpp"
#include "tests/support/pg_instance.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace courier::test {
namespace {

// Stand-ins with the contract's signatures, so the emitter's calling convention and
// batch ordering are checked without depending on the real schema.
constexpr const char* fake_schema = R"sql(
CREATE SCHEMA courier;
CREATE TABLE courier.hooks (id bigserial PRIMARY KEY, url text, secret text, types text[]);
CREATE TABLE courier.events (id bigserial PRIMARY KEY, hook_id bigint, type text, payload jsonb);
CREATE FUNCTION courier.create_hook(url text, secret text, event_types text[] DEFAULT '{*}')
RETURNS bigint LANGUAGE sql AS
  'INSERT INTO courier.hooks (url, secret, types) VALUES (url, secret, event_types) RETURNING id';
CREATE FUNCTION courier.emit(event_type text, payload jsonb) RETURNS bigint LANGUAGE sql AS
  'INSERT INTO courier.events (hook_id, type, payload) VALUES (NULL, event_type, payload)
   RETURNING id';
CREATE FUNCTION courier.emit_to(hook bigint, event_type text, payload jsonb) RETURNS bigint
LANGUAGE sql AS
  'INSERT INTO courier.events (hook_id, type, payload) VALUES (hook, event_type, payload)
   RETURNING id';
)sql";

class emitter_test : public ::testing::Test {
protected:
  void SetUp() override {
    db_ = pg_instance::shared().create_database("emitter", false);
    pg_instance::exec_scalar(db_, fake_schema);
  }
  std::string db_;
};

TEST(pg_text_array, escapes_quotes_and_backslashes) {
  EXPECT_EQ(pg_text_array({}), "{}");
  EXPECT_EQ(pg_text_array({"*", "order.*"}), R"({"*","order.*"})");
  EXPECT_EQ(pg_text_array({R"(a"b\c)", "x,y"}), R"({"a\"b\\c","x,y"})");
}

TEST_F(emitter_test, create_hook_passes_url_secret_and_types) {
  auto id = create_hook(db_, "http://127.0.0.1:1/h/a", "whsec_abc", {"order.*", "a\"b"});
  EXPECT_GT(id, 0);
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT url || ' ' || secret || ' ' || types::text "
                                          "FROM courier.hooks WHERE id = " +
                                              std::to_string(id)),
            R"(http://127.0.0.1:1/h/a whsec_abc {order.*,"a\"b"})");
  auto star = create_hook(db_, "http://x", "whsec_x");
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT types::text FROM courier.hooks WHERE id = " +
                                              std::to_string(star)),
            "{*}");
}

TEST_F(emitter_test, emit_and_emit_to_commit_one_event_each) {
  auto hook = create_hook(db_, "http://x", "whsec_x");
  auto a = emit(db_, "order.created", R"({"id": 1})");
  auto b = emit_to(db_, hook, "ping", R"({"q": "\"quoted\""})");
  EXPECT_LT(a, b);
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT payload->>'q' FROM courier.events WHERE id = " +
                                              std::to_string(b)),
            "\"quoted\"");
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT count(*) FROM courier.events"), "2");
}

TEST_F(emitter_test, transaction_overloads_write_nothing_unless_committed) {
  auto hook = create_hook(db_, "http://x", "whsec_x");
  {
    pqxx::connection conn(db_);
    pqxx::work tx(conn);
    emit(tx, "a", "{}");
    emit_to(tx, hook, "b", "{}");
    emit_batch_to(tx, hook, "c", numbered_payloads(3));
  } // rolled back
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT count(*) FROM courier.events"), "0");
}

TEST_F(emitter_test, batches_keep_payload_order) {
  auto hook = create_hook(db_, "http://x", "whsec_x");
  pqxx::connection conn(db_);
  pqxx::work tx(conn);
  auto ids = emit_batch_to(tx, hook, "n", numbered_payloads(500, 10));
  auto broadcast = emit_batch(tx, "m", {R"({"s": "a,b"})", R"({"s": "{}\\"})"});
  tx.commit();
  ASSERT_EQ(ids.size(), 500u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(broadcast.size(), 2u);
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT bool_and((payload->>'n')::int = id + 9) FROM "
                                          "courier.events WHERE type = 'n'"),
            "t");
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT string_agg(payload->>'s', '|' ORDER BY id) "
                                          "FROM courier.events WHERE type = 'm'"),
            R"(a,b|{}\)");
}

TEST_F(emitter_test, emit_numbered_to_splits_into_transactions) {
  auto hook = create_hook(db_, "http://x", "whsec_x");
  emit_numbered_to(db_, hook, "n", 25, 1, 10);
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT count(DISTINCT xmin::text) FROM courier.events"),
            "3");
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT string_agg(payload->>'n', ',' ORDER BY id) "
                                          "FROM courier.events WHERE id <= 3"),
            "1,2,3");
}

} // namespace
} // namespace courier::test
