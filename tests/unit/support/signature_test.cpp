#include "tests/support/emitter.hpp"
#include "tests/support/signature.hpp"
#include "tests/support/subscriber.hpp"

#include <gtest/gtest.h>

namespace courier::test {
namespace {

// The Standard Webhooks reference test vector.
delivery reference_delivery() {
  delivery d;
  d.webhook_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  d.timestamp = "1614265330";
  d.body = R"({"test": 2432232314})";
  d.signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  return d;
}
constexpr const char* reference_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(signature, standard_webhooks_test_vector) {
  delivery d = reference_delivery();
  EXPECT_EQ(expected_signature(reference_secret, d.webhook_id, d.timestamp, d.body), d.signature);
  EXPECT_TRUE(verify_signature(d, reference_secret));
}

TEST(signature, any_of_several_space_separated_signatures_matches) {
  delivery d = reference_delivery();
  d.signature = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + d.signature;
  EXPECT_TRUE(verify_signature(d, reference_secret));
  d.signature = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  EXPECT_FALSE(verify_signature(d, reference_secret));
}

TEST(signature, rejects_tampering_and_bad_secrets) {
  delivery d = reference_delivery();
  d.body = R"({"test": 2432232315})";
  EXPECT_FALSE(verify_signature(d, reference_secret));
  d = reference_delivery();
  d.timestamp = "1614265331";
  EXPECT_FALSE(verify_signature(d, reference_secret));
  d = reference_delivery();
  EXPECT_FALSE(verify_signature(d, "whsec_%%%"));
  EXPECT_FALSE(verify_signature(d, random_secret()));
  // The prefix is optional.
  EXPECT_TRUE(verify_signature(d, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

TEST(signature, base64_round_trip) {
  EXPECT_EQ(b64_encode(""), "");
  EXPECT_EQ(b64_encode("f"), "Zg==");
  EXPECT_EQ(b64_encode("fo"), "Zm8=");
  EXPECT_EQ(b64_encode("foo"), "Zm9v");
  EXPECT_EQ(b64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(b64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(b64_decode("Zm9vYg"), "foob");
  EXPECT_EQ(b64_decode("Zm9v!"), std::nullopt);
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all += static_cast<char>(i);
  }
  EXPECT_EQ(b64_decode(b64_encode(all)), all);
}

TEST(signature, random_secret_is_whsec_with_24_bytes) {
  std::string s = random_secret();
  ASSERT_EQ(s.rfind("whsec_", 0), 0u);
  auto key = b64_decode(s.substr(6));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 24u);
  EXPECT_NE(random_secret(), s);
}

} // namespace
} // namespace courier::test
