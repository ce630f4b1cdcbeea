// Per-thread free lists for the model's fixed-size objects (VMAs, tree nodes), in the role of the
// kernel's kmem_cache for vm_area_struct: mmap/munmap churn reuses objects instead of going through
// malloc. Under AddressSanitizer the lists are off, so a use after free is still reported.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace vmaprep::model {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUseFreeLists = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUseFreeLists = false;
#else
inline constexpr bool kUseFreeLists = true;
#endif
#else
inline constexpr bool kUseFreeLists = true;
#endif

template <std::size_t Size>
class FreeList {
 public:
  static void* allocate() {
    if (kUseFreeLists) {
      std::vector<void*>& items = instance().items_;
      if (!items.empty()) {
        void* p = items.back();
        items.pop_back();
        return p;
      }
    }
    return ::operator new(Size);
  }
  static void release(void* p) {
    if (kUseFreeLists) {
      std::vector<void*>& items = instance().items_;
      if (items.size() < kMaxCached) {
        items.push_back(p);
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  // Enough for two address spaces at the default vm.max_map_count (a fork of 65530 VMAs and its
  // teardown): with a smaller cap most of a large fork went through malloc and free. The list only holds
  // what was freed, so the cap costs nothing until it is used.
  static constexpr std::size_t kMaxCached = 1 << 17;
  ~FreeList() {
    for (void* p : items_) ::operator delete(p);
  }
  static FreeList& instance() {
    thread_local FreeList list;
    return list;
  }
  std::vector<void*> items_;
};

// std::allocator replacement for node-based containers: single nodes come from the free list.
template <class T>
struct FreeListAllocator {
  using value_type = T;
  FreeListAllocator() = default;
  template <class U>
  FreeListAllocator(const FreeListAllocator<U>&) {}
  T* allocate(std::size_t n) {
    if (n == 1) return static_cast<T*>(FreeList<sizeof(T)>::allocate());
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) {
    if (n == 1)
      FreeList<sizeof(T)>::release(p);
    else
      ::operator delete(p);
  }
  template <class U>
  bool operator==(const FreeListAllocator<U>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const FreeListAllocator<U>&) const {
    return false;
  }
};

}  // namespace vmaprep::model
