// Every fiber of a reactor runs on its thread, so a condition variable between them guards nothing that another
// thread could touch: waiting on boost::fibers::condition_variable_any with a NoLock skips the fiber mutex, whose
// lock and unlock each look up the active fiber and take a spinlock (about a dozen of them per round trip).
#pragma once

namespace skymesh::bus::detail {

struct NoLock {
  void lock() noexcept {}
  void unlock() noexcept {}
};

}  // namespace skymesh::bus::detail
