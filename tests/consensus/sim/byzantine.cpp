// Faulty behaviours: what a faulty node sends instead of its machine's honest broadcast. Faulty nodes sign with
// their own key through the real signing code; they just sign more than one thing, or stay quiet, or repeat.
#include "../consensus_fixture.hpp"
#include "simulator.hpp"
#include "skymesh/consensus/signing.hpp"

namespace skymesh::consensus::sim {

std::vector<std::pair<std::size_t, Message>> Simulator::faulty_sends(std::size_t from, const Message& message) {
  Node& node = *nodes_[from];
  const cipher::KeyPair& key = keys_.at(node.spec.key);
  std::vector<std::pair<std::size_t, Message>> out;
  for (std::size_t to = 0; to < nodes_.size(); ++to) {
    if (to == from) continue;
    Message sent = message;
    switch (node.spec.behaviour) {
      case Behaviour::equivocating_proposer:
        // Odd peers get a second, different (and valid) block for the same round; peer 0 gets both.
        if (const auto* p = std::get_if<Proposal>(&message); p != nullptr && (to % 2 == 1 || to == 0)) {
          Proposal other =
              sign_proposal(test::context(), config_.chain_id, p->height, p->round,
                            make_block(p->height, static_cast<uint32_t>(node.spec.key), 1'000'000 + p->round),
                            p->valid_round, key.secret_key);
          if (to == 0)
            out.emplace_back(to, std::move(other));
          else
            sent = std::move(other);
        }
        break;
      case Behaviour::double_voter:
        // Even peers get the opposite vote (nil for a block, a block of its own for nil); the next peer gets both.
        if (const auto* v = std::get_if<Vote>(&message); v != nullptr && (to % 2 == 0 || to == (from + 1) % size())) {
          const BlockHash other = v->is_nil() ? cipher::sha256(make_block(v->height, 99, rng_.next())) : BlockHash{};
          Vote opposite = sign_vote(test::context(), config_.chain_id, v->kind, v->height, v->round, other, key);
          if (to % 2 == 0) {
            sent = std::move(opposite);
          } else {
            out.emplace_back(to, std::move(opposite));
          }
        }
        break;
      case Behaviour::silent_proposer:
        if (std::holds_alternative<Proposal>(message)) continue;
        break;
      case Behaviour::flooder:
        // Each message several times, old messages replayed, garbage, and votes for far rounds.
        for (int copy = 0; copy < 3; ++copy) out.emplace_back(to, message);
        if (const auto* v = std::get_if<Vote>(&message)) {
          out.emplace_back(to, sign_vote(test::context(), config_.chain_id, v->kind, v->height,
                                         v->round + 1 + static_cast<uint32_t>(rng_.below(2000)), BlockHash{}, key));
        }
        break;
      case Behaviour::honest:
        break;
    }
    out.emplace_back(to, std::move(sent));
  }
  if (node.spec.behaviour == Behaviour::flooder) {
    for (int k = 0; k < 4 && !node.received.empty(); ++k) {
      const Bytes& old = node.received[rng_.below(node.received.size())];
      auto decoded = decode_message(test::context(), old);
      if (decoded) out.emplace_back(rng_.below(nodes_.size()), std::move(decoded).value());
    }
  }
  return out;
}

}  // namespace skymesh::consensus::sim
