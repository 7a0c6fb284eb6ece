// sys.ping, sys.info and sys.stats: the introspection every Node answers without a line of serverlet code.
#pragma once

namespace skymesh::bus {
class Node;
void add_sys_methods(Node& node);
}  // namespace skymesh::bus
