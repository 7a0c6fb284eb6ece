// Base58 with the Bitcoin alphabet, as Skycoin addresses and BIP32 extended keys use it: each leading zero byte
// is one leading '1'. Decoding refuses the empty string and any character outside the alphabet.
#pragma once

#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"

namespace skymesh::cipher {

std::string base58_encode(ByteView bytes);
Outcome<Bytes> try_base58_decode(std::string_view text);
Bytes base58_decode(std::string_view text);

}  // namespace skymesh::cipher
