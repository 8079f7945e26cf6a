// The SQL behind the admin API (runtime/sql/003_admin.sql) without a node: state
// changes, secret rotation and retirement, dead-letter replay, an emit racing a delete,
// and the migration itself.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/schema_migrations.hpp"

#include <pqxx/pqxx>

#include <future>
#include <thread>

namespace courier::test {
namespace {

// Counts NOTIFY courier_hooks (what tells a hook's owner to reload it).
struct hook_changes : pqxx::notification_receiver {
  int seen = 0;
  explicit hook_changes(pqxx::connection& conn) : notification_receiver(conn, "courier_hooks") {}
  void operator()(const std::string&, int) override { ++seen; }
};

class admin_sql : public pg_test {
protected:
  // The SQLSTATE `sql` fails with, "00000" when it succeeds.
  std::string sqlstate_of(const std::string& sql) {
    try {
      pg_instance::exec_scalar(db_, sql);
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate();
    }
    return "00000";
  }

  std::string text(const std::string& sql) { return pg_instance::exec_scalar(db_, sql); }

  std::int64_t new_hook() { return create_hook(db_, "http://127.0.0.1:9/x", random_secret()); }
};

TEST_F(admin_sql, deleting_a_hook_never_fails_a_concurrent_emit) {
  const auto id = new_hook();
  pqxx::connection deleter{db_};
  pqxx::work del{deleter};
  del.exec_params("SELECT courier.delete_hook($1)", id); // holds the hook's stream row
  // The emit picks the hook (the delete is not committed), then waits on its stream row.
  auto emitting = std::async(std::launch::async, [&] {
    pqxx::connection conn{db_};
    pqxx::work tx{conn};
    emit(tx, "race", "{}");
    tx.commit();
  });
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND wait_event_type = 'Lock'") == 1;
      },
      30s))
      << "the emit never waited on the deleted hook's stream";
  del.commit();
  EXPECT_NO_THROW(emitting.get()) << "the application's transaction failed";
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.events"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.outbox"), 0);
}

TEST_F(admin_sql, pause_resume_update_and_delete) {
  const auto id = std::to_string(new_hook());
  const auto state = [&] {
    return text("SELECT state FROM courier.hooks WHERE id = " + id);
  };
  text("SELECT courier.pause_hook(" + id + ")");
  EXPECT_EQ(state(), "paused");
  text("SELECT courier.pause_hook(" + id + ")"); // again: nothing to do, no error
  EXPECT_EQ(state(), "paused");
  text("SELECT courier.resume_hook(" + id + ")");
  EXPECT_EQ(state(), "active");
  text("UPDATE courier.hooks SET state = 'disabled', disabled_reason = 'gone' WHERE id = " + id);
  EXPECT_EQ(sqlstate_of("SELECT courier.pause_hook(" + id + ")"), "55000");
  text("SELECT courier.resume_hook(" + id + ")");
  EXPECT_EQ(text("SELECT state || coalesce(disabled_reason, '') FROM courier.hooks"), "active");

  text("SELECT courier.update_hook(" + id + ", 'https://example.com/new', '{order.*}')");
  EXPECT_EQ(text("SELECT url || ' ' || event_types::text FROM courier.hooks"),
            "https://example.com/new {order.*}");
  text("SELECT courier.update_hook(" + id + ", event_types => '{a}')"); // url kept
  EXPECT_EQ(text("SELECT url || ' ' || event_types::text FROM courier.hooks"),
            "https://example.com/new {a}");
  EXPECT_EQ(sqlstate_of("SELECT courier.update_hook(" + id + ", 'ftp://x/')"), "22023");
  EXPECT_EQ(sqlstate_of("SELECT courier.update_hook(" + id + ", event_types => '{a..b}')"),
            "22023");
  EXPECT_EQ(text("SELECT url FROM courier.hooks"), "https://example.com/new");

  for (const char* change :
       {"pause_hook(999)", "resume_hook(999)", "delete_hook(999)", "update_hook(999, 'http://x/')"})
    EXPECT_EQ(sqlstate_of(std::string("SELECT courier.") + change), "P0002") << change;
  emit_to(db_, std::stoll(id), "a", "{}");
  text("SELECT courier.delete_hook(" + id + ")");
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.hooks"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.cursors"), 0);
}

