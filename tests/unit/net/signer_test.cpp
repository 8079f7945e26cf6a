#include <gtest/gtest.h>

#include "net/signer.hpp"

namespace courier::net {
namespace {

// Published Standard Webhooks test vector (also used by the Svix libraries' tests).
constexpr const char* spec_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* spec_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t spec_timestamp = 1614265330;
constexpr const char* spec_body = R"({"test": 2432232314})";
constexpr const char* spec_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(signer, reproduces_the_standard_webhooks_vector) {
  auto key = decode_secret(spec_secret);
  ASSERT_TRUE(key);
  EXPECT_EQ(sign_v1(*key, spec_id, spec_timestamp, spec_body), spec_signature);
}

TEST(signer, secret_prefix_is_optional) {
  EXPECT_EQ(decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), decode_secret(spec_secret));
}

TEST(signer, invalid_or_empty_secrets_do_not_decode) {
  EXPECT_FALSE(decode_secret("whsec_"));
  EXPECT_FALSE(decode_secret(""));
  EXPECT_FALSE(decode_secret("whsec_not base64!"));
  EXPECT_FALSE(decode_secret("whsec_abc")); // not a multiple of 4
}

TEST(signer, header_has_one_signature_per_secret) {
  auto other = "whsec_" + base64_encode("a second, rotated key");
  auto header = signature_header({spec_secret, other}, spec_id, spec_timestamp, spec_body);
  auto other_sig = sign_v1("a second, rotated key", spec_id, spec_timestamp, spec_body);
  EXPECT_EQ(header, std::string(spec_signature) + " " + other_sig);
}

TEST(signer, header_skips_secrets_that_do_not_decode) {
  auto header = signature_header({"whsec_!!!", spec_secret}, spec_id, spec_timestamp, spec_body);
  EXPECT_EQ(header, spec_signature);
  EXPECT_EQ(signature_header({}, spec_id, spec_timestamp, spec_body), "");
}

TEST(signer, signature_depends_on_every_input) {
  auto key = *decode_secret(spec_secret);
  auto base = sign_v1(key, spec_id, spec_timestamp, spec_body);
  EXPECT_NE(sign_v1(key, "msg_other", spec_timestamp, spec_body), base);
  EXPECT_NE(sign_v1(key, spec_id, spec_timestamp + 1, spec_body), base);
  EXPECT_NE(sign_v1(key, spec_id, spec_timestamp, "{}"), base);
  EXPECT_NE(sign_v1("other key", spec_id, spec_timestamp, spec_body), base);
}

TEST(base64, encodes_rfc4648_vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(base64, decode_strips_padding) {
  EXPECT_EQ(base64_decode(""), std::string());
  EXPECT_EQ(base64_decode("Zg=="), std::string("f"));
  EXPECT_EQ(base64_decode("Zm8="), std::string("fo"));
  EXPECT_EQ(base64_decode("Zm9v"), std::string("foo"));
  EXPECT_EQ(base64_decode("Zm9vYmE="), std::string("fooba"));
}

TEST(base64, round_trips_binary_of_every_length) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    auto decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded) << "length " << i;
    EXPECT_EQ(*decoded, bytes) << "length " << i;
    bytes.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  }
  EXPECT_EQ(base64_decode(base64_encode(std::string("\0\0\xff", 3))), std::string("\0\0\xff", 3));
}

TEST(base64, rejects_invalid_input) {
  EXPECT_FALSE(base64_decode("Zg="));    // length not a multiple of 4
  EXPECT_FALSE(base64_decode("Zg"));     // missing padding
  EXPECT_FALSE(base64_decode("Z==="));   // too much padding
  EXPECT_FALSE(base64_decode("Zg=a"));   // padding in the middle
  EXPECT_FALSE(base64_decode("Zm9v\n")); // whitespace
  EXPECT_FALSE(base64_decode(" Zm9v"));  // whitespace
  EXPECT_FALSE(base64_decode("Zm9-"));   // base64url alphabet
  EXPECT_FALSE(base64_decode("Zm9v*A=="));
}

} // namespace
} // namespace courier::net
