// Per-thread free lists of fixed-size memory blocks, and a standard allocator over them. The bus allocates the
// same few object sizes for every call (decoded messages, reply-cache entries, promise states, cancel flags);
// recycling their blocks avoids most of malloc/free's work. A block freed on another thread joins that thread's
// list. Each list keeps at most k_max_free blocks and returns the rest to the heap. Under AddressSanitizer
// blocks go straight to the heap so that use-after-free is still caught.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace skymesh::bus::detail {

#if defined(__SANITIZE_ADDRESS__)
#define SKYMESH_BLOCK_POOL_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SKYMESH_BLOCK_POOL_OFF 1
#endif
#endif

template <size_t Size>
class BlockPool {
 public:
  static constexpr size_t k_max_free = 8192;

  static void* allocate() {
#ifndef SKYMESH_BLOCK_POOL_OFF
    BlockPool* pool = instance();
    if (pool && pool->head_) {
      Node* node = pool->head_;
      pool->head_ = node->next;
      --pool->count_;
      return node;
    }
#endif
    return ::operator new(Size);
  }

  static void deallocate(void* block) noexcept {
#ifndef SKYMESH_BLOCK_POOL_OFF
    BlockPool* pool = current_;
    if (pool && pool->count_ < k_max_free) {
      Node* node = static_cast<Node*>(block);
      node->next = pool->head_;
      pool->head_ = node;
      ++pool->count_;
      return;
    }
#endif
    ::operator delete(block);
  }

 private:
  struct Node {
    Node* next;
  };
  static_assert(Size >= sizeof(Node));

  BlockPool() {
    current_ = this;
  }
  ~BlockPool() {
    current_ = nullptr;
    while (head_) {
      Node* next = head_->next;
      ::operator delete(head_);
      head_ = next;
    }
  }
  static BlockPool* instance() {
    thread_local BlockPool pool;
    return current_;
  }

  // Trivially destructible, so a block freed during thread exit (after the pool is gone) sees nullptr.
  static inline thread_local BlockPool* current_ = nullptr;
  Node* head_ = nullptr;
  size_t count_ = 0;
};

// Rounds sizes up to 32 bytes so that similar types share a list.
constexpr size_t pool_size_class(size_t size) {
  return (size + 31) / 32 * 32;
}

template <typename T>
class PoolAllocator {
 public:
  using value_type = T;
  PoolAllocator() noexcept = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(BlockPool<pool_size_class(sizeof(T))>::allocate());
  }
  void deallocate(T* block, size_t n) noexcept {
    if (n != 1) {
      ::operator delete(block);
      return;
    }
    BlockPool<pool_size_class(sizeof(T))>::deallocate(block);
  }

  template <typename U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace skymesh::bus::detail