TEST_F(admin_sql, rotation_keeps_old_secrets_for_the_overlap_then_retires_them) {
  const std::string s1 = random_secret(), s2 = random_secret(), s3 = random_secret(),
                    s4 = random_secret(), s5 = random_secret();
  const auto id = std::to_string(create_hook(db_, "http://127.0.0.1:9/x", s1));
  const auto rotate = [&](const std::string& secret, const std::string& overlap) {
    return sqlstate_of("SELECT courier.rotate_secret(" + id + ", '" + secret + "', '" + overlap +
                       "')");
  };
  const auto secrets = [&] {
    return text("SELECT array_to_string(secrets, ' ') FROM courier.hooks");
  };

  EXPECT_EQ(rotate(s2, "1 hour"), "00000");
  EXPECT_EQ(secrets(), s2 + " " + s1);
  EXPECT_EQ(rotate(s3, "2 hours"), "00000");
  EXPECT_EQ(secrets(), s3 + " " + s2 + " " + s1);
  // s1 keeps its earlier retire time; s2 retires after the second overlap.
  EXPECT_EQ(scalar("SELECT round(extract(epoch FROM expires_at - now()) / 60) FROM "
                   "courier.secret_expiry WHERE secret = '" +
                   s1 + "'"),
            60);
  EXPECT_EQ(scalar("SELECT round(extract(epoch FROM expires_at - now()) / 60) FROM "
                   "courier.secret_expiry WHERE secret = '" +
                   s2 + "'"),
            120);
  EXPECT_EQ(rotate(s2, "1 hour"), "55000") << "a secret already signing";
  EXPECT_EQ(rotate(s4, "1 hour"), "00000");
  EXPECT_EQ(rotate(s5, "1 hour"), "55000") << "a fifth secret at once";
  EXPECT_EQ(rotate("whsec_c2hvcnQ=", "1 hour"), "22023");
  EXPECT_EQ(rotate(s5, "-1 second"), "22023");
  EXPECT_EQ(sqlstate_of("SELECT courier.rotate_secret(999, '" + s5 + "')"), "P0002");

  // Due: retired by the maintenance pass, which changes the hook row (its trigger tells
  // the owning node to reload it).
  pqxx::connection listening{db_};
  hook_changes changes{listening};
  text("UPDATE courier.secret_expiry SET expires_at = now() - interval '1 second' "
       "WHERE secret = '" +
       s1 + "'");
  EXPECT_EQ(scalar("SELECT courier.retire_expired_secrets()"), 1);
  EXPECT_EQ(secrets(), s4 + " " + s3 + " " + s2);
  listening.await_notification(10, 0);
  EXPECT_EQ(changes.seen, 1) << "retiring must NOTIFY courier_hooks once";
  EXPECT_EQ(scalar("SELECT courier.retire_expired_secrets()"), 0);

  // An overlap of zero retires every older secret at once.
  EXPECT_EQ(rotate(s5, "0"), "00000");
  EXPECT_EQ(secrets(), s5);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.secret_expiry"), 0);
  EXPECT_EQ(rotate(s1, "1 hour"), "00000");
  text("SELECT courier.delete_hook(" + id + ")");
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.secret_expiry"), 0);
}

TEST_F(admin_sql, replay_keeps_the_original_order_and_never_replays_twice) {
  const auto a = new_hook(), b = new_hook();
  // Parked out of order: ids do not follow seqs. b's letters belong to a disabled hook.
  for (auto hook : {a, b})
    for (int seq : {3, 1, 2})
      text("INSERT INTO courier.dead_letters (hook_id, seq, event_id, event_type, payload, "
           "emitted_at, attempts) VALUES (" +
           std::to_string(hook) + ", " + std::to_string(seq) +
           ", 0, 'parked', '{\"n\":" + std::to_string(seq) + "}', now(), 3)");
  text("UPDATE courier.hooks SET state = 'disabled' WHERE id = " + std::to_string(b));

  EXPECT_EQ(scalar("SELECT count(*) FROM courier.replay_dead_letters()"), 3);
  EXPECT_EQ(text("SELECT string_agg(e.payload->>'n', ',' ORDER BY o.seq) FROM courier.outbox o "
                 "JOIN courier.events e ON e.id = o.event_id WHERE o.hook_id = " +
                 std::to_string(a)),
            "1,2,3");
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.replay_dead_letters()"), 0) << "replayed twice";
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.outbox"), 3);

  const auto letter = [&](std::int64_t hook, int seq) {
    return text("SELECT id FROM courier.dead_letters WHERE hook_id = " + std::to_string(hook) +
                " AND seq = " + std::to_string(seq));
  };
  EXPECT_EQ(sqlstate_of("SELECT courier.replay_dead_letter(" + letter(a, 1) + ")"), "55000");
  EXPECT_EQ(sqlstate_of("SELECT courier.replay_dead_letter(" + letter(b, 1) + ")"), "55000");
  EXPECT_EQ(sqlstate_of("SELECT courier.replay_dead_letter(999999)"), "P0002");

  // Once the hook is back, by hook and since a time.
  text("SELECT courier.resume_hook(" + std::to_string(b) + ")");
  text("UPDATE courier.dead_letters SET parked_at = now() - interval '1 day' WHERE seq = 3");
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.replay_dead_letters(for_hook => " +
                   std::to_string(b) + ", parked_since => now() - interval '1 hour')"),
            2);
  EXPECT_EQ(text("SELECT courier.replay_dead_letter(" + letter(b, 3) + ") IS NOT NULL"), "t");
  EXPECT_EQ(text("SELECT string_agg(e.payload->>'n', ',' ORDER BY o.seq) FROM courier.outbox o "
                 "JOIN courier.events e ON e.id = o.event_id WHERE o.hook_id = " +
                 std::to_string(b)),
            "1,2,3");
}

TEST_F(admin_sql, migration_3_can_run_again_harmlessly) {
  const auto& all = schema::migrations();
  ASSERT_GE(all.size(), 3u);
  ASSERT_EQ(all[2].version, 3);
  const auto id = std::to_string(new_hook());
  text("SELECT courier.rotate_secret(" + id + ", '" + random_secret() + "')");
  EXPECT_EQ(error_of(all[2].sql), "");
  EXPECT_EQ(scalar("SELECT cardinality(secrets) FROM courier.hooks"), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.secret_expiry"), 1);
}

} // namespace
} // namespace courier::test
