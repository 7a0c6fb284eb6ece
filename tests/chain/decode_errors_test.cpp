// Malformed bytes are refused with a clear error, never a crash: truncation at every byte, trailing bytes, bad
// bools, counts above the field's maximum and counts larger than the bytes left.
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"

using namespace skymesh;
using coin::CoinError;

TEST_CASE("a transaction cut at any byte is truncated, and one with a byte more has trailing bytes") {
  test::ChainFixture chain;
  const coin::Bytes bytes = coin::encode(chain.pay_bob());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = coin::decode_transaction(coin::ByteView(bytes.data(), n));
    REQUIRE(!decoded.ok());
    CHECK(decoded.error() == CoinError::truncated);
  }
  coin::Bytes longer = bytes;
  longer.push_back(0);
  auto decoded = coin::decode_transaction(longer);
  REQUIRE(!decoded.ok());
  CHECK(decoded.error() == CoinError::trailing_bytes);
  CHECK(decoded.message().find("1 bytes left") != std::string::npos);
}

TEST_CASE("a block or signed block cut anywhere or extended is refused") {
  test::ChainFixture chain;
  const coin::SignedBlock block = coin::sign_block(chain.ctx, chain.next_block({chain.pay_bob()}), chain.alice);
  const coin::Bytes bytes = coin::encode(block);
  const coin::Bytes block_bytes = coin::encode(block.block);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = coin::decode_signed_block(coin::ByteView(bytes.data(), n));
    REQUIRE(!decoded.ok());
    CHECK(decoded.error() == CoinError::truncated);
  }
  auto with_sig = coin::decode_block(bytes);  // the signature is trailing for a plain block
  REQUIRE(!with_sig.ok());
  CHECK(with_sig.error() == CoinError::trailing_bytes);
  CHECK(coin::decode_block(block_bytes).ok());
  auto header = coin::decode_block_header(block_bytes);
  REQUIRE(!header.ok());
  CHECK(header.error() == CoinError::trailing_bytes);
}

TEST_CASE("a count above 65535 is count_too_large and a huge count is refused before any allocation") {
  test::ChainFixture chain;
  coin::Bytes bytes = coin::encode(chain.pay_bob());
  const std::size_t sig_count_at = 4 + 1 + 32;
  // 65536 signatures: above Skycoin's maxlen.
  bytes[sig_count_at] = 0x00;
  bytes[sig_count_at + 1] = 0x00;
  bytes[sig_count_at + 2] = 0x01;
  bytes[sig_count_at + 3] = 0x00;
  auto too_many = coin::decode_transaction(bytes);
  REQUIRE(!too_many.ok());
  CHECK(too_many.error() == CoinError::count_too_large);
  // 0xffffffff signatures.
  for (int i = 0; i < 4; ++i) bytes[sig_count_at + i] = 0xff;
  CHECK(coin::decode_transaction(bytes).error() == CoinError::count_too_large);
  // 65535 signatures of 65 bytes each cannot be in the few bytes that follow.
  bytes[sig_count_at + 2] = 0x00;
  bytes[sig_count_at + 3] = 0x00;
  auto truncated = coin::decode_transaction(bytes);
  REQUIRE(!truncated.ok());
  CHECK(truncated.error() == CoinError::truncated);
  CHECK(truncated.message().find("signatures count 65535") != std::string::npos);
  // A block claiming 4 billion transactions.
  coin::Bytes block = coin::encode(chain.next_block({chain.pay_bob()}));
  for (std::size_t i = 0; i < 4; ++i) block[coin::k_block_header_size + i] = 0xff;
  CHECK(coin::decode_block(block).error() == CoinError::count_too_large);
}

TEST_CASE("the decoder refuses bool bytes other than 0 and 1 and stops at the first fault") {
  const coin::Bytes bytes{0, 1, 2, 7, 7, 7, 7};
  coin::Decoder in(bytes);
  CHECK(in.boolean() == false);
  CHECK(in.boolean() == true);
  CHECK(in.boolean() == false);
  REQUIRE(!in.ok());
  CHECK(in.fault()->code == CoinError::invalid_bool);
  CHECK(in.u32() == 0);  // reads after a fault yield zero
  CHECK(in.finish().error() == CoinError::invalid_bool);

  const coin::Bytes three_bytes{1, 2, 3};
  coin::Decoder short_input(three_bytes);
  CHECK(short_input.u32() == 0);
  CHECK(short_input.finish().error() == CoinError::truncated);

  const coin::Bytes long_count{3, 0, 0, 0, 'a'};
  coin::Decoder empty_string(long_count);
  CHECK(empty_string.string(2, "name").empty());
  CHECK(empty_string.fault()->code == CoinError::count_too_large);
}

TEST_CASE("an unspent output cut or extended is refused") {
  test::ChainFixture chain;
  coin::Bytes bytes = coin::encode(chain.genesis_output());
  CHECK(coin::decode_ux_out(coin::ByteView(bytes.data(), bytes.size() - 1)).error() == CoinError::truncated);
  bytes.push_back(9);
  CHECK(coin::decode_ux_out(bytes).error() == CoinError::trailing_bytes);
}
