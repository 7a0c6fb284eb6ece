#include "lmdb_env.hpp"

namespace skymesh::chain {

void check_mdb(int rc, std::string_view what) {
  if (rc != MDB_SUCCESS) throw StoreError("chain store: " + std::string(what) + ": " + mdb_strerror(rc));
}

SeqKey seq_key(uint64_t seq) {
  SeqKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seq >> (8 * (7 - i)));
  return key;
}

uint64_t read_seq(cipher::ByteView bytes) {
  if (bytes.size() != 8) throw StoreError("chain store: a stored seq is " + std::to_string(bytes.size()) + " bytes");
  uint64_t seq = 0;
  for (uint8_t b : bytes) seq = (seq << 8) | b;
  return seq;
}

}  // namespace skymesh::chain
