// skymesh-consensus: decides each next block of its chain with the other trusted block-making nodes
// (docs/consensus.md, "The serverlet").
//   skymesh-consensus --data DIR --chain ENDPOINT --secret FILE --trust FILE [--chain-key Z85] [timeouts] ...
#include <memory>

#include "consensus_service.hpp"
#include "settings.hpp"
#include "skymesh/bus/serverlet.hpp"

int main(int argc, char** argv) {
  using namespace skymesh;
  const bus::ServerletSpec spec{"consensus", "multi-round voting among trusted nodes that decides every block",
                                consensus_service::settings_flags()};
  const cipher::Secp256k1 ctx;
  return bus::run_serverlet(argc, argv, spec, [&ctx](bus::Node& node, const bus::ServerletOptions& options) {
    auto settings = consensus_service::read_settings(ctx, options);
    if (!settings.ok()) return settings.status();
    auto service = std::make_shared<consensus_service::ConsensusService>(node, ctx, std::move(settings).value());
    node.hold(service);
    return service->attach();
  });
}
