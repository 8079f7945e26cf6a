// The SQL surface of CONTRACT.md without a node: hook validation, pattern matching,
// payload limits, gapless per-hook seqs under concurrent writers, migrations and
// outbox rotation.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/migrator.hpp"
#include "runtime/schema_migrations.hpp"
#include "tests/support/command.hpp"
#include "tests/support/signature.hpp"

#include <pqxx/pqxx>

#include <future>
#include <thread>

namespace courier::test {
namespace {

class sql_api : public pg_test {
protected:
  std::string error_of(const std::string& sql) { return error_in(db_, sql); }

  static std::string error_in(const std::string& db, const std::string& sql) {
    try {
      pg_instance::exec_scalar(db, sql);
    } catch (const std::exception& e) {
      return e.what();
    }
    return {};
  }

  // A whsec_ secret whose key is `bytes` bytes long.
  static std::string secret_of(std::size_t bytes) {
    return "whsec_" + b64_encode(std::string(bytes, 'k'));
  }
};

TEST_F(sql_api, pattern_matching) {
  struct row {
    const char* pattern;
    const char* type;
    bool match;
  };
  const row table[] = {
      {"*", "anything", true},
      {"order.created", "order.created", true},
      {"order.created", "order.updated", false},
      {"order.*", "order.created", true},
      {"order.*", "order.item.added", true},
      {"order.*", "order", false},
      {"order.*", "orders.created", false},
      {"order.item.*", "order.item.added", true},
      {"order.item.*", "order.created", false},
      {"user.created", "user.created.v2", false},
  };
  for (const auto& r : table) {
    auto got = pg_instance::exec_scalar(db_, std::string{"SELECT courier.type_matches(ARRAY['"} +
                                                 r.pattern + "'], '" + r.type + "')");
    EXPECT_EQ(got == "t", r.match) << r.pattern << " vs " << r.type;
  }
  for (const char* bad : {"order.*.x", "*.created", "order..x", "", "a b", "order*"})
    EXPECT_EQ(
        pg_instance::exec_scalar(db_, std::string{"SELECT courier.valid_pattern('"} + bad + "')"),
        "f")
        << bad;
}

TEST_F(sql_api, create_hook_rejects_bad_input_clearly) {
  auto secret = random_secret();
  EXPECT_NE(error_of("SELECT courier.create_hook('ftp://x/y', '" + secret + "')")
                .find("invalid hook url"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT courier.create_hook('http://u:p@x/y', '" + secret + "')")
                .find("invalid hook url"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT courier.create_hook('http://x/y', 'nope')").find("invalid secret"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT courier.create_hook('http://x/y', '" + secret + "', '{a.*.b}')")
                .find("invalid event type pattern"),
            std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.hooks"), 0);
}

// Standard Webhooks keys are 24 to 64 bytes; 'whsec_YQ==' (one byte) was accepted.
TEST_F(sql_api, secrets_must_hold_24_to_64_bytes) {
  auto create = [&](const std::string& secret) {
    return error_of("SELECT courier.create_hook('http://x/y', '" + secret + "')");
  };
  for (std::size_t bytes : {24, 32, 48, 64})
    EXPECT_EQ(create(secret_of(bytes)), "") << bytes;
  for (std::size_t bytes : {1, 16, 23, 65, 128}) {
    auto err = create(secret_of(bytes));
    EXPECT_NE(err.find("invalid secret: the key is " + std::to_string(bytes) + " bytes"),
              std::string::npos)
        << bytes << ": " << err;
  }
  EXPECT_NE(create("whsec_YQ==").find("invalid secret"), std::string::npos);
  // Unpadded base64 is refused here as the node's decoder refuses it.
  auto unpadded = secret_of(25);
  unpadded.erase(unpadded.find('='));
  EXPECT_NE(create(unpadded).find("invalid secret"), std::string::npos) << unpadded;
  EXPECT_NE(create("whsec_").find("invalid secret"), std::string::npos);
  EXPECT_NE(error_of("SELECT courier.create_hook('http://x/y', NULL)").find("invalid secret"),
            std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.hooks"), 4);
}

// An event type is a name an exact pattern can select: no blanks, no empty words.
TEST_F(sql_api, blank_or_malformed_event_types_are_refused) {
  auto id = create_hook(db_, "http://127.0.0.1:9/x", random_secret());
  for (const char* bad : {"", " ", "   ", "\t", "\n", "order paid", " order", "order.", ".order",
                          "order..paid", "order.*", "*", "caf\u00e9"}) {
    auto quoted = "$q$" + std::string{bad} + "$q$";
    EXPECT_NE(error_of("SELECT courier.emit(" + quoted + ", '{}')").find("invalid event_type"),
              std::string::npos)
        << "'" << bad << "'";
    EXPECT_NE(error_of("SELECT courier.emit_to(" + std::to_string(id) + ", " + quoted + ", '{}')")
                  .find("invalid event_type"),
              std::string::npos)
        << "'" << bad << "'";
  }
  EXPECT_NE(error_of("SELECT courier.emit(NULL, '{}')").find("invalid event_type"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT courier.emit(repeat('a', 256), '{}')").find("invalid event_type"),
            std::string::npos);
  for (const char* good : {"a", "order.paid", "order.item-added_v2", "urn:x:y", "A.B.C"})
    EXPECT_EQ(error_of(std::string{"SELECT courier.emit('"} + good + "', '{}')"), "") << good;
  EXPECT_EQ(error_of("SELECT courier.emit(repeat('a', 255), '{}')"), "");
  EXPECT_EQ(scalar("SELECT backlog FROM courier.hook_status"), 6);

  auto secret = random_secret();
  for (const char* bad : {" ", "   ", "", "order paid", " order.*", "order.* "})
    EXPECT_NE(error_of("SELECT courier.create_hook('http://x/y', '" + secret + "', ARRAY[$q$" +
                       bad + "$q$])")
                  .find("invalid event type pattern"),
              std::string::npos)
        << "'" << bad << "'";
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.hooks"), 1);
}

// A database made by migration 1 alone (an installed v1) upgrades in place: its hooks
// stay, and the hardened checks apply from then on.
TEST_F(sql_api, migrate_upgrades_a_version_1_database) {
  auto old = pg_instance::shared().create_database("v1", false);
  const auto& all = schema::migrations();
  ASSERT_GE(all.size(), 2u);
  ASSERT_EQ(all.front().version, 1);
  {
    pqxx::connection conn{old};
    pqxx::work tx{conn};
    tx.exec("CREATE SCHEMA courier");
    tx.exec("CREATE TABLE courier.schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())");
    tx.exec(all.front().sql);
    tx.exec_params("INSERT INTO courier.schema_migrations (version, name) VALUES (1, $1)",
                   all.front().name);
    tx.commit();
  }
  // What version 1 let in.
  EXPECT_EQ(error_in(old, "SELECT courier.create_hook('http://127.0.0.1:0/x', 'whsec_YQ==')"), "");
  EXPECT_EQ(installed_schema_version(old), 1);
  auto report = migrate(old);
  EXPECT_EQ(report.from_version, 1);
  EXPECT_EQ(report.to_version, latest_schema_version());
  EXPECT_EQ(pg_instance::exec_scalar(old, "SELECT url FROM courier.hooks"), "http://127.0.0.1:0/x");
  EXPECT_NE(
      error_in(old, "SELECT courier.create_hook('http://127.0.0.1:0/x', '" + secret_of(32) + "')")
          .find("invalid hook url"),
      std::string::npos);
  EXPECT_NE(error_in(old, "SELECT courier.create_hook('http://x/y', 'whsec_YQ==')")
                .find("invalid secret"),
            std::string::npos);
  EXPECT_NE(error_in(old, "SELECT courier.emit(' ', '{}')").find("invalid event_type"),
            std::string::npos);
  EXPECT_EQ(migrate(old).to_version, latest_schema_version()); // nothing left to apply
}

TEST_F(sql_api, oversize_payload_is_refused_and_nothing_else_is_lost) {
  auto id = create_hook(db_, "http://127.0.0.1:9/x", random_secret());
  emit_to(db_, id, "small", "{}");
  auto err = error_of("SELECT courier.emit('big', jsonb_build_object('s', repeat('x', 2000000)))");
  EXPECT_NE(err.find("limit is"), std::string::npos) << err;
  EXPECT_EQ(scalar("SELECT backlog FROM courier.hook_status"), 1);
  EXPECT_NE(error_of("SELECT courier.emit_to(99999, 'x', '{}')").find("does not exist"),
            std::string::npos);
}

// Writers to one hook are serialised until commit, so seqs are gapless and visible in
// seq order; a rolled-back writer's seq is reused by the next.
TEST_F(sql_api, seqs_are_gapless_and_commit_ordered) {
  auto id = create_hook(db_, "http://127.0.0.1:9/x", random_secret());
  pqxx::connection c1{db_};
  pqxx::work t1{c1};
  emit_to(t1, id, "a", "{}");
  auto second = std::async(std::launch::async, [&] {
    pqxx::connection c2{db_};
    pqxx::work t2{c2};
    emit_to(t2, id, "b", "{}");
    t2.commit();
  });
  EXPECT_EQ(second.wait_for(500ms), std::future_status::timeout) << "second writer did not wait";
  t1.abort();
  second.get();
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT string_agg(o.seq || ':' || e.event_type, ',') "
                                          "FROM courier.outbox o JOIN courier.events e "
                                          "ON e.id = o.event_id"),
            "1:b");
}

TEST_F(sql_api, migrate_is_idempotent_and_safe_concurrently) {
  auto fresh = pg_instance::shared().create_database("m", false);
  auto ctl = pg_instance::courierctl_path();
  auto a = std::async(std::launch::async, [&] {
    return run_command({ctl, "migrate", "--db", fresh});
  });
  auto b = std::async(std::launch::async, [&] {
    return run_command({ctl, "migrate", "--db", fresh});
  });
  auto ra = a.get(), rb = b.get();
  EXPECT_EQ(ra.exit_code, 0) << ra.output;
  EXPECT_EQ(rb.exit_code, 0) << rb.output;
  auto again = run_command({ctl, "migrate", "--db", fresh});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("up to date"), std::string::npos) << again.output;
}

// Rotation drops whole outbox partitions, and only those every cursor has passed.
TEST_F(sql_api, rotation_never_drops_undelivered_events) {
  small_outbox_partitions(4);
  auto id = create_hook(db_, "http://127.0.0.1:9/x", random_secret());
  emit_numbered_to(db_, id, "n", 2500); // event ids 1..2500: partitions 0, 1, 2
  pg_instance::exec_scalar(db_, "SELECT setval('courier.events_id_seq', 4000)");
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.events_default"), 0);
  EXPECT_EQ(scalar("SELECT courier.drop_delivered_partitions()"), 0) << "undelivered dropped";
  // Cursor past seq 1500: partition 0 (ids 1..999) is fully delivered, 1 is not.
  pg_instance::exec_scalar(db_, "UPDATE courier.cursors SET delivered_seq = 1500");
  EXPECT_EQ(scalar("SELECT courier.drop_delivered_partitions()"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.outbox WHERE seq > 1500"), 1000);
  EXPECT_EQ(scalar("SELECT backlog FROM courier.hook_status"), 1000);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.events"), 1501);
}

} // namespace
} // namespace courier::test
