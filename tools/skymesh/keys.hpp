// CurveZMQ keys of a local mesh. The first `up` creates them; later runs keep them, so clients that saved a
// serverlet's public key keep working.
#pragma once

#include <string>
#include <vector>

#include "mesh_config.hpp"
#include "skymesh/bus/status.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {

// Creates keys/<name>.key for every enabled serverlet with curve on, and keys/client.key (meshctl's and
// `skymesh status`'s key pair), each only when missing. Then rewrites keys/allow: the client's public key and
// every serverlet's, so serverlets admit meshctl and each other, and keys/<name>.pub (the public key alone: what
// clients of that serverlet are given). `created` receives the key pairs it made.
// Errors: a key file that exists but does not load (named), or a file that cannot be written.
bus::Status ensure_keys(const VarLayout& var, const MeshConfig& config, std::vector<std::string>& created);

}  // namespace skymesh::launcher
