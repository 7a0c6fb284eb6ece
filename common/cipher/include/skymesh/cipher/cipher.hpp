// Everything of skymesh::cipher in one include: Skycoin-compatible hashes, keys, signatures, addresses,
// deterministic and BIP32 key derivation. See docs/crypto.md.
#pragma once

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/base58.hpp"
#include "skymesh/cipher/bip32.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/deterministic.hpp"
#include "skymesh/cipher/error.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/cipher/signature.hpp"
