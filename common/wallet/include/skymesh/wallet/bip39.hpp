// BIP39 mnemonic phrases with the standard English word list (embedded at build time). Skycoin's
// deterministic wallets use the phrase's own bytes as the seed; BIP44 wallets use mnemonic_to_seed().
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet {

// The 2048 words, in order (word i encodes the 11-bit value i).
std::span<const std::string_view> bip39_english_words();

// A phrase of word_count words (12, 15, 18, 21 or 24) from libsodium's randombytes, with the BIP39 checksum.
// Errors: invalid_argument for another count.
Result<std::string> generate_mnemonic(std::size_t word_count = 12);

// The phrase for this entropy (16, 20, 24, 28 or 32 bytes); words separated by one space.
// Errors: invalid_argument for another length.
Result<std::string> mnemonic_from_entropy(cipher::ByteView entropy);

// Checks a phrase: words separated by single spaces, 12..24 words in steps of 3, each in the list, checksum
// right. Returns the entropy. Errors: invalid_mnemonic naming the first problem (word position, checksum).
Result<cipher::SecretBytes> mnemonic_to_entropy(std::string_view phrase);

// BIP39 seed: PBKDF2-HMAC-SHA512(phrase, "mnemonic" || passphrase, 2048 rounds), 64 bytes. Takes the phrase
// as given (callers validate it first when they mean to).
cipher::SecretBytes mnemonic_to_seed(std::string_view phrase, std::string_view passphrase);

}  // namespace skymesh::wallet
