// Skycoin's binary encoding: the hasEveryType golden struct of skycoin's encoder tests, and round trips of every
// coin value (transaction, unspent output, header, block, signed block).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>

#include "chain_fixture.hpp"
#include "vectors.hpp"

using namespace skymesh;

namespace {

coin::Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return coin::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

constexpr int64_t k_max_i64 = std::numeric_limits<int64_t>::max();

}  // namespace

TEST_CASE("skycoin's hasEveryType struct encodes to its golden bytes and decodes back") {
  SKYMESH_REQUIRE_VECTORS(dir);
  const coin::Bytes golden = read_file(dir / "encoder" / "encode-every-type.golden");
  REQUIRE(golden.size() == 134);

  coin::Encoder out;
  out.i8(-127);                                  // A int8
  out.i16(std::numeric_limits<int16_t>::max());  // B int16
  out.i32(std::numeric_limits<int32_t>::max());  // C int32
  out.i64(k_max_i64);                            // D int64
  out.u8(128);                                   // E uint8
  out.u16(32768);                                // F uint16
  out.u32(2147483648u);                          // G uint32
  out.u64(9223372036854775808ull);               // H uint64
  out.boolean(true);                             // I bool
  out.u8(128);                                   // J byte
  out.string("foo");                             // K string
  out.bytes(cipher::as_bytes("bar"));            // L []byte
  out.count(3);                                  // M []int64
  for (int64_t v : {k_max_i64, k_max_i64 / 2, int64_t{-10000}}) out.i64(v);
  out.raw(cipher::as_bytes("baz"));                                          // N [3]byte
  for (int64_t v : {k_max_i64, k_max_i64 / 2, int64_t{-10000}}) out.i64(v);  // O [3]int64
  out.i8(-127);                                                              // P.A int8
  out.u16(65535);                                                            // P.B uint16
  out.count(1);                                                              // Q map[string]string{"foo": "bar"}
  out.string("foo");
  out.string("bar");
  out.f32(123.45f);  // R float32
  out.f64(123.45);   // S float64
  CHECK(out.data() == golden);

  coin::Decoder in(golden);
  CHECK(in.i8() == -127);
  CHECK(in.i16() == 32767);
  CHECK(in.i32() == 2147483647);
  CHECK(in.i64() == k_max_i64);
  CHECK(in.u8() == 128);
  CHECK(in.u16() == 32768);
  CHECK(in.u32() == 2147483648u);
  CHECK(in.u64() == 9223372036854775808ull);
  CHECK(in.boolean());
  CHECK(in.u8() == 128);
  CHECK(in.string(100, "K") == "foo");
  CHECK(in.bytes(100, "L") == coin::Bytes{'b', 'a', 'r'});
  REQUIRE(in.count(100, 8, "M") == 3);
  CHECK(in.i64() == k_max_i64);
  CHECK(in.i64() == k_max_i64 / 2);
  CHECK(in.i64() == -10000);
  std::array<uint8_t, 3> n{};
  in.raw(n, "N");
  CHECK(n == std::array<uint8_t, 3>{'b', 'a', 'z'});
  for (int i = 0; i < 3; ++i) (void)in.i64();
  CHECK(in.i8() == -127);
  CHECK(in.u16() == 65535);
  REQUIRE(in.count(100, 8, "Q") == 1);
  CHECK(in.string(100, "Q key") == "foo");
  CHECK(in.string(100, "Q value") == "bar");
  CHECK(in.f32() == 123.45f);
  CHECK(in.f64() == 123.45);
  CHECK(in.finish().ok());
}

TEST_CASE("integers are little-endian and bools are one byte") {
  coin::Encoder out;
  out.u32(0x01020304);
  out.u64(0x0102030405060708ull);
  out.boolean(false);
  out.boolean(true);
  CHECK(out.data() == coin::Bytes{4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1});
}

TEST_CASE("transactions, unspent outputs, headers, blocks and signed blocks round-trip through their encodings") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  const coin::Bytes tx_bytes = coin::encode(tx);
  CHECK(tx_bytes.size() == coin::encoded_size(tx));
  CHECK(tx_bytes.size() == tx.length);
  CHECK(coin::decode_transaction(tx_bytes).value() == tx);

  const coin::UxOut ux = chain.genesis_output();
  CHECK(coin::encode(ux).size() == 16 + 32 + 21 + 16);
  CHECK(coin::decode_ux_out(coin::encode(ux)).value() == ux);

  const coin::Block block = chain.next_block({tx});
  CHECK(coin::encode(block.header).size() == coin::k_block_header_size);
  CHECK(coin::decode_block_header(coin::encode(block.header)).value() == block.header);
  CHECK(coin::decode_block(coin::encode(block)).value() == block);

  const coin::SignedBlock signed_block = coin::sign_block(chain.ctx, block, chain.alice);
  const coin::Bytes signed_bytes = coin::encode(signed_block);
  CHECK(signed_bytes.size() == coin::encode(block).size() + 65);
  CHECK(coin::decode_signed_block(signed_bytes).value() == signed_block);
}

TEST_CASE("a transaction's id, inner hash and output ids follow its fields") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  const coin::Sha256 id = coin::transaction_id(tx);
  CHECK(id == cipher::sha256(coin::encode(tx)));
  CHECK(coin::compute_inner_hash(tx) == tx.inner_hash);
  const coin::Sha256 first_output = coin::output_id(id, tx.outputs[0]);
  tx.outputs[0].hours += 1;
  CHECK(coin::compute_inner_hash(tx) != tx.inner_hash);
  CHECK(coin::transaction_id(tx) != id);
  CHECK(coin::output_id(id, tx.outputs[0]) != first_output);
  // Signatures are outside the inner hash but inside the id.
  coin::Transaction resigned = chain.pay_bob();
  resigned.sigs[0].bytes()[0] ^= 1;
  CHECK(coin::compute_inner_hash(resigned) == resigned.inner_hash);
  CHECK(coin::transaction_id(resigned) != coin::transaction_id(chain.pay_bob()));
}

TEST_CASE("droplets print as Skycoin's API prints coins") {
  CHECK(coin::format_droplets(0) == "0.000000");
  CHECK(coin::format_droplets(1) == "0.000001");
  CHECK(coin::format_droplets(coin::k_max_droplet_supply) == "100000000.000000");
  CHECK(coin::format_droplets(1'234'567) == "1.234567");
}
