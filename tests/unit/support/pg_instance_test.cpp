#include "tests/support/pg_instance.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace courier::test {
namespace {

TEST(pg_instance, shared_cluster_answers_queries) {
  pg_instance& pg = pg_instance::shared();
  EXPECT_EQ(&pg, &pg_instance::shared());
  EXPECT_GE(pg.port(), 20000);
  EXPECT_LT(pg.port(), 32768);
  EXPECT_EQ(pg.url(), "postgresql://postgres@127.0.0.1:" + std::to_string(pg.port()) + "/postgres");
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SELECT 1 + 1"), "2");
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SHOW fsync"), "off");
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SHOW max_connections"), "300");
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SELECT NULL"), "");
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SELECT 1 WHERE false"), "");
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SELECT current_setting('server_version_num')")
                .substr(0, 2),
            "15");
}

TEST(pg_instance, create_database_without_migration_gives_a_fresh_database) {
  pg_instance& pg = pg_instance::shared();
  std::string a = pg.create_database("Self Test!", false);
  std::string b = pg.create_database("Self Test!", false);
  EXPECT_NE(a, b);
  EXPECT_EQ(pg_instance::exec_scalar(a, "SELECT current_database() LIKE 'self_test__%'"), "t");
  pg_instance::exec_scalar(a, "CREATE TABLE t (x int)");
  EXPECT_EQ(pg_instance::exec_scalar(b, "SELECT to_regclass('t') IS NULL"), "t");
}

TEST(pg_instance, create_database_runs_courierctl_migrate) {
  if (!pg_instance::courierctl_available()) {
    GTEST_SKIP() << "courierctl not built at " << pg_instance::courierctl_path();
  }
  pg_instance& pg = pg_instance::shared();
  std::string url;
  try {
    url = pg.create_database("migrated");
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
  // A courierctl that does not create the schema yet is reported, not hidden.
  EXPECT_EQ(pg_instance::exec_scalar(url, "SELECT count(*) FROM pg_namespace WHERE nspname = "
                                          "'courier'"),
            "1");
}

TEST(pg_instance, restart_keeps_port_and_data) {
  pg_instance& pg = pg_instance::shared();
  std::string db = pg.create_database("restart", false);
  pg_instance::exec_scalar(db, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
  const std::string started = "SELECT pg_postmaster_start_time()";
  const std::string before = pg_instance::exec_scalar(db, started);
  const int port = pg.port();
  pg.restart();
  EXPECT_EQ(pg.port(), port);
  EXPECT_TRUE(pg.running());
  EXPECT_NE(pg_instance::exec_scalar(db, started), before);
  EXPECT_EQ(pg_instance::exec_scalar(db, "SELECT x FROM kept"), "42");
}

TEST(pg_instance, stop_and_start) {
  pg_instance& pg = pg_instance::shared();
  pg.stop();
  EXPECT_FALSE(pg.running());
  EXPECT_THROW(pg_instance::exec_scalar(pg.url(), "SELECT 1"), pqxx::broken_connection);
  pg.start();
  EXPECT_EQ(pg_instance::exec_scalar(pg.url(), "SELECT 1"), "1");
}

} // namespace
} // namespace courier::test
