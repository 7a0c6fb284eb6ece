// `skymesh-chain --data DIR [--genesis FILE] --import FILE`: imports a Skycoin node-API blocks file into the store
// and exits instead of serving. Prints `progress SEQ` every 100 written blocks and finally `head SEQ HASH`; on the
// first failing block prints `error: block SEQ (HASH): CODE NAME: detail` to stderr and returns 1.
#pragma once

#include "skymesh/bus/serverlet.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::chain {

int run_import(const cipher::Secp256k1& ctx, const bus::ServerletOptions& options);

}  // namespace skymesh::chain
