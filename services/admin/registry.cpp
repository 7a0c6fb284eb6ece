#include "registry.hpp"

#include <algorithm>

namespace skymesh::admin {

Record record_from(proto::ServiceRecord::Reader reader) {
  Record record;
  record.name = reader.getName();
  record.instance = reader.getInstance();
  record.host = reader.getHost();
  record.version = reader.getVersion();
  record.public_key = reader.getPublicKey();
  for (auto endpoint : reader.getEndpoints()) record.endpoints.emplace_back(endpoint);
  record.pid = reader.getPid();
  record.started_ms = reader.getStartedMs();
  return record;
}

void fill_record(const Record& record, proto::ServiceRecord::Builder builder) {
  builder.setName(record.name);
  builder.setInstance(record.instance);
  builder.setHost(record.host);
  builder.setVersion(record.version);
  builder.setPublicKey(record.public_key);
  auto endpoints = builder.initEndpoints(static_cast<unsigned>(record.endpoints.size()));
  for (unsigned i = 0; i < record.endpoints.size(); ++i) endpoints.set(i, record.endpoints[i]);
  builder.setPid(record.pid);
  builder.setStartedMs(record.started_ms);
}

std::vector<Change> Registry::heartbeat(const Record& record, bool draining, Clock::time_point now,
                                        proto::Command& command) {
  std::vector<Change> changes;
  command = proto::Command::NONE;
  auto [it, inserted] = instances_.try_emplace(record.instance);
  Instance& entry = it->second;
  const proto::Health before = entry.health;
  const bool endpoints_changed = !inserted && entry.record.endpoints != record.endpoints;
  entry.record = record;
  entry.last_seen = now;
  const proto::Health after = draining ? proto::Health::DRAINING : proto::Health::LIVE;
  if (inserted) {
    entry.health = after;
    entry.changed = now;
    changes.push_back({record, "registered", draining ? "draining" : ""});
    ++generation_;
  } else if (before != after) {
    entry.health = after;
    entry.changed = now;
    const bool was_away = before == proto::Health::DEAD || before == proto::Health::GONE;
    changes.push_back({record, after == proto::Health::DRAINING ? "draining" : was_away ? "back" : "live", ""});
    ++generation_;
  } else if (endpoints_changed) {
    ++generation_;
  }
  if (entry.pending != proto::Command::NONE) {
    command = entry.pending;
    entry.pending = proto::Command::NONE;
  }
  return changes;
}

std::optional<Change> Registry::deregister(const std::string& instance, Clock::time_point now) {
  auto it = instances_.find(instance);
  if (it == instances_.end()) return std::nullopt;
  Instance& entry = it->second;
  if (entry.health != proto::Health::GONE) {
    entry.health = proto::Health::GONE;
    entry.changed = now;
    ++generation_;
  }
  return Change{entry.record, "gone", "deregistered"};
}

std::vector<Change> Registry::expire(Clock::time_point now) {
  std::vector<Change> changes;
  for (auto it = instances_.begin(); it != instances_.end();) {
    Instance& entry = it->second;
    const bool away = entry.health == proto::Health::DEAD || entry.health == proto::Health::GONE;
    if (away && now - entry.changed > options_.keep_after_death) {
      it = instances_.erase(it);
      continue;
    }
    if (!away && now - entry.last_seen > options_.lease) {
      entry.health = proto::Health::DEAD;
      entry.changed = now;
      entry.pending = proto::Command::NONE;
      ++generation_;
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - entry.last_seen).count();
      changes.push_back({entry.record, "dead", "no heartbeat for " + std::to_string(silent) + " ms"});
    }
    ++it;
  }
  return changes;
}

bool Registry::command(const std::string& instance, proto::Command command) {
  auto it = instances_.find(instance);
  if (it == instances_.end()) return false;
  if (it->second.health != proto::Health::LIVE && it->second.health != proto::Health::DRAINING) return false;
  it->second.pending = command;
  return true;
}

std::vector<const Instance*> Registry::list(const std::string& name) const {
  std::vector<const Instance*> out;
  for (const auto& [key, entry] : instances_) {
    if (name.empty() || entry.record.name == name) out.push_back(&entry);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Instance* a, const Instance* b) { return a->record.name < b->record.name; });
  return out;
}

std::vector<const Instance*> Registry::live(const std::string& name) const {
  std::vector<const Instance*> out;
  for (const auto* entry : list(name)) {
    if (entry->health == proto::Health::LIVE) out.push_back(entry);
  }
  return out;
}

}  // namespace skymesh::admin
