#include "wallet_service.hpp"

#include <utility>

#include "password_copy.hpp"
#include "skymesh/wallet/bip39.hpp"
#include "wallet_status.hpp"

namespace skymesh::wallet_service {
namespace {

bus::Status bad_field(const std::string& field, const std::string& why) {
  return bus::Status(bus::ErrorCode::bad_request, field + ": " + why);
}

// "" means Skycoin's default.
wallet::Result<wallet::CryptoType> crypto_type_of(capnp::Text::Reader text) {
  if (text.size() == 0) return wallet::CryptoType::scrypt_chacha20poly1305;
  auto type = wallet::parse_crypto_type(text.cStr());
  if (type.ok() && type.value() == wallet::CryptoType::sha256_xor) {
    return wallet::WalletFault{wallet::WalletError::unsupported_crypto_type, "sha256-xor is read, never written"};
  }
  return type;
}

void fill_addresses(capnp::List<capnp::Text>::Builder out, const std::vector<cipher::Address>& addresses) {
  for (unsigned i = 0; i < addresses.size(); ++i) out.set(i, addresses[i].to_base58());
}

}  // namespace

void fill_info(proto::WalletInfo::Builder out, const wallet::Wallet& wallet) {
  out.setId(wallet.filename());
  out.setLabel(wallet.label());
  out.setType(std::string(wallet::wallet_type_name(wallet.type())));
  out.setEncrypted(wallet.is_encrypted());
  out.setAddresses(static_cast<uint32_t>(wallet.entries().size()));
  if (auto type = wallet.crypto_type(); type && wallet.is_encrypted()) {
    out.setCryptoType(std::string(wallet::crypto_type_name(*type)));
  }
}

WalletService::WalletService(bus::Node& node, const cipher::Secp256k1& ctx, WalletStore& store,
                             bus::WorkerPool& workers, std::optional<bus::Client> chain)
    : node_(node), ctx_(ctx), store_(store), workers_(workers), chain_(std::move(chain)) {}

WalletService::WalletGuard WalletService::guard_wallet(const std::string& id) {
  std::erase_if(wallet_mutexes_, [](const auto& entry) { return entry.second.expired(); });
  std::weak_ptr<boost::fibers::mutex>& slot = wallet_mutexes_[id];
  std::shared_ptr<boost::fibers::mutex> mutex = slot.lock();
  if (!mutex) {
    mutex = std::make_shared<boost::fibers::mutex>();
    slot = mutex;
  }
  std::unique_lock<boost::fibers::mutex> lock(*mutex);
  return WalletGuard{std::move(mutex), std::move(lock)};
}

bus::Status WalletService::attach() {
  using namespace proto;
  node_.handle<WalletCreateRequest, WalletCreateReply>("wallet.create", this, &WalletService::create);
  node_.handle<WalletListRequest, WalletListReply>("wallet.list", this, &WalletService::list);
  node_.handle<WalletAddressesRequest, WalletAddressesReply>("wallet.addresses", this, &WalletService::addresses);
  node_.handle<WalletPasswordRequest, WalletInfo>("wallet.encrypt", this, &WalletService::encrypt);
  node_.handle<WalletPasswordRequest, WalletInfo>("wallet.decrypt", this, &WalletService::decrypt);
  node_.handle<WalletPasswordRequest, WalletSeedReply>("wallet.seed", this, &WalletService::seed);
  node_.handle<WalletIdRequest, WalletBalanceReply>("wallet.balance", this, &WalletService::balance);
  node_.handle<WalletIdRequest, WalletOutputsReply>("wallet.outputs", this, &WalletService::outputs);
  node_.handle<WalletSendRequest, WalletSendReply>("wallet.send", this, &WalletService::send);
  node_.handle<WalletIdRequest, WalletHistoryReply>("wallet.history", this, &WalletService::history);
  return bus::Status();
}

bus::Status WalletService::create(proto::WalletCreateRequest::Reader request, proto::WalletCreateReply::Builder reply) {
  const uint32_t count = request.getAddresses() == 0 ? 1 : request.getAddresses();
  if (count > 1000) return bad_field("addresses", "at most 1000 at creation, got " + std::to_string(count));
  if (request.getEncrypt() && request.getPassword().size() == 0) {
    return bad_field("password", "encrypt needs a non-empty password");
  }
  if (!request.getEncrypt() && request.getPassword().size() != 0) {
    return bad_field("password", "given without encrypt: set encrypt true, or leave the password out");
  }
  auto crypto_type = crypto_type_of(request.getCryptoType());
  if (!crypto_type.ok()) return to_status(crypto_type);
  std::string seed_text = request.getSeed().cStr();
  const bool generated = seed_text.empty();
  if (generated) {
    auto phrase = wallet::generate_mnemonic();
    if (!phrase.ok()) return to_status(phrase);
    seed_text = std::move(phrase).value();
  }
  const std::string id = store_.new_id();
  const WalletGuard guard = guard_wallet(id);  // a concurrent create that drew the same id waits, then sees it
  auto made = wallet::Wallet::create_deterministic(
      ctx_, seed_text, wallet::NewWalletOptions{.filename = id, .label = request.getLabel().cStr(), .timestamp = 0},
      count);
  if (!made.ok()) return to_status(made);
  wallet::Wallet w = std::move(made).value();
  if (request.getEncrypt()) {
    const PasswordCopy password(request.getPassword());
    auto locked = workers_.run([&w, &password, &crypto_type]() { return w.lock(password.get(), crypto_type.value()); });
    if (!locked.ok()) return to_status(locked);
  }
  if (store_.exists(id)) return bus::Status(bus::ErrorCode::unavailable, "wallet id " + id + " was taken; try again");
  if (auto saved = store_.save(w); !saved.ok()) return to_status(saved);
  reply.setId(id);
  fill_addresses(reply.initAddresses(static_cast<unsigned>(w.entries().size())), w.addresses());
  if (generated) reply.setSeed(seed_text);
  return bus::Status();
}

bus::Status WalletService::list(proto::WalletListRequest::Reader, proto::WalletListReply::Builder reply) {
  std::vector<wallet::Wallet> wallets;
  for (const std::string& id : store_.ids()) {
    auto w = store_.load(id);
    if (!w.ok()) {
      node_.logger().warn("wallet_unreadable", {{"id", id}, {"error", w.fault().to_string()}});
      continue;
    }
    wallets.push_back(std::move(w).value());
  }
  auto out = reply.initWallets(static_cast<unsigned>(wallets.size()));
  for (unsigned i = 0; i < wallets.size(); ++i) fill_info(out[i], wallets[i]);
  return bus::Status();
}

bus::Status WalletService::addresses(proto::WalletAddressesRequest::Reader request,
                                     proto::WalletAddressesReply::Builder reply) {
  if (request.getCount() > 1000) return bad_field("count", "at most 1000 new addresses a call");
  const std::string id = request.getId().cStr();
  const WalletGuard guard = guard_wallet(id);
  auto w = store_.load(id);
  if (!w.ok()) return to_status(w);
  std::vector<cipher::Address> created;
  if (request.getCount() > 0) {
    if (w->is_encrypted() && request.getPassword().size() == 0) {
      return bus::Status(bus::ErrorCode::failed_precondition,
                         "wallet_locked: the wallet is encrypted; new addresses need its password");
    }
    const PasswordCopy password(request.getPassword());
    const uint32_t count = request.getCount();
    auto made =
        workers_.run([this, &w, &password, count]() { return w->generate_addresses(ctx_, count, password.get()); });
    if (!made.ok()) return to_status(made);
    if (auto saved = store_.save(w.value()); !saved.ok()) return to_status(saved);
    created = std::move(made).value();
  }
  fill_addresses(reply.initAddresses(static_cast<unsigned>(w->entries().size())), w->addresses());
  fill_addresses(reply.initCreated(static_cast<unsigned>(created.size())), created);
  return bus::Status();
}

bus::Status WalletService::encrypt(proto::WalletPasswordRequest::Reader request, proto::WalletInfo::Builder reply) {
  auto crypto_type = crypto_type_of(request.getCryptoType());
  if (!crypto_type.ok()) return to_status(crypto_type);
  const std::string id = request.getId().cStr();
  const WalletGuard guard = guard_wallet(id);
  auto w = store_.load(id);
  if (!w.ok()) return to_status(w);
  const PasswordCopy password(request.getPassword());
  auto locked = workers_.run([&w, &password, &crypto_type]() { return w->lock(password.get(), crypto_type.value()); });
  if (!locked.ok()) return to_status(locked);
  if (auto saved = store_.save(w.value()); !saved.ok()) return to_status(saved);
  fill_info(reply, w.value());
  return bus::Status();
}

bus::Status WalletService::decrypt(proto::WalletPasswordRequest::Reader request, proto::WalletInfo::Builder reply) {
  const std::string id = request.getId().cStr();
  const WalletGuard guard = guard_wallet(id);
  auto w = store_.load(id);
  if (!w.ok()) return to_status(w);
  const PasswordCopy password(request.getPassword());
  auto open = workers_.run([this, &w, &password]() { return w->unlock(ctx_, password.get()); });
  if (!open.ok()) return to_status(open);
  if (auto saved = store_.save(open.value()); !saved.ok()) return to_status(saved);
  fill_info(reply, open.value());
  return bus::Status();
}

bus::Status WalletService::seed(proto::WalletPasswordRequest::Reader request, proto::WalletSeedReply::Builder reply) {
  auto w = store_.load(request.getId().cStr());
  if (!w.ok()) return to_status(w);
  if (!w->is_encrypted()) {
    return bus::Status(bus::ErrorCode::failed_precondition,
                       "not_encrypted: the seed is given only for an encrypted wallet, with its password");
  }
  const PasswordCopy password(request.getPassword());
  auto open = workers_.run([this, &w, &password]() { return w->unlock(ctx_, password.get()); });
  if (!open.ok()) return to_status(open);
  auto text = open->seed();
  if (!text.ok()) return to_status(text);
  reply.setSeed(text.value());
  return bus::Status();
}

}  // namespace skymesh::wallet_service
