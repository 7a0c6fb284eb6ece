// cipher-diff: differential check of skymesh_cipher against OpenSSL's libcrypto on secp256k1.
//   cipher-diff --count N --seed S [--threads T]
// For N secret keys derived from S (plus the edge keys 1, 2, n-2, n-1): both sides derive the same public key;
// a signature by each verifies with the other (OpenSSL's S normalised to low S, its recovery id found by
// trying recovery); a corrupted signature (one bit of r||s flipped) and a wrong digest are refused by both.
// Prints counts and every mismatch with its inputs in hex; exits 1 on any mismatch. Last line: one JSON object.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "openssl_ecdsa.hpp"
#include "skymesh/cipher/cipher.hpp"

namespace {

using namespace skymesh::cipher;
using skymesh::tools::Bytes32;
using skymesh::tools::CompactSig;
using skymesh::tools::OpensslSecp256k1;

struct Options {
  uint64_t count = 1000;
  std::string seed = "1";
  unsigned threads = 0;  // 0: one per core
};

struct Counts {
  std::atomic<uint64_t> keys{0};
  std::atomic<uint64_t> pubkey_agree{0};
  std::atomic<uint64_t> lib_sig_openssl_ok{0};
  std::atomic<uint64_t> openssl_sig_lib_ok{0};
  std::atomic<uint64_t> corrupt_rejected_both{0};
  std::atomic<uint64_t> wrong_digest_rejected_both{0};
  std::atomic<uint64_t> mismatches{0};
};

class Reporter {
 public:
  void mismatch(Counts& counts, std::string_view what, const SecretKey& secret, const Sha256& digest,
                std::string_view detail) {
    counts.mismatches.fetch_add(1);
    std::lock_guard lock(mutex_);
    std::printf("MISMATCH %.*s secret=%s digest=%s %.*s\n", static_cast<int>(what.size()), what.data(),
                secret.hex().c_str(), digest.hex().c_str(), static_cast<int>(detail.size()), detail.data());
  }

 private:
  std::mutex mutex_;
};

// Key i of the run: SHA-256 over (seed, i, attempt) until it is a valid scalar.
SecretKey derived_secret(const std::string& seed, uint64_t index) {
  for (uint64_t attempt = 0;; ++attempt) {
    std::string material = "cipher-diff/" + seed + "/" + std::to_string(index) + "/" + std::to_string(attempt);
    Sha256 candidate = sha256(as_bytes(material));
    if (auto key = SecretKey::try_from_bytes(candidate.view())) return key.value();
  }
}

std::vector<SecretKey> edge_secrets() {
  return {SecretKey::from_hex("0000000000000000000000000000000000000000000000000000000000000001"),
          SecretKey::from_hex("0000000000000000000000000000000000000000000000000000000000000002"),
          SecretKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036413f"),
          SecretKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")};
}

Bytes32 to32(ByteView bytes) {
  Bytes32 out{};
  std::memcpy(out.data(), bytes.data(), out.size());
  return out;
}

CompactSig compact_of(const Signature& sig) {
  CompactSig out{};
  std::memcpy(out.data(), sig.data(), out.size());
  return out;
}

// Finds the recovery id that makes r||s recover pub; nullopt when none does.
std::optional<Signature> with_recovery_id(const Secp256k1& ctx, const CompactSig& rs, const Sha256& digest,
                                          const PublicKey& pub) {
  Signature sig;
  std::memcpy(sig.data(), rs.data(), rs.size());
  for (uint8_t recid = 0; recid < 4; ++recid) {
    sig.data()[64] = recid;
    auto recovered = recover_public_key(ctx, sig, digest);
    if (recovered.ok() && recovered.value() == pub) return sig;
  }
  return std::nullopt;
}

void check_key(const Secp256k1& ctx, OpensslSecp256k1& ossl, const SecretKey& secret, uint64_t index, Counts& counts,
               Reporter& report) {
  counts.keys.fetch_add(1);
  Sha256 digest = sha256(secret.view(), as_bytes("digest/" + std::to_string(index)));
  PublicKey pub = public_key_from_secret(ctx, secret);
  Bytes32 secret32 = to32(secret.view());
  auto ossl_pub = ossl.public_key(secret32);
  if (std::memcmp(ossl_pub.data(), pub.data(), pub.size()) != 0) {
    report.mismatch(counts, "pubkey", secret, digest, "lib=" + pub.hex() + " openssl=" + to_hex(ossl_pub));
    return;
  }
  counts.pubkey_agree.fetch_add(1);
  if (!ossl.load_key(secret32, ossl_pub)) {
    report.mismatch(counts, "openssl_load_key", secret, digest, "");
    return;
  }
  Bytes32 digest32 = to32(digest.view());

  // Ours, checked by OpenSSL.
  Signature ours = sign(ctx, digest, secret);
  bool ours_ok = verify(ctx, pub, ours, digest).ok();
  if (ours_ok && ossl.verify(compact_of(ours), digest32)) {
    counts.lib_sig_openssl_ok.fetch_add(1);
  } else {
    report.mismatch(counts, "lib_sig", secret, digest, "sig=" + ours.hex() + (ours_ok ? "" : " (lib refuses own)"));
  }

  // OpenSSL's, checked by us after normalising S and finding the recovery id.
  auto theirs = ossl.sign(digest32);
  std::optional<Signature> converted;
  if (theirs) converted = with_recovery_id(ctx, ossl.normalize_low_s(*theirs), digest, pub);
  if (converted && verify(ctx, pub, *converted, digest).ok()) {
    counts.openssl_sig_lib_ok.fetch_add(1);
  } else {
    report.mismatch(counts, "openssl_sig", secret, digest, theirs ? "rs=" + to_hex(*theirs) : "openssl sign failed");
  }

  // One flipped bit of r||s, chosen by the digest, must be refused by both.
  std::size_t bit = (static_cast<std::size_t>(digest.data()[0]) << 8 | digest.data()[1]) % 512;
  Signature corrupt = ours;
  corrupt.data()[bit / 8] ^= static_cast<uint8_t>(0x80u >> (bit % 8));
  bool lib_accepts = verify(ctx, pub, corrupt, digest).ok();
  bool ossl_accepts = ossl.verify(compact_of(corrupt), digest32);
  if (!lib_accepts && !ossl_accepts) {
    counts.corrupt_rejected_both.fetch_add(1);
  } else {
    report.mismatch(counts, "corrupt_accepted", secret, digest,
                    "sig=" + corrupt.hex() + " lib=" + (lib_accepts ? "accept" : "reject") +
                        " openssl=" + (ossl_accepts ? "accept" : "reject"));
  }

  // The right signature over another digest must be refused by both.
  Sha256 other = sha256(digest.view());
  lib_accepts = verify(ctx, pub, ours, other).ok();
  ossl_accepts = ossl.verify(compact_of(ours), to32(other.view()));
  if (!lib_accepts && !ossl_accepts) {
    counts.wrong_digest_rejected_both.fetch_add(1);
  } else {
    report.mismatch(counts, "wrong_digest_accepted", secret, other, "sig=" + ours.hex());
  }
}

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    if (arg == "--count") {
      options.count = std::strtoull(value, nullptr, 10);
    } else if (arg == "--seed") {
      options.seed = value;
    } else if (arg == "--threads") {
      options.threads = static_cast<unsigned>(std::strtoul(value, nullptr, 10));
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr, "usage: %s --count N --seed S [--threads T]\n", argv[0]);
    return 2;
  }
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  auto start = std::chrono::steady_clock::now();

