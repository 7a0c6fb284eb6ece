// Everything of skymesh::coin in one include: Skycoin's binary encoding, transactions, unspent outputs, blocks,
// consensus rules and the in-memory ledger. See docs/chain.md.
#pragma once

#include "skymesh/coin/block.hpp"
#include "skymesh/coin/encoding.hpp"
#include "skymesh/coin/error.hpp"
#include "skymesh/coin/ledger.hpp"
#include "skymesh/coin/params.hpp"
#include "skymesh/coin/rules.hpp"
#include "skymesh/coin/signers.hpp"
#include "skymesh/coin/transaction.hpp"
#include "skymesh/coin/unspent.hpp"
#include "skymesh/coin/ux_out.hpp"
