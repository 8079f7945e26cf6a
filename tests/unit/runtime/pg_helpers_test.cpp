// Postgres helpers that need no server: conninfo options, array literals and parsing,
// and the classification of libpqxx exceptions into courier errors.
#include "runtime/pg_array.hpp"
#include "runtime/pg_errors.hpp"
#include "runtime/pg_pool.hpp"

#include <gtest/gtest.h>

#include <pqxx/except>

#include <cstdint>
#include <future>
#include <limits>
#include <optional>
#include <stdexcept>

namespace courier {
namespace {

using options = std::vector<std::pair<std::string, std::string>>;

// -- with_conn_options ----------------------------------------------------------

TEST(with_conn_options, url_without_query_gets_a_question_mark) {
  EXPECT_EQ(with_conn_options("postgres://u@db:5432/courier", {{"application_name", "x"}}),
            "postgres://u@db:5432/courier?application_name=x");
}

TEST(with_conn_options, url_with_query_gets_an_ampersand) {
  EXPECT_EQ(with_conn_options("postgres://db/courier?sslmode=require", {{"application_name", "x"}}),
            "postgres://db/courier?sslmode=require&application_name=x");
}

TEST(with_conn_options, several_options_on_a_url) {
  EXPECT_EQ(with_conn_options("postgresql://db/courier",
                              {{"application_name", "courier-lease/n1"}, {"keepalives", "1"}}),
            "postgresql://db/courier?application_name=courier-lease/n1&keepalives=1");
  EXPECT_EQ(with_conn_options("postgresql://db/c?a=1", {{"b", "2"}, {"c", "3"}}),
            "postgresql://db/c?a=1&b=2&c=3");
}

// Every session of a node (pool, lease, LISTEN) must reach the same primary after a
// failover: the hosts and target_session_attrs survive the added options.
TEST(with_conn_options, multi_host_url_keeps_its_hosts_and_session_attrs) {
  EXPECT_EQ(with_conn_options("postgresql://u@h1:5432,h2:5433/db?target_session_attrs=read-write",
                              {{"application_name", "courier-lease/n1"}}),
            "postgresql://u@h1:5432,h2:5433/db?target_session_attrs=read-write"
            "&application_name=courier-lease/n1");
  EXPECT_EQ(with_conn_options("host=h1,h2 port=5432,5433 target_session_attrs=read-write",
                              {{"keepalives", "1"}}),
            "host=h1,h2 port=5432,5433 target_session_attrs=read-write keepalives='1'");
}

TEST(with_conn_options, both_url_schemes_are_recognised) {
  EXPECT_EQ(with_conn_options("postgres://h/d", {{"k", "v"}}), "postgres://h/d?k=v");
  EXPECT_EQ(with_conn_options("postgresql://h/d", {{"k", "v"}}), "postgresql://h/d?k=v");
}

TEST(with_conn_options, keyword_string_gets_quoted_pairs) {
  EXPECT_EQ(with_conn_options("host=db dbname=courier", {{"application_name", "courier/pool0"}}),
            "host=db dbname=courier application_name='courier/pool0'");
  EXPECT_EQ(with_conn_options("host=db", {{"keepalives", "1"}, {"keepalives_idle", "5"}}),
            "host=db keepalives='1' keepalives_idle='5'");
}

TEST(with_conn_options, keyword_string_containing_a_question_mark_stays_keyword) {
  EXPECT_EQ(with_conn_options("host=db password=a?b", {{"k", "v"}}), "host=db password=a?b k='v'");
}

TEST(with_conn_options, empty_conninfo_is_keyword_form) {
  EXPECT_EQ(with_conn_options("", {{"application_name", "x"}}), " application_name='x'");
}

TEST(with_conn_options, no_options_leaves_the_string_unchanged) {
  EXPECT_EQ(with_conn_options("postgres://db/courier", {}), "postgres://db/courier");
  EXPECT_EQ(with_conn_options("host=db", {}), "host=db");
}

// -- int_array_literal ------------------------------------------------------------

TEST(int_array_literal, empty) {
  EXPECT_EQ(int_array_literal(std::vector<int>{}), "{}");
}

TEST(int_array_literal, one_and_many) {
  EXPECT_EQ(int_array_literal(std::vector<int>{7}), "{7}");
  EXPECT_EQ(int_array_literal(std::vector<int>{1, 2, 3}), "{1,2,3}");
}

TEST(int_array_literal, negative_and_extreme_values) {
  EXPECT_EQ(int_array_literal(std::vector<int>{-1, 0, 1}), "{-1,0,1}");
  EXPECT_EQ(int_array_literal(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::max(),
                                                        std::numeric_limits<std::int64_t>::min()}),
            "{9223372036854775807,-9223372036854775808}");
}

// -- parse_text_array -------------------------------------------------------------

using strings = std::vector<std::string>;

// -- text_array_literal -------------------------------------------------------------

TEST(text_array_literal, quotes_every_element_and_reads_back) {
  EXPECT_EQ(text_array_literal({}), "{}");
  EXPECT_EQ(text_array_literal({"a", "b.*"}), R"({"a","b.*"})");
  // What would otherwise change meaning: separators, braces, quotes, backslashes, NULL.
  const strings tricky{"a,b", "{c}", "say \"hi\"", "back\\slash", "NULL", "", " padded "};
  EXPECT_EQ(parse_text_array(text_array_literal(tricky)), tricky);
}

TEST(parse_text_array, empty_array) {
  EXPECT_EQ(parse_text_array("{}"), strings{});
}

TEST(parse_text_array, bare_elements) {
  EXPECT_EQ(parse_text_array("{a}"), strings{"a"});
  EXPECT_EQ(parse_text_array("{whsec_abc,whsec_def}"), (strings{"whsec_abc", "whsec_def"}));
}

TEST(parse_text_array, base64_secrets_survive) {
  // Standard base64 uses + / =, which Postgres leaves unquoted.
  EXPECT_EQ(parse_text_array("{whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/==,whsec_b2xk}"),
            (strings{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/==", "whsec_b2xk"}));
}

TEST(parse_text_array, quoted_element_with_a_comma) {
  EXPECT_EQ(parse_text_array(R"({"a,b",c})"), (strings{"a,b", "c"}));
}

TEST(parse_text_array, quoted_element_with_escaped_quotes_and_backslashes) {
  EXPECT_EQ(parse_text_array(R"({"say \"hi\"","back\\slash"})"),
            (strings{R"(say "hi")", R"(back\slash)"}));
}

TEST(parse_text_array, quoted_element_with_braces_and_spaces) {
  EXPECT_EQ(parse_text_array(R"({"{x}"," padded ","a b"})"), (strings{"{x}", " padded ", "a b"}));
}

TEST(parse_text_array, quoted_empty_string) {
  EXPECT_EQ(parse_text_array(R"({"",x})"), (strings{"", "x"}));
}

TEST(parse_text_array, quoted_word_null_is_a_string) {
  EXPECT_EQ(parse_text_array(R"({"NULL"})"), strings{"NULL"});
}

TEST(parse_text_array, null_elements_are_skipped) {
  EXPECT_EQ(parse_text_array("{a,NULL,b}"), (strings{"a", "b"}));
}

// -- classify_current_exception ------------------------------------------------------

template <class E> error classify(E e) {
  try {
    throw e;
  } catch (...) {
    return classify_current_exception();
  }
}

error classify_sqlstate(const char* state) {
  return classify(pqxx::sql_error{"boom", "SELECT 1", state});
}

TEST(classify_current_exception, broken_connection_is_retryable) {
  auto e = classify(pqxx::broken_connection{"server closed the connection"});
  EXPECT_EQ(e.code, errc::retryable);
  EXPECT_NE(e.message.find("server closed the connection"), std::string::npos) << e.message;
}

TEST(classify_current_exception, transient_sqlstates_are_retryable) {
  for (const char* state : {"40001",  // serialization_failure
                            "40P01",  // deadlock_detected
                            "08006",  // connection_failure
                            "08003",  // connection_does_not_exist
                            "57P01",  // admin_shutdown
                            "57014",  // query_canceled
                            "53300"}) // too_many_connections
    EXPECT_EQ(classify_sqlstate(state).code, errc::retryable) << state;
}

TEST(classify_current_exception, other_sqlstates_are_permanent) {
  for (const char* state : {"23505",  // unique_violation
                            "42P01",  // undefined_table
                            "42601",  // syntax_error
                            "22P02",  // invalid_text_representation
                            "P0001"}) // raise_exception
    EXPECT_EQ(classify_sqlstate(state).code, errc::permanent) << state;
}

TEST(classify_current_exception, sql_error_message_names_the_sqlstate) {
  auto e = classify_sqlstate("23505");
  EXPECT_NE(e.message.find("23505"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("boom"), std::string::npos) << e.message;
}

TEST(classify_current_exception, sql_error_without_sqlstate_is_permanent) {
  EXPECT_EQ(classify(pqxx::sql_error{"no state"}).code, errc::permanent);
}

TEST(classify_current_exception, sql_error_subclasses_are_classified_by_sqlstate) {
  // What libpqxx 6 throws for these states (pqxx::result::ThrowSQLError).
  EXPECT_EQ(classify(pqxx::unique_violation{"dup", "INSERT", "23505"}).code, errc::permanent);
  EXPECT_EQ(classify(pqxx::undefined_table{"missing", "SELECT", "42P01"}).code, errc::permanent);
  EXPECT_EQ(classify(pqxx::insufficient_resources{"full", "INSERT", "53100"}).code,
            errc::retryable);
  EXPECT_EQ(classify(pqxx::too_many_connections{"too many"}).code, errc::retryable);
}

TEST(classify_current_exception, transaction_rollbacks_as_libpqxx_throws_them_are_retryable) {
  // libpqxx 6 does not throw sql_error for SQLSTATE class 40: it throws
  // serialization_failure (40001), deadlock_detected (40P01), statement_completion_unknown
  // (40003) and transaction_rollback (40000), which derive from pqxx::failure, not from
  // sql_error, and carry no sqlstate.
  auto serialization = classify(pqxx::serialization_failure{"could not serialize access"});
  auto deadlock = classify(pqxx::deadlock_detected{"deadlock detected"});
  auto rollback = classify(pqxx::transaction_rollback{"rolled back"});
  EXPECT_EQ(serialization.code, errc::retryable);
  EXPECT_EQ(deadlock.code, errc::retryable);
  EXPECT_EQ(rollback.code, errc::retryable);
}

TEST(classify_current_exception, in_doubt_is_retryable) {
  EXPECT_EQ(classify(pqxx::in_doubt_error{"commit in doubt"}).code, errc::retryable);
}

TEST(classify_current_exception, std_exceptions_are_permanent) {
  auto e = classify(std::runtime_error{"bad row"});
  EXPECT_EQ(e.code, errc::permanent);
  EXPECT_EQ(e.message, "bad row");
  EXPECT_EQ(classify(pqxx::conversion_error{"not a number"}).code, errc::permanent);
  EXPECT_EQ(classify(pqxx::usage_error{"misuse"}).code, errc::permanent);
}

TEST(classify_current_exception, non_standard_exceptions_are_permanent) {
  auto e = classify(42);
  EXPECT_EQ(e.code, errc::permanent);
  EXPECT_EQ(e.message, "unknown exception");
}

TEST(guarded, returns_the_value_or_the_classified_error) {
  auto ok = guarded([] { return 7; });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 7);
  auto failed = guarded([]() -> int { throw pqxx::broken_connection{"gone"}; });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, errc::retryable);
  auto permanent = guarded([]() -> bool { throw pqxx::sql_error{"x", "q", "42P01"}; });
  ASSERT_FALSE(permanent.ok());
  EXPECT_EQ(permanent.error().code, errc::permanent);
}

TEST(guarded, passes_a_result_through_unchanged) {
  // A fence rejection is a value the adapter returns, not an exception.
  auto fenced = guarded([]() -> result<int> { return error{errc::fenced, "epoch moved on"}; });
  ASSERT_FALSE(fenced.ok());
  EXPECT_EQ(fenced.error().code, errc::fenced);
  EXPECT_EQ(fenced.error().message, "epoch moved on");
  auto value = guarded([]() -> result<int> { return 3; });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value.value(), 3);
}

TEST(guarded, work_without_a_value_succeeds_or_fails_classified) {
  bool ran = false;
  auto ok = guarded([&] { ran = true; });
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(ran);
  auto failed = guarded([] { throw pqxx::sql_error{"canceled", "q", "57014"}; });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, errc::retryable);
}

TEST(pg_pool, a_job_after_stop_fails_as_retryable) {
  pg_pool pool{"postgresql://unused.invalid/none", 0, "test"};
  pool.stop();
  std::optional<result<int>> answer;
  pool.run<int>([](pqxx::connection&) { return 1; }, [&](result<int> r) { answer = r; });
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->error().code, errc::retryable);
}

TEST(pg_pool, a_connection_that_cannot_open_fails_the_job_as_retryable) {
  // Port 1 on loopback: refused at once, which libpqxx reports as broken_connection.
  pg_pool pool{"host=127.0.0.1 port=1 connect_timeout=2", 1, "test"};
  std::promise<result<int>> answer;
  pool.run<int>([](pqxx::connection&) { return 1; },
                [&](result<int> r) { answer.set_value(std::move(r)); });
  auto r = answer.get_future().get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::retryable) << r.error().message;
}

} // namespace
} // namespace courier
