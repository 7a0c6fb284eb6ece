// The files a consensus network of N block-making nodes shares (docs/deploy.md, "Four consensus nodes"), made
// once under a folder and kept after: the network file and genesis seed (as `skymesh genesis` makes them), one
// signing key per node (keys/node-I.secret, hex, mode 0600) and the trust file naming every node's public key,
// its consensus endpoint (PATTERN with {i} replaced by the node's index) and, optionally, the CurveZMQ key its
// consensus serverlet listens with. `skymesh consensus-network` runs it; the containers' entrypoint calls that.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "mesh_config.hpp"
#include "skymesh/bus/status.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {

struct ConsensusNetworkSpec {
  int nodes = 4;
  std::string endpoint_pattern = "tcp://consensus-{i}:7010";
  std::string bus_key;  // Z85 public key every node's consensus serverlet uses; empty: none
};

// var/keys/node-I.secret and var/trust.toml.
std::filesystem::path node_secret_file(const VarLayout& var, int index);
std::filesystem::path trust_file(const VarLayout& var);

// Writes whatever of the network is missing; `created` gets the files written. The trust file is written last,
// so its presence means the network is complete.
bus::Status write_consensus_network(const VarLayout& var, const MeshConfig& config, const ConsensusNetworkSpec& spec,
                                    std::vector<std::string>& created);

}  // namespace skymesh::launcher
