#include "probe.hpp"

#include <set>

#include "skymesh/proto/sys.capnp.h"

namespace skymesh::admin {

std::vector<ProbeResult> Prober::probe(const std::vector<Instance>& instances) {
  std::lock_guard lock(mutex_);
  std::set<std::string> listed;
  for (const auto& instance : instances) listed.insert(instance.record.instance);
  for (auto it = clients_.begin(); it != clients_.end();) {
    it = listed.count(it->first) ? std::next(it) : clients_.erase(it);
  }
  std::vector<ProbeResult> results(instances.size());
  std::vector<bus::RawFuture> futures;
  std::vector<size_t> asked;
  for (size_t i = 0; i < instances.size(); ++i) {
    const Instance& instance = instances[i];
    if (instance.health == proto::Health::DEAD || instance.health == proto::Health::GONE) {
      results[i].status = bus::Status(bus::ErrorCode::unavailable, "not live");
      continue;
    }
    auto it = clients_.find(instance.record.instance);
    if (it == clients_.end()) {
      std::string target;
      for (const auto& endpoint : instance.record.endpoints) {
        if (endpoint.rfind("inproc://", 0) == 0) continue;  // another process cannot use it
        target += (target.empty() ? "" : ",") + endpoint;
      }
      bus::ClientOptions options;
      options.server_public_key = instance.record.public_key;
      options.cache = false;
      auto client = target.empty() ? bus::Result<bus::Client>(bus::Status(bus::ErrorCode::unavailable, "no endpoint"))
                                   : bus::Client::connect(node_, target, options);
      if (!client.ok()) {
        results[i].status = client.status();
        continue;
      }
      it = clients_.emplace(instance.record.instance, std::move(client).value()).first;
    }
    futures.push_back(it->second.async_call_raw(
        "sys.stats", capnp::typeId<proto::Empty>(), [](capnp::AnyPointer::Builder p) { p.initAs<proto::Empty>(); },
        bus::CallOptions{timeout_}));
    asked.push_back(i);
  }
  auto answers = bus::wait_all(futures);
  for (size_t k = 0; k < asked.size(); ++k) {
    ProbeResult& result = results[asked[k]];
    if (answers[k].ok()) {
      result.stats = std::move(answers[k]).value();
    } else {
      result.status = answers[k].status();
    }
  }
  return results;
}

}  // namespace skymesh::admin
