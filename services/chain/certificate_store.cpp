#include "certificate_store.hpp"

#include "lmdb_env.hpp"

namespace skymesh::chain {

std::unique_ptr<CertificateStore> CertificateStore::open(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::unique_ptr<CertificateStore> store(new CertificateStore());
  check_mdb(mdb_env_create(&store->env_), "mdb_env_create (certificates)");
  check_mdb(mdb_env_set_mapsize(store->env_, size_t{1} << 32), "mdb_env_set_mapsize (certificates)");
  check_mdb(mdb_env_open(store->env_, dir.c_str(), MDB_NOTLS, 0644), "mdb_env_open (certificates)");
  MdbTxn txn(store->env_, true);
  check_mdb(mdb_dbi_open(txn.get(), nullptr, 0, &store->dbi_), "mdb_dbi_open (certificates)");
  txn.commit();
  return store;
}

CertificateStore::~CertificateStore() {
  if (env_ != nullptr) mdb_env_close(env_);
}

void CertificateStore::put(uint64_t seq, cipher::ByteView certificate) {
  MdbTxn txn(env_, true);
  const SeqKey key = seq_key(seq);
  MDB_val k = mdb_val(cipher::ByteView(key.data(), key.size()));
  MDB_val v = mdb_val(certificate);
  check_mdb(mdb_put(txn.get(), dbi_, &k, &v, 0), "mdb_put (certificate)");
  txn.commit();
}

std::optional<cipher::Bytes> CertificateStore::get(uint64_t seq) const {
  MdbTxn txn(env_, false);
  const SeqKey key = seq_key(seq);
  MDB_val k = mdb_val(cipher::ByteView(key.data(), key.size()));
  MDB_val v;
  const int rc = mdb_get(txn.get(), dbi_, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check_mdb(rc, "mdb_get (certificate)");
  const cipher::ByteView bytes = bytes_of(v);
  return cipher::Bytes(bytes.begin(), bytes.end());
}

}  // namespace skymesh::chain
