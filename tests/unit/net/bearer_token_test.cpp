// The admin listener's bearer-token check.
#include "net/bearer_token.hpp"

#include <gtest/gtest.h>

namespace courier::net {
namespace {

TEST(bearer_token, matches_only_the_exact_token) {
  EXPECT_TRUE(bearer_token_matches("Bearer tok-123", "tok-123"));
  EXPECT_FALSE(bearer_token_matches("Bearer tok-12", "tok-123"));
  EXPECT_FALSE(bearer_token_matches("Bearer tok-1234", "tok-123"));
  EXPECT_FALSE(bearer_token_matches("Bearer TOK-123", "tok-123"));
  EXPECT_FALSE(bearer_token_matches("Bearer ", "tok-123"));
  EXPECT_FALSE(bearer_token_matches("", "tok-123"));
}

TEST(bearer_token, scheme_is_case_insensitive_and_required) {
  EXPECT_TRUE(bearer_token_matches("bearer tok", "tok"));
  EXPECT_TRUE(bearer_token_matches("BEARER  tok", "tok"));
  EXPECT_FALSE(bearer_token_matches("tok", "tok"));
  EXPECT_FALSE(bearer_token_matches("Basic tok", "tok"));
  EXPECT_FALSE(bearer_token_matches("Bearertok", "tok"));
  EXPECT_FALSE(bearer_token_matches("Bearer: tok", "tok"));
}

TEST(bearer_token, an_empty_token_matches_nothing) {
  EXPECT_FALSE(bearer_token_matches("Bearer ", ""));
  EXPECT_FALSE(bearer_token_matches("Bearer", ""));
}

} // namespace
} // namespace courier::net
