# Messages of the wallet serverlet (services/wallet): Skycoin wallet files kept under --data, and payments built,
# signed and handed to the chain serverlet (proto/chain.capnp). A wallet's id is its file name ("2026_11_27_ab12.wlt").
# Amounts people type travel as decimal Text ("1.5" SKY); amounts the chain reports as droplets (10^6 per SKY,
# 64-bit integers are strings in JSON). Requests carrying a password or a seed are never cached (PER_REQUEST).
@0xb36460f6af36fe64;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");
using Json = import "/capnp/compat/json.capnp";

# wallet.create: a deterministic wallet on `seed` (a 12-word BIP39 phrase is generated when it is empty; it is
# returned once, in this reply, and never again without the password). With `encrypt` the secrets are locked
# with `password` (`cryptoType` "scrypt-chacha20poly1305", the default, or "scrypt-chacha20poly1305-insecure").
struct WalletCreateRequest {
  label @0 :Text;
  seed @1 :Text;
  encrypt @2 :Bool;
  password @3 :Text;
  addresses @4 :UInt32;   # how many addresses to derive now; 0 means 1
  cryptoType @5 :Text;
}

struct WalletCreateReply {
  id @0 :Text;
  addresses @1 :List(Text);
  seed @2 :Text;          # only when the serverlet generated it
}

struct WalletInfo {
  id @0 :Text;
  label @1 :Text;
  type @2 :Text;          # deterministic, collection, bip44
  encrypted @3 :Bool;
  addresses @4 :UInt32;
  cryptoType @5 :Text;
}

# wallet.list
struct WalletListRequest {}

struct WalletListReply {
  wallets @0 :List(WalletInfo);
}

# wallet.addresses: the wallet's addresses after deriving `count` new ones (0: none); an encrypted wallet needs
# its password to derive.
struct WalletAddressesRequest {
  id @0 :Text;
  count @1 :UInt32;
  password @2 :Text;
}

struct WalletAddressesReply {
  addresses @0 :List(Text);
  created @1 :List(Text);  # the ones this call derived
}

# wallet.encrypt, wallet.decrypt and wallet.seed take the wallet and its (new, for encrypt) password. Decrypt
# and seed answer unauthorized for a wrong password.
struct WalletPasswordRequest {
  id @0 :Text;
  password @1 :Text;
  cryptoType @2 :Text;   # wallet.encrypt only; as in WalletCreateRequest
}

struct WalletSeedReply {
  seed @0 :Text;
}

# wallet.balance, wallet.outputs, wallet.history
struct WalletIdRequest {
  id @0 :Text;
}

struct WalletBalanceReply {
  headSeq @0 :UInt64;
  coins @1 :Text;        # decimal SKY
  droplets @2 :UInt64;
  hours @3 :UInt64;      # at the head block's time
  outputs @4 :UInt32;
}

struct WalletOutput {
  id @0 :Data $Json.hex;
  address @1 :Text;
  coins @2 :Text;
  droplets @3 :UInt64;
  hours @4 :UInt64;       # at the head block's time
  blockSeq @5 :UInt64;
  sourceTransaction @6 :Data $Json.hex;
}

struct WalletOutputsReply {
  headSeq @0 :UInt64;
  headTime @1 :UInt64;
  outputs @2 :List(WalletOutput);
}

# wallet.send: builds a payment (Skycoin's coin selection, change to the first address spent, 1/10 of the input
# hours burned at least, half the rest shared among recipients by coins), signs it and injects it with
# chain.inject. Refusals change nothing: bad_request (address, amount), failed_precondition (insufficient
# coins or hours, an encrypted wallet without password, the chain refused it), unauthorized (wrong password).
struct WalletRecipient {
  address @0 :Text;
  coins @1 :Text;         # decimal SKY, at most 3 decimals
}

struct WalletSendRequest {
  id @0 :Text;
  to @1 :List(WalletRecipient);
  password @2 :Text;
  changeAddress @3 :Text; # optional
}

struct WalletSendReply {
  transaction @0 :Data $Json.hex;  # its id
  fee @1 :UInt64;                   # coin hours burned
  inputs @2 :UInt32;
  raw @3 :Data $Json.hex;          # Skycoin's binary encoding
}

# wallet.history: every transaction that paid one of the wallet's addresses or spent one of its outputs, confirmed
# ones in chain order (from chain.history), then unconfirmed ones (chain.pool), then any this serverlet sent that
# the chain no longer knows (confirmed false, amounts 0). received - spent is the wallet's net change.
struct WalletHistoryEntry {
  transaction @0 :Data $Json.hex;
  sent @1 :Bool;           # sent from this wallet by this serverlet
  confirmed @2 :Bool;
  blockSeq @3 :UInt64;
  received @4 :UInt64;     # droplets of its outputs paid to the wallet's addresses (spent since or not)
  spent @5 :UInt64;        # droplets of the wallet's outputs it spent
  time @6 :UInt64;         # its block's time (0 when unconfirmed)
}

struct WalletHistoryReply {
  entries @0 :List(WalletHistoryEntry);
}