  Secp256k1 ctx;
  Counts counts;
  Reporter report;
  {
    OpensslSecp256k1 ossl;
    uint64_t index = 0;
    for (const SecretKey& secret : edge_secrets()) check_key(ctx, ossl, secret, index++, counts, report);
  }
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      OpensslSecp256k1 ossl;
      for (uint64_t i = t; i < options.count; i += threads) {
        check_key(ctx, ossl, derived_secret(options.seed, i), i, counts, report);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("keys checked:                   %llu (%llu derived from seed \"%s\" + 4 edge keys)\n",
              static_cast<unsigned long long>(counts.keys.load()), static_cast<unsigned long long>(options.count),
              options.seed.c_str());
  std::printf("public keys agree:              %llu\n", static_cast<unsigned long long>(counts.pubkey_agree.load()));
  std::printf("lib signatures OpenSSL accepts: %llu\n",
              static_cast<unsigned long long>(counts.lib_sig_openssl_ok.load()));
  std::printf("OpenSSL signatures lib accepts: %llu\n",
              static_cast<unsigned long long>(counts.openssl_sig_lib_ok.load()));
  std::printf("corrupted refused by both:      %llu\n",
              static_cast<unsigned long long>(counts.corrupt_rejected_both.load()));
  std::printf("wrong digest refused by both:   %llu\n",
              static_cast<unsigned long long>(counts.wrong_digest_rejected_both.load()));
  std::printf("mismatches:                     %llu\n", static_cast<unsigned long long>(counts.mismatches.load()));
  std::printf(
      "{\"tool\":\"cipher-diff\",\"seed\":\"%s\",\"threads\":%u,\"keys\":%llu,\"pubkey_agree\":%llu,"
      "\"lib_sig_openssl_ok\":%llu,\"openssl_sig_lib_ok\":%llu,\"corrupt_rejected_both\":%llu,"
      "\"wrong_digest_rejected_both\":%llu,\"mismatches\":%llu,\"seconds\":%.2f}\n",
      options.seed.c_str(), threads, static_cast<unsigned long long>(counts.keys.load()),
      static_cast<unsigned long long>(counts.pubkey_agree.load()),
      static_cast<unsigned long long>(counts.lib_sig_openssl_ok.load()),
      static_cast<unsigned long long>(counts.openssl_sig_lib_ok.load()),
      static_cast<unsigned long long>(counts.corrupt_rejected_both.load()),
      static_cast<unsigned long long>(counts.wrong_digest_rejected_both.load()),
      static_cast<unsigned long long>(counts.mismatches.load()), seconds);
  return counts.mismatches.load() == 0 ? 0 : 1;
}
